"""The shared fields refuse what forms and JSON clients can send, in Chinese; every schema of the app does too."""
import math

import pytest
from marshmallow import ValidationError

from webapp.inputs import fields
from webapp.inputs.messages import is_chinese
from webapp.inputs.schemas import FormSchema, QuerySchema

HOSTILE = ["", "   ", "\x00", "a\x00b", "\x7f", "١٢", "1_000", "1.5", "-1", "0", "2147483648", "9" * 5000, "1e400",
           "nan", "inf", "0001-01", "9999-12", "0001-01-01", "9999-12-31", "0001-01-01T00:00", "9999-12-31T23:59",
           "x" * 100_001, True, None, 1.5, math.nan, math.inf, 2**64, [], ["a", "b"], {}, {"a": [1]}, "\ud800"]


class Sample(FormSchema):
    name = fields.Text(10, required=True)
    unit_id = fields.Id("单位")
    hours = fields.Float(0, 100, label="小时数", load_default=None)
    month = fields.Month(load_default=None)
    day = fields.Day(load_default=None)
    moment = fields.LocalDateTime(load_default=None)
    ids = fields.IdList("人员")


def _errors(**data):
    try:
        Sample().load({"name": "名字", **data})
    except ValidationError as exc:
        return exc.normalized_messages()
    return {}


@pytest.mark.parametrize(("data", "errors"), [
    ({"name": "   "}, {"name": ["此项为必填项"]}),
    ({"name": "a\x00"}, {"name": ["含有不可见的控制字符，请删除后重试"]}),
    ({"name": "十一个字十一个字十一个"}, {"name": ["不能超过10字"]}),
    ({"unit_id": "2147483648"}, {"unit_id": ["请选择有效的单位"]}),
    ({"unit_id": "0"}, {"unit_id": ["请选择有效的单位"]}),
    ({"unit_id": "١"}, {"unit_id": ["请选择有效的单位"]}),
    ({"unit_id": 1.5}, {"unit_id": ["请选择有效的单位"]}),
    ({"unit_id": True}, {"unit_id": ["请选择有效的单位"]}),
    ({"hours": "nan"}, {"hours": ["小时数应为有限的数字"]}),
    ({"hours": "inf"}, {"hours": ["小时数应为有限的数字"]}),
    ({"hours": "101"}, {"hours": ["小时数应在 0 到 100 之间"]}),
    ({"month": "0001-01"}, {"month": ["年份应在 2000 到 2100 之间"]}),
    ({"month": "2026-13"}, {"month": ["月份格式应为 YYYY-MM"]}),
    ({"day": "9999-12-31"}, {"day": ["年份应在 2000 到 2100 之间"]}),
    ({"day": "2026-02-30"}, {"day": ["日期格式应为 YYYY-MM-DD"]}),
    ({"moment": "0001-01-01T00:00"}, {"moment": ["年份应在 2000 到 2100 之间"]}),
    ({"ids": ["1", "abc"]}, {"ids": {1: ["请选择有效的人员"]}}),
    ({"ids": ["1"] * 501}, {"ids": ["一次最多选择 500 项"]}),
    ({"extra": "1"}, {"extra": ["不认识的字段"]}),
])
def test_a_field_refuses_in_chinese(data, errors):
    assert _errors(**data) == errors


def test_good_values_load_typed():
    loaded = Sample().load({"name": "名字", "unit_id": " 7 ", "hours": "0.5", "month": "2026-3", "day": "2026-03-02",
                            "moment": "2026-03-02T09:30", "ids": "1,2"})
    assert (loaded["unit_id"], loaded["hours"], loaded["month"].isoformat(), loaded["day"].isoformat(),
            loaded["ids"]) == (7, 0.5, "2026-03-01", "2026-03-02", [1, 2])
    assert loaded["moment"].isoformat() == "2026-03-02T09:30:00+08:00"


def test_a_blank_typed_box_is_absent():
    assert Sample().load({"name": "名字", "hours": " ", "month": ""})["hours"] is None


def test_a_query_schema_ignores_unknown_and_blank_arguments():
    class Query(QuerySchema):
        page = fields.Integer(1, 10, label="页码", load_default=1)

    assert Query().load({"page": " ", "csrf_token": "x"}) == {"page": 1}


def _all_schemas(base=FormSchema):
    for cls in base.__subclasses__():
        yield cls
        yield from _all_schemas(cls)


def _messages(errors):
    if isinstance(errors, dict):
        for value in errors.values():
            yield from _messages(value)
    elif isinstance(errors, list):
        for value in errors:
            yield from _messages(value)
    else:
        yield errors


def test_every_schema_of_the_app_refuses_hostile_input_in_chinese(app):
    """Each field of each schema gets each hostile value; whatever is refused is refused in Chinese."""
    schemas = sorted(set(_all_schemas()), key=lambda cls: cls.__qualname__)
    assert len(schemas) > 30
    for schema_cls in schemas:
        names = [field.data_key or name for name, field in schema_cls().load_fields.items()]
        for value in HOSTILE:
            for name in names:
                try:
                    schema_cls().load({name: value})
                except ValidationError as exc:
                    english = [m for m in _messages(exc.messages) if not is_chinese(m)]
                    assert not english, (schema_cls.__qualname__, name, repr(value)[:40], english)
