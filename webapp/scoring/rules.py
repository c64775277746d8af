"""The scoring table: what each adoption, 批示 and fault is worth. Admins save new versions; this is the default."""
from marshmallow import EXCLUDE, ValidationError, validates_schema

from webapp.core import hooks
from webapp.inputs.fields import Day, Flag, Text
from webapp.inputs.schemas import FormSchema
from webapp.reports.schemas import PUBLICATIONS

INSTRUCTION_LEVELS = {"central": "中央领导批示", "provincial": "省领导批示", "city": "市领导批示",
                      "county": "县（区）领导批示"}
PENALTIES = {"late": "迟报（每次）", "missed": "漏报（每次）", "concealed": "瞒报（每次）",
             "commission_missed": "约稿未按期报送（每次）"}
# What an office awards a unit in a year (recorded under 考核通报 → 奖励加分, counted in that year and quarter);
# the points of each are set in the scoring table like every other entry.
UNIT_BONUSES = {"provincial_top": "进入全省信息工作排名前列", "city_commended": "获市委、市政府通报表扬",
                "special_contribution": "重大信息工作突出贡献"}
BONUSES = {"problem_report": "报忧信息被采用（每条，另加）", **UNIT_BONUSES}
# The weight of a publication the table does not name yet, by its kind (editorial.models.KINDS): the leaders'
# own reading (专报, 领导参阅, 内参) weighs more, the daily 上报件 less.
KIND_POINTS = {"special": 6, "reference": 5, "internal": 5, "digest": 4, "regular": 4, "upward": 3}
OTHER_PUBLICATION_POINTS = 4
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
    "bonus": {"problem_report": 2, "provincial_top": 50, "city_commended": 10, "special_contribution": 20},
    # Each level above the ranking office weighs more, as a 批示 does: a provincial adoption is worth about two
    # adoptions at the city, a central one about four.
    "forwarded": {"county": 3, "city": 6, "province": 10, "central": 20},
    "veto_concealed": True,
}

GROUPS = {"adoption": {p: f"采用于《{p}》（每条）" for p in PUBLICATIONS}, "instruction": INSTRUCTION_LEVELS,
          "forwarded": FORWARDED, "penalty": PENALTIES, "bonus": BONUSES}
# The former fixed list with the kinds the editorial desk gave them, for an app without publications kept
FORMER_KINDS = {"汇要": "digest", "内参": "internal", "上报": "upward", "重要信息": "regular", "专报": "special",
                "领导参阅": "reference"}


def publications(office_id=None):
    """[(name, kind)] of the publications scored: the office's active ones, or every office's for the table."""
    found = hooks.ask(hooks.office_publications, "scoring", unit_id=office_id)
    return found or [(name, FORMER_KINDS.get(name, "regular")) for name in PUBLICATIONS]


def groups(office_id=None):
    """The entries of the scoring table: the adoption entries are the publications kept now (and whatever other
    adoption entries GROUPS holds besides the former publications)."""
    kept = {name: f"采用于《{name}》（每条）" for name, _kind in publications(office_id)}
    others = {key: label for key, label in GROUPS["adoption"].items() if key not in PUBLICATIONS and key not in kept}
    return {**GROUPS, "adoption": {**kept, **others}}


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
        for group, entries in groups().items():
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
    rules = {group: {key: float(raw[field_name(group, key)]) for key in entries} for group, entries in groups().items()}
    rules["veto_concealed"] = str(raw.get("veto_concealed", "")).lower() in ("1", "true", "on", "yes")
    return rules


def points(rules, group, key, kind=None):
    """An entry's points; an entry the version lacks is worth the default: a publication added later (or one the
    table never named) by its kind, anything else by the shipped table, else 0."""
    value = rules.get(group, {}).get(key)
    if value is None:
        value = DEFAULT_RULES.get(group, {}).get(key)
    if value is None and group == "adoption":
        value = KIND_POINTS.get(kind or FORMER_KINDS.get(key), OTHER_PUBLICATION_POINTS)
    return value or 0


def form_values(rules):
    kinds = dict(publications())
    values = {field_name(group, key): plain_number(points(rules, group, key, kinds.get(key)))
              for group, entries in groups().items() for key in entries}
    values["veto_concealed"] = bool(rules.get("veto_concealed"))
    return values


def plain_number(number):
    """3.0 shows as 3, 2.5 as 2.5."""
    return int(number) if float(number).is_integer() else number
