"""The search box's query string."""
from webapp.inputs.fields import Choice, Text
from webapp.inputs.schemas import QuerySchema

KINDS = {"item": "信息", "case": "批示件", "emergency": "紧急信息"}
MIN_LENGTH = 2


class SearchArgs(QuerySchema):
    q = Text(100, min_length=MIN_LENGTH, label="搜索内容", error=f"搜索内容应为{MIN_LENGTH}到100字")
    kind = Choice(KINDS, "类型")
