"""The forms of `publication_issue`'s and `info_merged`'s steps, each with its rule that needs the instance."""
from webapp.reports.checks import check_edit

from .issues import check_compile
from .schemas import CompileSchema, MergedEditSchema, ReviewSchema, SignSchema

FORMS = {
    "editorial.issue_compile": (CompileSchema, check_compile),
    "editorial.issue_review": (ReviewSchema, None),  # 审核通过 / 退回修改 with the reasons
    "editorial.issue_sign": (SignSchema, None),  # 签发 / 退回修改 with the reasons
    "editorial.merged_edit": (MergedEditSchema, check_edit),  # a combined item: 采用 into the office's publication
}


def forms():
    return dict(FORMS)
