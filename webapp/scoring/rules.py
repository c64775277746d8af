"""The scoring table: what each adoption, 批示 and fault is worth. Admins save new versions; this is the default."""
from marshmallow import EXCLUDE, ValidationError, validates_schema

from webapp.inputs.fields import Day, Flag, Text
from webapp.inputs.schemas import FormSchema
from webapp.reports.schemas import PUBLICATIONS

INSTRUCTION_LEVELS = {"central": "中央领导批示", "provincial": "省领导批示", "city": "市领导批示",
                      "county": "县（区）领导批示"}
PENALTIES = {"late": "迟报（每次）", "missed": "漏报（每次）", "concealed": "瞒报（每次）",
             "commission_missed": "约稿未按期报送（每次）"}
BONUSES = {"problem_report": "报忧信息被采用（每条，另加）"}
# 转报: an item adopted at an office above the ranking one, by that office's level (webapp.reports.forwarding).
LEVELS = {"county": "县级", "city": "市级", "province": "省级", "central": "中央"}
FORWARDED = {level: f"转报后被{label}采用（每条）" for level, label in LEVELS.items()}

# GovFlow's shipped defaults. The seeds give the scale, not a table: "采用信息24条98分" (002) is about 4 points
# per adopted item; the publications that reach leaders directly (专报, 领导参阅, 内参) weigh more. Penalties make
# one 瞒报 cost more than a month of adoptions, and 瞒报 is a one-vote veto (一票否决, 002) by default.
DEFAULT_RULES = {
    "adoption": {"汇要": 4, "内参": 5, "上报": 3, "重要信息": 4, "专报": 6, "领导参阅": 5},
    "instruction": {"central": 20, "provincial": 10, "city": 5, "county": 2},
    "penalty": {"late": 2, "missed": 5, "concealed": 10, "commission_missed": 2},
    "bonus": {"problem_report": 2},
    # Each level above the ranking office weighs more, as a 批示 does: a provincial adoption is worth about two
    # adoptions at the city, a central one about four.
    "forwarded": {"county": 3, "city": 6, "province": 10, "central": 20},
    "veto_concealed": True,
}

GROUPS = {"adoption": {p: f"采用于《{p}》（每条）" for p in PUBLICATIONS}, "instruction": INSTRUCTION_LEVELS,
          "forwarded": FORWARDED, "penalty": PENALTIES, "bonus": BONUSES}


def field_name(group, key):
    """The form field of one entry: `adoption.汇要`, `penalty.late`."""
    return f"{group}.{key}"


class RulesForm(FormSchema):
    """The admin's form: one number per entry of every group, the veto switch, the date and a comment."""

    class Meta:
        unknown = EXCLUDE  # the entries are read from the original form below

    effective_from = Day(required=True, error_messages={"required": "请填写生效日期", "null": "请填写生效日期"})
    comment = Text(500, error="说明不超过500字")
    veto_concealed = Flag()

    @validates_schema(pass_original=True)
    def _points(self, data, original, **kwargs):
        errors = {}
        for group, entries in GROUPS.items():
            for key in entries:
                name = field_name(group, key)
                problem = _points_problem(original.get(name))
                if problem:
                    errors[name] = [problem]
        if errors:
            raise ValidationError(errors)


def _points_problem(value):
    if value is None or str(value).strip() == "":
        return "此项为必填项"
    try:
        number = float(value)
    except (TypeError, ValueError):
        return "请填写数字"
    if not 0 <= number <= 1000:  # NaN fails this too
        return "分值应在 0 到 1000 之间"
    return None


def rules_from_form(raw):
    """The rules dict of a valid form (RulesForm checked every number)."""
    rules = {group: {key: float(raw[field_name(group, key)]) for key in entries} for group, entries in GROUPS.items()}
    rules["veto_concealed"] = str(raw.get("veto_concealed", "")).lower() in ("1", "true", "on", "yes")
    return rules


def points(rules, group, key):
    """An entry's points; an entry the version lacks (a publication added later) is worth the default, else 0."""
    value = rules.get(group, {}).get(key)
    if value is None:
        value = DEFAULT_RULES.get(group, {}).get(key, 0)
    return value


def form_values(rules):
    values = {field_name(group, key): plain_number(points(rules, group, key))
              for group, entries in GROUPS.items() for key in entries}
    values["veto_concealed"] = bool(rules.get("veto_concealed"))
    return values


def plain_number(number):
    """3.0 shows as 3, 2.5 as 2.5."""
    return int(number) if float(number).is_integer() else number
