from webapp.inputs.fields import ChoiceList, Id, Integer, Text
from webapp.inputs.schemas import FormSchema

from .models import SCOPES


class IssueSchema(FormSchema):
    name = Text(80, required=True)
    days = Integer(0, 365, label="有效天数", load_default=90)
    scopes = ChoiceList(list(SCOPES), "权限范围", required=True)


class ServiceIssueSchema(IssueSchema):
    """A token for a service account: never the admin scope (a service account administers nothing)."""

    account_id = Id("服务账号", required=True)
    scopes = ChoiceList([s for s in SCOPES if s != "admin"], "权限范围", required=True)
