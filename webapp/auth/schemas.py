"""Login and password forms."""
from flask import current_app
from flask_login import current_user
from marshmallow import EXCLUDE, ValidationError, validates_schema

from webapp.inputs.fields import Text
from webapp.inputs.schemas import FormSchema


class LoginSchema(FormSchema):
    class Meta:
        unknown = EXCLUDE  # the form also carries csrf_token

    username = Text(64, required=True, error_messages={"required": "请输入用户名", "null": "请输入用户名"})
    password = Text(128, required=True, error_messages={"required": "请输入密码", "null": "请输入密码"})


def _kinds(password):
    """How many of the four kinds of character (upper case, lower case, digit, other) the password uses."""
    return sum([any(c.isupper() for c in password), any(c.islower() for c in password),
                any(c.isdigit() for c in password), any(not c.isalnum() for c in password)])


class ChangePasswordSchema(FormSchema):
    """修改密码: the old password, the new one twice; at least PASSWORD_MIN_LENGTH characters of three kinds."""

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
        min_length = current_app.config["PASSWORD_MIN_LENGTH"]
        if len(new) < min_length or _kinds(new) < 3:
            raise ValidationError(f"新密码至少 {min_length} 位，且须包含大写字母、小写字母、数字、特殊字符中的"
                                  "至少三种。", "new_password")
        if new != data.get("new_password2"):
            raise ValidationError("两次输入的新密码不一致。", "new_password2")
        if new == data.get("old_password"):
            raise ValidationError("新密码不能与原密码相同。", "new_password")
        if current_user.is_authenticated and current_user.username.lower() in new.lower():
            raise ValidationError("新密码不能包含用户名。", "new_password")
