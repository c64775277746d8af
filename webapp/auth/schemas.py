"""Login form."""
from marshmallow import EXCLUDE

from webapp.inputs.fields import Text
from webapp.inputs.schemas import FormSchema


class LoginSchema(FormSchema):
    class Meta:
        unknown = EXCLUDE  # the form also carries csrf_token

    username = Text(64, required=True, error_messages={"required": "请输入用户名", "null": "请输入用户名"})
    password = Text(128, required=True, error_messages={"required": "请输入密码", "null": "请输入密码"})
