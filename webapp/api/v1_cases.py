"""/api/v1: 批示件 (instruction cases) — the list with its lights, a case, registering one. What follows
(交办, 办理, 进展, 延期申请与审批, 报结, 审核) is the case's tasks, done through /tasks/{id}/complete."""
from flask_login import current_user

from webapp.cases import operations as case_operations
from webapp.cases import queries as case_queries
from webapp.cases.models import InstructionCase

from . import bearer, cursors
from . import v1_schemas as s
from .v1 import blp, created, documented, shown


@blp.route("/cases")
@bearer.requires("read")
@blp.arguments(s.CaseArgs, location="query", as_kwargs=False)
@blp.response(200, s.CaseList)
@documented(400, 401, 422)
def cases(args):
    """调用者可见的批示件（未办结的按期限在前，期限待定的随后，已办结的最后）；alert 只列红灯、黄灯或期限待定的。
    以 cursor 翻页。"""
    bound = args.get("alert")
    rows, following = cursors.walk(case_queries.list_query(current_user, bound), case_queries.LIST_ORDER,
                                   InstructionCase.id, args["limit"], cursors.decode(args.get("cursor"), bound))
    return {"cases": rows, "next_cursor": cursors.encode(following, bound)}


@blp.route("/cases/<int:case_id>")
@bearer.requires("read")
@blp.response(200, s.CaseDetail)
@documented(401, 404)
def case(case_id):
    """一件批示件：办理情况、当前任务、承办单位的报告与全部过程。"""
    found = case_queries.get_visible(current_user, case_id)
    return shown(s.CaseDetail, {"case": found, "open_tasks": case_queries.open_tasks(found),
                                "reports": case_queries.reports(found), "history": case_queries.history(found)}, found)


@blp.route("/cases", methods=["POST"])
@bearer.requires("act")
@blp.response(201, s.CaseCreated)
@documented(401, 403)
def register():
    """登记批示件（督查室）：返回批示件和登记任务。支持 Idempotency-Key。"""
    def make():
        found, task = case_operations.register_case(current_user)
        return s.CaseCreated().dump({"case": found, "task": task})
    return created(make)
