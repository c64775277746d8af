"""The information office's editorial desk (编辑部): its publications and their numbered issues (期)."""

from webapp.core.domain import Domain

DOMAIN = Domain(
    name="editorial", label="刊物编辑",
    models=("webapp.editorial.models",),
    blueprints=(("webapp.editorial.views:bp", "/editorial"),),
    routes=("webapp.editorial.issue_views",),
    process_keys={"publication_issue": ("issue", "issue")},
    forms="webapp.editorial.issue_forms:forms",
    projectors={"publication_issue": "webapp.editorial.issues:project_issue"},
    task_pages={"publication_issue": "webapp.editorial.issue_views:task_subject"},
    visibility={"publication_issue": "webapp.editorial.issues:visible_instance"},
    links={"publication_issue": "webapp.editorial.issues:link_for_instance"},
    page_extras={"reports.detail": "webapp.editorial.issues:item_page"},
    receivers=(("publication_choices", "webapp.editorial.publications:choices"),
               ("office_publications", "webapp.editorial.publications:scored"),),
)
