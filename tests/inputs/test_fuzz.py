"""Hostile input to every route of the URL map, as every kind of user: no answer is ever a 500.

Routes come from app.url_map, so a new route is fuzzed without being listed here. What a route is sent: the
fields of its schema where ENDPOINT_SCHEMAS (or, for a task, the task's form) knows it, else the fields of every
schema in the app; each field starts from a valid value derived from its type, and hypothesis turns some of them
hostile. Runs are derandomized, so a failure repeats.
"""
import json
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.emergencies.helpers import REPORT
from tests.web_helpers import login
from webapp.admin.schemas import ClockSchema
from webapp.api.cursors import PageArgs
from webapp.api.token_schemas import IssueSchema, ServiceIssueSchema
from webapp.api.v1_schemas import (
    AwardsArgs,
    CaseArgs,
    DeliveryArgs,
    EmergencyArgs,
    InboxArgs,
    NoticeArgs,
    RankingArgs,
)
from webapp.audit.schemas import AuditFilterSchema
from webapp.auth.schemas import ChangePasswordSchema, SecurityPolicySchema
from webapp.cases.operations import register_case
from webapp.cases.schemas import RuleSchema, SiteVisitSchema
from webapp.commissions.schemas import CommissionSchema
from webapp.core import clock, forms
from webapp.designer.schemas import DeploySchema, MigrateSchema, ValidateSchema, VersionArgs
from webapp.editorial import issues as editorial_issues
from webapp.editorial import publications as editorial_publications
from webapp.editorial.schemas import MergePickSchema, MergeSchema, PublicationSchema, StartIssueSchema
from webapp.emergencies import operations as emergency_operations
from webapp.emergencies.schemas import FaultSchema, FollowUpSchema, PhoneSchema, RecordArgs, ReportSchema, RequestSchema
from webapp.engine import runner
from webapp.engine.models import HumanTask, ProcessDefinition
from webapp.extensions import db
from webapp.inbox.schemas import CopySchema, ListArgs, PhraseSchema, ReturnSchema, TransferSchema
from webapp.inbox.schemas import UrgeSchema as TaskUrgeSchema
from webapp.inputs import fields as inputs
from webapp.inputs.schemas import FormSchema, MonthArgs
from webapp.keytasks import operations as keytask_operations
from webapp.keytasks import projects as keytask_projects
from webapp.keytasks.checkpoints import checkpoint_dates
from webapp.keytasks.circular_forms import StartCircularSchema
from webapp.keytasks.schemas import (
    CircularArgs,
    LedgerSchema,
    StartRoundSchema,
    TaskSchema,
)
from webapp.keytasks.schemas import SiteVisitSchema as KeyTaskVisitSchema
from webapp.organisation.schemas import (
    DeactivateUserSchema,
    DirectReportSchema,
    EditUserSchema,
    GrantSchema,
    MoveUnitSchema,
    NewUnitSchema,
    NewUserSchema,
    RenameUnitSchema,
    UserSearchSchema,
)
from webapp.reports.operations import create_item
from webapp.reports.schemas import DiscardSchema
from webapp.scoring.rules import RulesForm
from webapp.scoring.schemas import AwardsSchema, BonusSchema, InstructionSchema, PublishSchema, QuarterArgs, YearArgs
from webapp.search.schemas import SearchArgs
from webapp.statistics.schemas import ConfirmSchema, MonthSchema, PeriodSchema, ProduceSchema
from webapp.supervision.schemas import DeskFilterSchema, UrgeSchema
from webapp.webhooks.schemas import EndpointSchema, EventsSchema
from webapp.workcal.schemas import YearEntriesSchema

# Every kind of user, the three separated administrators included: a route's parsing runs only for those let in.
USERS = ("writer_a", "editor", "dc", "admin", "secadmin", "auditor", "handler_a", "leader_a")
EXAMPLES = 15

# Which schema reads a route's input, where it is not the open task's form. A route missing here is still fuzzed,
# with the fields of every schema.
ENDPOINT_SCHEMAS = {
    "admin.advance_clock": [ClockSchema], "api.phone_emergency": [PhoneSchema], "api.report_emergency": [ReportSchema],
    "api.tasks": [ListArgs], "audit.index": [AuditFilterSchema], "audit.export_xlsx": [AuditFilterSchema],
    "cases.rules": [RuleSchema], "commissions.new": [CommissionSchema], "designer.check": [ValidateSchema],
    "designer.deploy": [DeploySchema], "designer.edit": [VersionArgs], "designer.migrate": [MigrateSchema],
    "emergencies.followups": [FollowUpSchema], "emergencies.new": [ReportSchema],
    "emergencies.new_fault": [FaultSchema], "emergencies.phone": [PhoneSchema], "emergencies.record": [RecordArgs],
    "emergencies.report": [MonthArgs],
    "emergencies.request_followup": [RequestSchema], "inbox.add_phrase": [PhraseSchema], "inbox.copy": [CopySchema],
    "inbox.return_to": [ReturnSchema], "inbox.transfer": [TransferSchema], "inbox.urge": [TaskUrgeSchema],
    "inbox.todo": [ListArgs], "inbox.done": [ListArgs], "inbox.started": [ListArgs], "inbox.copied": [ListArgs],
    "inbox.urges": [ListArgs], "scoring.index": [MonthArgs], "scoring.publish": [PublishSchema, MonthArgs],
    "scoring.record_instruction": [InstructionSchema], "scoring.rules": [RulesForm],
    "scoring.quarter": [QuarterArgs], "scoring.quarter_file": [QuarterArgs], "scoring.year": [YearArgs],
    "scoring.year_file": [YearArgs], "scoring.bonuses": [BonusSchema, YearArgs],
    "scoring.awards_page": [AwardsSchema, YearArgs], "scoring.publish_awards": [YearArgs],
    "scoring.awards_file": [YearArgs],
    "statistics.overdue": [PeriodSchema], "statistics.overdue_cases": [PeriodSchema],
    "statistics.faults": [PeriodSchema], "statistics.fault_list": [PeriodSchema], "statistics.monthly": [MonthSchema],
    "statistics.produce": [ProduceSchema], "statistics.confirm": [ConfirmSchema],
    "supervision.index": [DeskFilterSchema], "supervision.bulk_urge": [DeskFilterSchema, UrgeSchema],
    "supervision.urge": [UrgeSchema], "workcal.calendar": [YearEntriesSchema],
    "auth.password": [ChangePasswordSchema], "auth.security_policy": [SecurityPolicySchema],
    "cases.site_visit": [SiteVisitSchema], "organisation.new_unit": [NewUnitSchema],
    "organisation.rename_unit": [RenameUnitSchema], "organisation.move_unit": [MoveUnitSchema],
    "organisation.direct_report": [DirectReportSchema],
    "organisation.users": [UserSearchSchema], "organisation.new_user": [NewUserSchema],
    "organisation.user": [EditUserSchema], "organisation.deactivate_user": [DeactivateUserSchema],
    "organisation.grant": [GrantSchema],
    "keytasks.new": [LedgerSchema], "keytasks.add_task": [TaskSchema], "keytasks.start_round": [StartRoundSchema],
    "keytasks.site_visit": [KeyTaskVisitSchema], "keytasks.circular": [CircularArgs],
    "keytasks.circular_xlsx": [CircularArgs], "keytasks.draft_circular": [StartCircularSchema],
    "reports.discard": [DiscardSchema], "search.index": [SearchArgs],
    "editorial.new_publication": [PublicationSchema], "editorial.edit_publication": [PublicationSchema],
    "editorial.start_issue": [StartIssueSchema], "editorial.merge": [MergePickSchema],
    "editorial.merge_items": [MergeSchema],
    "api_v1.inbox": [InboxArgs], "api_v1.report_emergency": [ReportSchema], "api_v1.emergencies": [EmergencyArgs],
    "api_tokens.issue": [IssueSchema], "api_tokens.service_issue": [ServiceIssueSchema],
    "api_v1.transfer": [TransferSchema], "api_v1.return_to": [ReturnSchema],
    "api_v1.urge": [TaskUrgeSchema], "api_v1.copy": [CopySchema], "api_v1.notices": [NoticeArgs],
    "api_v1.cases": [CaseArgs], "api_v1.phone_emergency": [PhoneSchema], "api_v1.followup": [FollowUpSchema],
    "api_v1.request_followup": [RequestSchema], "api_v1.record_fault": [FaultSchema],
    "api_v1.validate": [ValidateSchema], "api_v1.deploy": [DeploySchema], "api_v1.statistics": [PeriodSchema],
    "api_v1.monthly": [MonthSchema], "api_v1.ranking": [RankingArgs],
    "api_v1.quarter_ranking": [QuarterArgs], "api_v1.year_ranking": [YearArgs], "api_v1.annual_awards": [AwardsArgs],
    "webhooks.create": [EndpointSchema], "webhooks.change_events": [EventsSchema],
    "api_v1.webhooks": [PageArgs], "api_v1.register_webhook": [EndpointSchema], "api_v1.webhook": [EventsSchema],
    "api_v1.deliveries": [DeliveryArgs], "api_v1.definitions": [PageArgs], "api_v1.versions": [PageArgs],
    "api_v1.attachments": [PageArgs],
}
TASK_ENDPOINTS = {"inbox.task", "api.complete", "api_v1.complete", "api_v1.draft"}

HOSTILE_TEXT = st.sampled_from([
    "", " ", "\t\n ", "\x00", "a\x00b", "\x1b[31m", "\u202e", "\ufeff", "١٢", "1_000", "1.5", "-1", "0", "+7",
    "2147483647", "2147483648", "-2147483649", "9223372036854775808", "9" * 30, "9" * 5000, "1e400", "nan", "NaN",
    "inf", "-Infinity", "true", "null", "[]", "{}", "1-01", "0-01", "9999-12", "0001-01", "2026-13", "2026-00",
    "0001-01-01", "9999-12-31", "2026-02-30", "0001-01-01T00:00", "9999-12-31T23:59", "2026-03-02T25:61",
    "2026-03-02T09:00+14:00", "%s%n", "' OR 1=1 --", "<script>alert(1)</script>", "../../etc/passwd",
    "长" * 30_000, "x" * 100_001,
])
HOSTILE_SCALAR = st.one_of(
    HOSTILE_TEXT,
    st.integers(min_value=-(2**80), max_value=2**80).map(str),
    st.text(max_size=40),
    st.text(alphabet=st.characters(max_codepoint=0x9f), max_size=20),
)
# JSON can carry what a form cannot: types, lone surrogates, non-finite floats, nesting.
HOSTILE_JSON = st.one_of(
    HOSTILE_SCALAR,
    st.integers(min_value=-(2**80), max_value=2**80),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([None, True, False, "\ud800", [], {}, [[[[]]]], {"a": {"b": {"c": 1}}}]),
    st.lists(HOSTILE_SCALAR, max_size=3),
)


def _schema_fields(schema_cls):
    return {field.data_key or name: field for name, field in schema_cls().fields.items() if not field.dump_only}


def _all_schemas(base=FormSchema):
    for cls in base.__subclasses__():
        yield cls
        yield from _all_schemas(cls)


def _valid_value(field, ids):
    """A value the field accepts, so that the schema's own checks run when one other field is made hostile."""
    now = clock.now().astimezone(clock.LOCAL_TZ)
    if isinstance(field, inputs.IdList):
        return [str(ids["unit"])]
    if isinstance(field, inputs.FormList):
        return [field.inner.validate.choices[0]] if getattr(field.inner, "validate", None) else []
    if isinstance(field, inputs.Choice):
        return field.validators[0].choices[0]
    if isinstance(field, inputs.IntChoice):
        return str(field.validators[0].choices[0])
    if isinstance(field, inputs.Id):
        return str(ids["unit"])
    if isinstance(field, inputs.Integer | inputs.Float):
        return str(max(field.minimum, 1))
    if isinstance(field, inputs.Month):
        return f"{now:%Y-%m}"
    if isinstance(field, inputs.Day):
        return f"{now:%Y-%m-%d}"
    if isinstance(field, inputs.LocalDateTime):
        return f"{now - timedelta(minutes=30):%Y-%m-%dT%H:%M}"
    if isinstance(field, inputs.Flag):
        return "1"
    if isinstance(field, inputs.Text):
        return "测试内容，足够长的一段文字。"[:field.max_length]
    return "1"


@pytest.fixture
def world(app, org):
    """An item, a case and an emergency to point URLs at, and a logged-in client per kind of user."""
    item, compose = create_item(org.users["writer_a"])
    case, register = register_case(org.users["dc"])
    emergency = emergency_operations.report(org.users["writer_a"], {
        **REPORT, "event_time": f"{clock.now().astimezone(clock.LOCAL_TZ) - timedelta(minutes=30):%Y-%m-%dT%H:%M}"})
    ledger = keytask_operations.create_ledger(org.users["dc"], {"year": 2026, "title": "模糊测试台账",
                                                                "checkpoint_mode": "half_year"})
    task = keytask_operations.add_task(ledger, {"area": "经济发展", "number": "1", "title": "模糊测试任务",
                                                "leader_name": "副市长 张某", "lead_unit_id": org.units["county-a"].id,
                                                "milestones": "2026-06-30 完成方案"}, org.users["dc"])
    db.session.commit()
    multi = _multi_instance_rows(org, ledger)
    publication, issue = _editorial(org)
    ids = {"publication": publication.id, "issue": issue.id,
           "row": compose.id, "instance": item.instance_id, "item": item.id, "case": case.id,
           "ledger": ledger.id, "task": task.id, "emergency": emergency.id, "unit": org.users["writer_a"].unit_id,
           "user": org.users["writer_b"].id,
           "task_rows": [compose.id, register.id, *multi, _open_row(issue.instance_id)]}
    clients = {}
    for username in USERS:
        client = app.test_client()
        clients[username] = (client, login(client, username))
    definition = db.session.query(ProcessDefinition).first()
    return {"ids": ids, "clients": clients, "process_key": definition.process_key, "version": definition.version}


def _editorial(org):
    """A publication of city-info and an issue at its compile step (its slots fuzzed through the task page)."""
    publication = editorial_publications.create(org.users["editor"], {
        "name": "模糊测试信息", "kind": "regular", "frequency": "weekly", "numbered_per_year": True,
        "signer_role": "leader", "bao": "", "song": "", "fa": "", "recipient_unit_ids": [], "active": True})
    issue, _task = editorial_issues.start(org.users["editor"], publication)
    db.session.commit()
    return publication, issue


def _open_row(instance_id):
    return db.session.query(HumanTask).filter_by(instance_id=instance_id, state="open").one().id


def _multi_instance_rows(org, ledger):
    """One instance of each multi-instance step: county-a's contribution to a task county-b leads, and the
    督查室's findings at county-a in an approved 专项督查 (their forms are fuzzed through the task page)."""
    cooperated = keytask_operations.add_task(ledger, {
        "area": "经济发展", "number": "2", "title": "模糊测试配合任务", "leader_name": "副市长 张某",
        "lead_unit_id": org.units["county-b"].id, "cooperating_unit_ids": [org.units["county-a"].id],
        "milestones": "2026-06-30 完成方案"}, org.users["dc"])
    keytask_operations.start_round(ledger, checkpoint_dates(ledger)[0], org.users["dc"], [cooperated])
    org.user("city_leader_fuzz", "city", ["leader"])
    project, propose = keytask_projects.start_project(org.users["dc"])
    runner.complete(propose.id, org.users["dc"], {"title": "模糊测试专项督查", "scope": "模糊测试：督查事项和依据。",
                                                  "unit_ids": [str(org.units["county-a"].id)]})
    approve = db.session.query(HumanTask).filter_by(instance_id=project.instance_id, state="open").one()
    runner.complete(approve.id, org.users["city_leader_fuzz"], {"decision": "approve"})
    db.session.commit()
    rows = db.session.query(HumanTask).filter(HumanTask.state == "open",
                                              HumanTask.form_key.in_(("keytasks.contribute",
                                                                      "keytasks.project_unit_findings"))).all()
    assert len(rows) == 2
    return [row.id for row in rows]


def _url_value(arg, converter, world, draw):
    ids = world["ids"]
    if type(converter).__name__ == "IdConverter":
        real = {"row_id": draw(st.sampled_from(ids["task_rows"])), "instance_id": ids["instance"],
                "item_id": ids["item"], "case_id": ids["case"], "emergency_id": ids["emergency"],
                "unit_id": ids["unit"], "user_id": ids["user"], "ledger_id": ids["ledger"], "task_id": ids["task"],
                "publication_id": ids["publication"], "issue_id": ids["issue"],
                "version": world["version"]}.get(arg, 1)
        return draw(st.sampled_from([real, real, 1, 2**31 - 1]))
    if arg == "process_key":
        return world["process_key"]
    if arg == "fmt":
        return draw(st.sampled_from(["xlsx", "pdf", "csv"]))
    if arg == "form":  # a case's sheet
        return draw(st.sampled_from(["supervision", "report"]))
    return draw(st.sampled_from(["x", "abc.js", "echarts/dist/echarts.min.js"]))


def _fields_for(endpoint, url_args):
    if endpoint in TASK_ENDPOINTS:
        row = db.session.get(HumanTask, url_args["row_id"])
        schema = forms.get(row.form_key) if row is not None and row.form_key else None
        if schema is not None:
            return _schema_fields(schema)
    if endpoint in ENDPOINT_SCHEMAS:
        return {name: f for schema in ENDPOINT_SCHEMAS[endpoint] for name, f in _schema_fields(schema).items()}
    every = {}
    for schema in _all_schemas():
        for name, field in _schema_fields(schema).items():
            every.setdefault(name, field)
    return every


def _routes(app, method):
    return sorted((rule for rule in app.url_map.iter_rules() if method in rule.methods and rule.endpoint != "static"),
                  key=lambda rule: rule.rule)


def _fuzz(app, world, rule, method):
    @settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None,
              suppress_health_check=list(HealthCheck))
    @given(st.data())
    def run(data):
        draw = data.draw
        username = draw(st.sampled_from(USERS), label="user")
        client, token = world["clients"][username]
        url_args = {arg: _url_value(arg, rule._converters[arg], world, draw) for arg in rule.arguments}
        with app.test_request_context():
            url = app.url_map.bind("localhost").build(rule.endpoint, url_args, method=method)
        fields = _fields_for(rule.endpoint, url_args)
        values = {name: _valid_value(field, world["ids"]) for name, field in fields.items()}
        as_json = method == "POST" and draw(st.booleans(), label="json")
        hostile = draw(st.lists(st.sampled_from(sorted(fields)), min_size=1, max_size=3, unique=True), label="hostile")
        for name in hostile:
            values[name] = draw(HOSTILE_JSON if as_json else st.one_of(HOSTILE_SCALAR, st.lists(HOSTILE_SCALAR,
                                                                                              max_size=3)))
        headers = {"X-CSRF-Token": token, "Accept": draw(st.sampled_from(["text/html", "application/json"]))}
        if method == "GET":
            response = client.get(url, query_string=values, headers=headers)
        elif as_json:
            body = json.dumps(values)
            response = client.post(url, data=body, content_type="application/json", headers=headers)
        else:
            response = client.post(url, data={**values, "csrf_token": token}, headers=headers)
        assert response.status_code < 500, (method, url, username, {k: repr(values[k])[:200] for k in hostile})
        if rule.endpoint == "auth.logout":
            world["clients"][username] = (client, login(client, username))

    run()


def _blueprints(app):
    return sorted({rule.endpoint.split(".")[0] for rule in app.url_map.iter_rules() if rule.endpoint != "static"})


def pytest_generate_tests(metafunc):
    if "blueprint" in metafunc.fixturenames:
        from webapp import create_app

        app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x",
                          "DEMO_CLOCK": False})
        metafunc.parametrize("blueprint", _blueprints(app))


def test_no_hostile_input_gets_a_500(app, world, blueprint):
    for method in ("GET", "POST"):
        for rule in _routes(app, method):
            if rule.endpoint.split(".")[0] == blueprint:
                _fuzz(app, world, rule, method)
