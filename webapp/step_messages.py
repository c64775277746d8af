"""What a task page shows beside the form (the instance's domain's answer) and what completing a step says: the
domain's words, else where the work went — the next steps, who holds them and by when."""
from webapp.core import hooks
from webapp.core.formats import local_dt
from webapp.core.roles import ROLES
from webapp.engine.models import HumanTask
from webapp.extensions import db


def _holder(row):
    if row.assignee is not None:
        return f"{row.unit.name} {row.assignee.name}"
    return f"{row.unit.name}{ROLES.get(row.role, row.role)}"


def where_it_went(row):
    """「已转至“核实审核”（a县委办公室办公室主任，办理期限 …）」, 「流程已办结」, or "" when it waits elsewhere."""
    following = (db.session.query(HumanTask).filter(HumanTask.instance_id == row.instance_id,
                                                    HumanTask.state == "open", HumanTask.id != row.id)
                 .order_by(HumanTask.id).all())
    if not following:
        return "流程已办结" if row.instance.status == "completed" else ""
    steps = []
    for step in following:
        due = f"，办理期限 {local_dt(step.due_dt)}" if step.due_dt else ""
        steps.append(f"“{step.step_label}”（{_holder(step)}{due}）")
    return "已转至" + "、".join(steps)



def context_for(row):
    return hooks.ask(hooks.task_page, row.process_key, row=row) or {}


def done_message(row):
    """What the person who just completed `row` is told: the domain's words (`hooks.task_done`), else
    "“<step>”已办理，" and where the work went (`where_it_went`)."""
    if domain := hooks.ask(hooks.task_done, row.process_key, row=row):
        return domain
    went = where_it_went(row)
    return f"“{row.step_label}”已办理{'，' + went if went else ''}。"
