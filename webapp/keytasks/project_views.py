"""Pages of 专项督查: the office's projects, proposing one, a project's page."""
from flask import redirect, render_template, url_for
from flask_login import current_user, login_required

from webapp import idempotency
from webapp.core.access import role_required
from webapp.core.errors import NotFound
from webapp.extensions import db

from . import project_units, projects, queries
from .models import UNIT_LIGHTS, SpecialProject
from .views import bp


def task_subject(row):
    """The project beside its step's form (and on its item page), and the units a proposal may name. The
    office's desk (its 督查室 and leaders) sees every inspected unit's row; anyone else, such as an inspected unit's
    承办人 at its own step, only the row of their own unit."""
    project = projects.for_instance(row.instance_id)
    desk = project is not None and project.unit_id in queries.watched_offices(current_user)
    unit = projects.unit_of_task(project, row)
    if not desk and (unit is None or unit.unit_id != current_user.unit_id):
        unit = None
    return {"project": project, "task_data": projects.form_values(project, row),
            "project_units": queries.units_by_id(project.unit_ids if project else []),
            "project_unit": unit, "unit_lights": UNIT_LIGHTS,
            "project_unit_rows": project_units.units_of(project) if desk else [],
            "all_units": queries.handling_units(), "subject_template": "keytasks/_project.html"}


@bp.route("/projects/")
@login_required
def projects_index():
    if not queries.watched_offices(current_user):
        raise NotFound("只有督查室和本级领导可以查看专项督查。")
    rows = projects.visible_to(current_user).order_by(SpecialProject.id.desc()).all()
    return render_template("keytasks/projects.html", projects=rows,
                           progress=project_units.progress_of([p.id for p in rows]),
                           may_propose=current_user.has_role("supervisor"))


@bp.route("/projects/new", methods=["POST"])
@role_required("supervisor")
def new_project():
    idempotency.claim()
    _project, task = projects.start_project(current_user)
    target = url_for("inbox.task", row_id=task.id)
    idempotency.remember(target)
    db.session.commit()
    return redirect(target)


@bp.route("/projects/<int:project_id>")
@login_required
def project(project_id):
    project = projects.get_visible(current_user, project_id)
    return render_template("keytasks/project.html", project=project, history=projects.history(project),
                           project_units=queries.units_by_id(project.unit_ids),
                           project_unit_rows=project_units.units_of(project), unit_lights=UNIT_LIGHTS)


@bp.route("/projects/instance/<int:instance_id>")
@login_required
def project_by_instance(instance_id):
    project = projects.for_instance(instance_id)
    if project is None:
        raise NotFound("专项督查不存在或您无权查看。")
    return redirect(url_for("keytasks.project", project_id=projects.get_visible(current_user, project.id).id))
