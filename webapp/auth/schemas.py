"""Login, password and security-policy forms."""
from flask_login import current_user
from marshmallow import EXCLUDE, ValidationError, validates_schema

from webapp.inputs.fields import Integer, Text
from webapp.inputs.schemas import FormSchema

from .queries import character_kinds, policy, recently_used


class LoginSchema(FormSchema):
    class Meta:
        unknown = EXCLUDE  # the form also carries csrf_token

    username = Text(64, required=True, error_messages={"required": "请输入用户名", "null": "请输入用户名"})
    password = Text(128, required=True, error_messages={"required": "请输入密码", "null": "请输入密码"})


class ChangePasswordSchema(FormSchema):
    """修改密码: the old password, the new one twice; the policy's length, kinds of character and history."""

    class Meta:
        unknown = EXCLUDE

    old_password = Text(128, required=True, error_messages={"required": "请输入原密码", "null": "请输入原密码"})
    new_password = Text(128, required=True, error="新密码不能超过 128 个字符",
                        error_messages={"required": "请输入新密码", "null": "请输入新密码"})
    new_password2 = Text(128, required=True,
                         error_messages={"required": "请再次输入新密码", "null": "请再次输入新密码"})

    @validates_schema
    def check_rule(self, data, **kwargs):
        new = data.get("new_password", "")
        rules = policy()
        if len(new) < rules.password_min_length or character_kinds(new) < rules.password_min_kinds:
            raise ValidationError(rules.rule_text() + "。", "new_password")
        if new != data.get("new_password2"):
            raise ValidationError("两次输入的新密码不一致。", "new_password2")
        if new == data.get("old_password"):
            raise ValidationError("新密码不能与原密码相同。", "new_password")
        if current_user.is_authenticated and current_user.username.lower() in new.lower():
            raise ValidationError("新密码不能包含用户名。", "new_password")
        if current_user.is_authenticated and recently_used(current_user, new, rules):
            raise ValidationError(f"新密码不能与最近使用过的 {rules.password_history} 个密码相同。", "new_password")


class SecurityPolicySchema(FormSchema):
    """安全策略: what the 安全保密管理员 may set, within bounds that keep the system usable and the rule meaningful."""

    class Meta:
        unknown = EXCLUDE

    password_min_length = Integer(8, 64, label="密码最短长度", required=True)
    password_min_kinds = Integer(1, 4, label="须包含的字符种类数", required=True)
    password_history = Integer(0, 24, label="不得重复使用的最近密码个数", required=True)
    password_max_age_days = Integer(0, 3650, label="密码有效期（天）", required=True)
    session_idle_minutes = Integer(5, 1440, label="空闲超时（分钟）", required=True)
