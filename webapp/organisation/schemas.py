"""The forms of the unit and user pages; every one refuses what it does not know."""
import re

from marshmallow import EXCLUDE, ValidationError, validates

from webapp.auth.models import UNIT_KINDS
from webapp.core.roles import ADMIN_ROLES, ROLES, SECRECY_LEVELS
from webapp.inputs.fields import Choice, ChoiceList, Flag, Id, IntChoice, Integer, Text
from webapp.inputs.schemas import FormSchema, QuerySchema

BUSINESS_ROLES = {code: label for code, label in ROLES.items() if code not in ADMIN_ROLES}
UNIT_FUNCTIONS = {"info": "信息处（科）", "supervision": "督查室", "duty": "总值班室"}
_CODE = re.compile(r"[A-Za-z0-9_.-]+")


class _Form(FormSchema):
    class Meta:
        unknown = EXCLUDE  # the forms also carry csrf_token and the idempotency key


class NewUnitSchema(_Form):
    code = Text(64, required=True, label="单位代码")
    name = Text(128, required=True, label="单位名称")
    kind = Choice(UNIT_KINDS, label="单位类别", required=True)
    function = Choice(UNIT_FUNCTIONS, label="内设机构职能", load_default=None)
    parent_id = Id("上级单位", load_default=None)

    @validates("code")
    def _code(self, value, **kwargs):
        if not _CODE.fullmatch(value.strip()):
            raise ValidationError("单位代码只能由字母、数字、点、下划线和连字符组成")


class RenameUnitSchema(_Form):
    name = Text(128, required=True, label="单位名称")


class MoveUnitSchema(_Form):
    parent_id = Id("上级单位", required=True)


class DirectReportSchema(_Form):
    """直报点: the higher information office the unit may also report to directly (none: not a 直报点)."""

    direct_report_unit_id = Id("直报单位", load_default=None)


class UserSearchSchema(QuerySchema):
    q = Text(64, label="姓名或用户名")
    unit_id = Id("单位", load_default=None)
    page = Integer(1, 100000, label="页码", load_default=1)


class NewUserSchema(_Form):
    username = Text(64, required=True, label="用户名")
    name = Text(64, required=True, label="姓名")
    unit_id = Id("单位", required=True)
    roles = ChoiceList(BUSINESS_ROLES, label="角色")
    is_service = Flag()  # 服务账号: signs in never, acts through tokens

    @validates("username")
    def _username(self, value, **kwargs):
        if not _CODE.fullmatch(value.strip()):
            raise ValidationError("用户名只能由字母、数字、点、下划线和连字符组成")


class EditUserSchema(_Form):
    name = Text(64, required=True, label="姓名")
    unit_id = Id("单位", required=True)
    roles = ChoiceList(BUSINESS_ROLES, label="角色")
    successor_id = Id("接替人", load_default=None)


class DeactivateUserSchema(_Form):
    successor_id = Id("接替人", load_default=None)


class GrantSchema(_Form):
    """The 安全保密管理员's form: every role, the three administrators' included, and the clearance."""

    roles = ChoiceList(ROLES, label="角色")
    clearance = IntChoice(SECRECY_LEVELS, label="密级", required=True)
