"""The information office's editorial desk (编辑部): its publications and their numbered issues (期), and 综合
(several units' items merged into one combined item)."""

from webapp.core.domain import Domain

DOMAIN = Domain(
    name="editorial", label="刊物编辑",
    models=("webapp.editorial.models",),
    blueprints=(("webapp.editorial.views:bp", "/editorial"),),
    routes=("webapp.editorial.issue_views", "webapp.editorial.merge_views"),
    # a combined item is an information item of the office: the reports domain's pages and projector serve it
    process_keys={"publication_issue": ("issue", "issue"), "info_merged": ("info", "emergency")},
    forms="webapp.editorial.issue_forms:forms",
    projectors={"publication_issue": "webapp.editorial.issues:project_issue",
                "info_merged": "webapp.reports.process:project_item"},
    task_pages={"publication_issue": "webapp.editorial.issue_views:task_subject",
                "info_merged": "webapp.reports.views:task_subject"},
    visibility={"publication_issue": "webapp.editorial.issues:visible_instance",
                "info_merged": "webapp.reports.queries:visible_instance"},
    links={"publication_issue": "webapp.editorial.issues:link_for_instance",
           "info_merged": "webapp.reports.queries:link_for_instance"},
    page_extras={"reports.detail": "webapp.editorial.merging:item_page"},
    receivers=(("publication_choices", "webapp.editorial.publications:choices"),
               ("office_publications", "webapp.editorial.publications:scored"),),
)
