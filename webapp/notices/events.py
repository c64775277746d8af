"""What the system tells people when work reaches them: a new, returned or transferred task, an urge (催办)."""
from flask import has_request_context
from flask_login import current_user

from webapp.core.links import path_for

from . import operations, queries


def _acting_user_id():
    """The user whose request this is, if any: nobody needs a notice of what they just did themselves."""
    if has_request_context() and current_user.is_authenticated:
        return current_user.id
    return None


def task_opened(_process_key, row, completed=None, **_kwargs):
    """A task row was opened (`hooks.task_opened`): tell its assignee, or its role in its unit.
    A task withdrawn (撤回) goes back to the withdrawer, who needs no notice. `completed`: the row whose completion
    opened it, when the step says (else the instance's last completed row is read)."""
    if row.arrival == "withdrawn":
        return None
    if row.assignee_id is not None and row.assignee_id == _acting_user_id():
        return None  # e.g. the draft a writer has just started
    previous = None
    if row.arrival is None:  # read once, and only when the step did not say
        previous = completed if completed is not None else queries.last_completed(row.instance_id)
    if _same_step_again(row, previous):
        return None  # e.g. a case's 进展反馈: the unit's 办理 stays open, nothing new reached anyone
    what = f"「{row.step_label}」：{row.title}"
    arrival, reason = row.arrival, row.arrival_note
    returned_by = _returned_by_decision(row, previous)
    if returned_by is not None:
        arrival, reason = "returned", returned_by.opinion
    if arrival == "returned":
        title, body, level = f"被退回{what}", _reason("退回理由", reason), "warning"
    else:
        title, body, level = f"新待办{what}", "", "info"
    recipient = {"user_id": row.assignee_id} if row.assignee_id else {"role": row.role, "unit_id": row.unit_id}
    return operations.send(title, body=body, level=level, instance_id=row.instance_id,
                           link=path_for("inbox.task", row_id=row.id), secrecy=row.secrecy, **recipient)


def task_transferred(row):
    """A task was handed to another user (转办): tell the new holder, with the reason."""
    return operations.send(f"转办给您「{row.step_label}」：{row.title}", body=_reason("转办理由", row.arrival_note),
                           level="info", instance_id=row.instance_id, link=path_for("inbox.task", row_id=row.id),
                           secrecy=row.secrecy, user_id=row.assignee_id)


def _same_step_again(row, previous):
    """Whether `row` reopens the step its unit has just completed (`previous`, a loop of a step onto itself)."""
    if row.arrival is not None:
        return False
    return (previous is not None and previous.id != row.id and previous.step_key == row.step_key
            and previous.unit_id == row.unit_id and previous.outcome != "return")


def _returned_by_decision(row, previous):
    """The step whose decision was "return" (退回修改 through the diagram's own path, `previous`), if that opened
    `row`."""
    if row.arrival is not None:
        return None
    return previous if previous is not None and previous.outcome == "return" else None


def _reason(label, note):
    return f"{label}：{note}" if note else ""


def task_urged(urge):
    """An urge (`webapp.inbox.models.Urge`) was sent: tell who holds the task, and the unit's leaders if asked."""
    row = urge.task
    title = f"催办「{row.step_label}」：{row.title}"
    body = f"{urge.sender.name}催办：{urge.note}" if urge.note else f"{urge.sender.name}催您尽快办理。"
    recipient = ({"user_id": urge.target_user_id} if urge.target_user_id
                 else {"role": urge.target_role, "unit_id": urge.target_unit_id})
    sent = [operations.send(title, body=body, level="warning", instance_id=urge.instance_id,
                            link=path_for("inbox.task", row_id=row.id), secrecy=row.secrecy, **recipient)]
    if urge.notify_leader:
        sent.append(operations.send(f"催办（请督促）「{row.step_label}」：{row.title}", body=body, level="warning",
                                    instance_id=urge.instance_id,
                                    link=path_for("inbox.item", instance_id=urge.instance_id), secrecy=row.secrecy,
                                    role="leader", unit_id=row.unit_id))
    return sent

