"""Writes of the supervision desk: 催办 one case, or every open case a filter shows. They flush; the view commits."""
from dataclasses import dataclass, field

from webapp import engine
from webapp.core.errors import TaskConflict
from webapp.inbox import operations as inbox_operations

from . import queries

BULK_LIMIT = 200  # one bulk urge reaches at most this many cases, earliest deadline first


def _note(case, note):
    return note or f"请抓紧办理批示件 {case.case_no}，按期报结。"


def urge_case(scope, case_id, user, note=""):
    """催办 whoever holds the case's current step (the inbox's urge: rate limit, history, notice)."""
    case = queries.get_case(scope, case_id)
    task = queries.open_tasks([case.instance_id]).get(case.instance_id)
    if case.closed_dt is not None or task is None:
        raise TaskConflict("该批示件当前没有待办环节，无需催办。")
    return inbox_operations.urge(task.id, user, _note(case, note))


@dataclass
class BulkResult:
    urged: list = field(default_factory=list)
    recent: list = field(default_factory=list)  # urged within the interval: skipped
    no_task: list = field(default_factory=list)  # no open step (e.g. between steps): skipped
    capped: bool = False  # more cases matched than BULK_LIMIT


def urge_matching(scope, desk_filter, user, note=""):
    """催办 every open case the filter shows (at most BULK_LIMIT, earliest deadline first); cases urged recently or
    with no open step are skipped and counted."""
    result = BulkResult()
    matches = queries.matching_open(scope, desk_filter, BULK_LIMIT + 1)
    result.capped = len(matches) > BULK_LIMIT
    # Each urge locks its case's instance. Taking them all first, in id order (the one order for several locks),
    # keeps two bulk urges over differently sorted sets from each holding a lock the other waits for.
    engine.lock_instances(case.instance_id for case, task in matches[:BULK_LIMIT] if task is not None)
    for case, task in matches[:BULK_LIMIT]:
        if task is None:
            result.no_task.append(case)
            continue
        try:
            inbox_operations.urge(task.id, user, _note(case, note))
        except TaskConflict:  # urged meanwhile, or the step was done before the lock (the row is re-read)
            (result.recent if task.state == "open" else result.no_task).append(case)
        else:
            result.urged.append(case)
    return result
