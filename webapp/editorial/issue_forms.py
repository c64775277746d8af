"""The forms of `publication_issue`'s steps, each with its rule that needs the instance."""
from .issues import check_compile
from .schemas import CompileSchema, ReviewSchema, SignSchema

FORMS = {
    "editorial.issue_compile": (CompileSchema, check_compile),
    "editorial.issue_review": (ReviewSchema, None),  # 审核通过 / 退回修改 with the reasons
    "editorial.issue_sign": (SignSchema, None),  # 签发 / 退回修改 with the reasons
}


def forms():
    return dict(FORMS)
