"""The auditor's own acts on the log — verifying the chain, exporting what was found — each leaving an entry."""
from . import chain, queries, workbook
from .operations import record


def verify_log(user):
    """校验完整性: recompute every entry's hash (as `flask audit verify` does); returns the check's result."""
    result = chain.check()
    found = "完整" if result.ok else "已被破坏" if result.broken else "封存滞后"
    record("admin.audit.verify", summary=f"校验审计日志：{found}",
           detail={"ok": result.ok, "count": result.count, "unsealed": result.unsealed}, user=user)
    return result


def export_log(filters, shown_args, total, limit, user):
    """The found entries as an Excel workbook (masked above the user's clearance); the export is recorded."""
    data = workbook.workbook(queries.masked_export_rows(filters, limit, user.clearance))
    record("admin.audit.export", summary=f"导出审计日志 {total} 条", detail={"filters": shown_args, "rows": total},
           user=user)
    return data
