from webapp.inputs.fields import ChoiceList, Integer, Text
from webapp.inputs.schemas import FormSchema

from .models import SCOPES


class IssueSchema(FormSchema):
    name = Text(80, required=True)
    days = Integer(0, 365, label="有效天数", load_default=90)
    scopes = ChoiceList(list(SCOPES), "权限范围", required=True)
