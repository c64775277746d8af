"""Writes of the supervision desk: 催办 one case, or every open case a filter shows."""
from dataclasses import dataclass, field

from webapp.engine.errors import TaskConflict
from webapp.inbox import operations as inbox_operations

from . import queries

BULK_LIMIT = 200  # one bulk urge reaches at most this many cases, oldest deadline first


def urge_case(office, case_id, user, note=""):
    """催办 whoever holds the case's current step (the inbox's urge: rate limit, history, notice)."""
    case = queries.get_case(office, case_id)
    task = queries.open_tasks([case.instance_id]).get(case.instance_id)
    if task is None:
        raise TaskConflict("该批示件当前没有待办环节，无需催办。")
    return inbox_operations.urge(task.id, user, note or f"请抓紧办理批示件 {case.case_no}，按期报结。")


@dataclass
class BulkResult:
    urged: list = field(default_factory=list)
    skipped: list = field(default_factory=list)  # (case, reason)
    capped: bool = False


def urge_matching(office, desk_filter, user, note=""):
    """催办 every open case the filter shows (at most BULK_LIMIT); cases urged recently or with no open step are
    skipped with the reason."""
    result = BulkResult()
    matches = queries.matching_open(office, desk_filter, BULK_LIMIT + 1)
    result.capped = len(matches) > BULK_LIMIT
    for case, task in matches[:BULK_LIMIT]:
        if task is None:
            result.skipped.append((case, "当前没有待办环节"))
            continue
        try:
            inbox_operations.urge(task.id, user, note or f"请抓紧办理批示件 {case.case_no}，按期报结。")
        except TaskConflict as exc:
            result.skipped.append((case, exc.message))
        else:
            result.urged.append(case)
    return result
