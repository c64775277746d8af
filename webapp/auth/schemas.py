"""Login form."""
from marshmallow import EXCLUDE, Schema, fields, validate


class LoginSchema(Schema):
    class Meta:
        unknown = EXCLUDE  # the form also carries csrf_token

    username = fields.String(required=True, validate=validate.Length(min=1, max=64),
                             error_messages={"required": "请输入用户名"})
    password = fields.String(required=True, validate=validate.Length(min=1, max=128),
                             error_messages={"required": "请输入密码"})
