"""Secrecy and urgency are the host's: kept on the instance row, written into workflow data, never read back from it.

SpiffWorkflow's reset (退回, 撤回) restores the data a task had when it ran, and branch data is merged at the end of a
process; if the markings lived only in task data, either could declassify an item. So the instance row is the truth:
a form that carries `secrecy` / `urgency` changes the row (never above the user's own clearance), and every step
stamps the row's values back into the data of the tasks that are about to run.
"""
from SpiffWorkflow.util.task import TaskState

from webapp.core.errors import FormInvalid, NotAllowed
from webapp.extensions import db

from . import host
from .models import HumanTask

MARKINGS = ("secrecy", "urgency")


def secrecy_label(level):
    return host.current.secrecy_label(level)


def check_clearance(user, secrecy, field="secrecy"):
    """Nobody marks anything above their own clearance (FormInvalid on the field)."""
    if user is not None and int(secrecy or 0) > user.clearance:
        raise FormInvalid({field: [f"不能标注高于本人密级（{secrecy_label(user.clearance)}）的密级。"]})


def initial(instance, data, user):
    """Markings of a new instance from its start data; the starter must be cleared for them."""
    if user is not None and int(data.get("secrecy") or 0) > user.clearance:
        raise NotAllowed(f"不能发起高于本人密级（{secrecy_label(user.clearance)}）的事项。")
    instance.secrecy = int(data.get("secrecy") or 0)
    instance.urgency = str(data.get("urgency") or instance.urgency or "normal")


def take_from_form(instance, form, user):
    """A submitted form may change the markings; returns {name: (old, new)} of what changed."""
    changed = {}
    if "secrecy" in form and form["secrecy"] is not None:
        check_clearance(user, form["secrecy"])
        if int(form["secrecy"]) != instance.secrecy:
            changed["secrecy"] = (instance.secrecy, int(form["secrecy"]))
            instance.secrecy = int(form["secrecy"])
    if form.get("urgency") and str(form["urgency"]) != instance.urgency:
        changed["urgency"] = (instance.urgency, str(form["urgency"]))
        instance.urgency = str(form["urgency"])
    if changed:
        instance.markings_changed = True  # a plain attribute: autoflushes in between must not lose it
    return changed


def stamp(instance, workflow, tasks=None):
    """Write the row's markings into the data of the tasks that run next (READY ones, or `tasks`)."""
    values = {"secrecy": instance.secrecy, "urgency": instance.urgency}
    for task in tasks if tasks is not None else workflow.get_tasks(state=TaskState.READY):
        task.data.update(values)


def overlay(instance, data):
    """`data` with the row's markings on top: what domain projections read."""
    return {**data, "secrecy": instance.secrecy, "urgency": instance.urgency}


def sync_task_rows(instance):
    """Every task row of the instance, open or finished, carries its current markings (lists filter on them)."""
    if not getattr(instance, "markings_changed", False):
        return
    instance.markings_changed = False
    (db.session.query(HumanTask).filter(HumanTask.instance_id == instance.id)
     .update({HumanTask.secrecy: instance.secrecy, HumanTask.urgency: instance.urgency},
             synchronize_session="fetch"))
