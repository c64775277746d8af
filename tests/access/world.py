"""The access matrix's world: people of every role and clearance, and county-a's objects built through the operations.

Every object carries a unique title and, written out here by relation (unit, clearance, copy, office), who may
read it anywhere (`readers`) and who may open it in its own domain (`openers`). Only plain values leave the
builder, so the world outlives the session it was built in.
"""
import io
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta

from werkzeug.datastructures import FileStorage

from tests.cases.helpers import REGISTER
from tests.conftest import PASSWORD_HASH, START, OrgFactory
from tests.emergencies.helpers import REPORT
from tests.helpers import COMPOSE, act, open_task
from webapp.api import tokens as api_tokens
from webapp.attachments import operations as attachment_operations
from webapp.auth.models import LoginThrottle, Unit, User
from webapp.cases.operations import register_case
from webapp.commissions import operations as commission_operations
from webapp.editorial import issues as editorial_issues
from webapp.editorial import merging
from webapp.editorial import publications as editorial_publications
from webapp.emergencies import operations as emergency_operations
from webapp.engine import verbs
from webapp.engine.models import HumanTask, ProcessDefinition, ProcessInstance
from webapp.extensions import db
from webapp.inbox import operations as inbox_operations
from webapp.keytasks import circulars as keytask_circulars
from webapp.keytasks import operations as keytask_operations
from webapp.keytasks import projects as keytask_projects
from webapp.keytasks.models import KeyTaskMilestone, KeyTaskReport
from webapp.notices.models import Notice
from webapp.reports.operations import create_item
from webapp.reports.queries import reporting_units
from webapp.scoring import awards as scoring_awards
from webapp.scoring import operations as scoring_operations
from webapp.statistics import operations as statistics_operations
from webapp.statistics.models import CaseMonthTable
from webapp.webhooks import signing as webhook_signing
from webapp.webhooks.models import WebhookDelivery, WebhookEndpoint

# Units whose reports reach the city level: an office stands for its parent (see emergencies.queries.level_unit_id).
CITY_LEVEL = frozenset({"city", "city-info", "city-dc", "city-duty"})
LAST_MONTH = date(2026, 2, 1)  # the clock stands at 2026-03-02: February is over

# The objects the builder makes, by kind: the matrix's tests are parametrised over them before any is built.
NAMES = {
    "item": ("item-public-open", "item-secret-open", "item-secret-passed", "item-secret-finished",
             "item-public-finished", "item-b-public-open", "item-secret-returned", "item-secret-commissioned",
             "item-combined"),
    "task": ("task-public-open", "task-secret-open", "task-secret-passed-verify", "task-secret-sign-open",
             "task-secret-finished-compose", "task-secret-finished-edit", "task-b-open", "case-public-handle-open",
             "case-public-register-finished", "case-secret-handle-open", "case-secret-register-finished"),
    "case": ("case-public", "case-secret"),
    "emergency": ("emergency-public-signing", "emergency-secret-late"),
    "attachment": ("attachment-public", "attachment-secret"),
    "commission": ("commission",),
    "notice": ("notice-to-role", "notice-to-user"),
    "circular": ("circular",),
    "bonus": ("bonus-a",),
    "award": ("award-last-year",),
    "month_table": ("month-table-a",),
    "definition": ("definition",),
    "unit": ("unit-spare",),
    "user": ("user-spare",),
    "lock": ("lock-spare",),
    "token": ("token-writer-a",),
    "service_token": ("token-service",),
    "webhook": ("webhook-city",),
    "webhook_api": ("webhook-city-api",),
    "webhook_delivery": ("webhook-delivery-city",),
    "ledger": ("ledger-city",),
    "keytask": ("keytask-a", "keytask-b"),
    "project": ("project-city",),
    "keytask_circular": ("keytask-circular",),
    "publication": ("publication-city",),
    "issue": ("issue-signed", "issue-reviewing"),
}


@dataclass(frozen=True)
class Person:
    username: str
    unit: str
    roles: frozenset
    clearance: int

    def has(self, *roles):
        return bool(self.roles & set(roles))


@dataclass
class Obj:
    """A thing a URL can name: its URL arguments, its title, and who may read or open it."""

    name: str
    kind: str
    secrecy: int
    unit: str
    ids: dict
    title: str = ""
    readers: frozenset = frozenset()  # may meet its title anywhere (lists, desks, notices)
    openers: frozenset = frozenset()  # may open its own page (the domain's detail, the inbox's view)
    actors: frozenset = frozenset()  # may act on it (open task rows)
    extra: dict = field(default_factory=dict)


@dataclass
class World:
    people: dict  # username -> Person
    objects: dict  # name -> Obj
    ids: dict  # username -> user id, unit code -> unit id

    def of_kind(self, *kinds):
        return [o for o in self.objects.values() if o.kind in kinds]

    def forbidden_titles(self, username, skip=()):
        """Titles the user must never meet: objects they may not read (those named in `skip` left out)."""
        return {o.title: o.name for o in self.objects.values()
                if o.title and username not in o.readers and o.name not in skip}


def _org():
    factory = OrgFactory()
    factory.build()
    factory.unit("city-duty", "市委总值班室", "office", "city", "duty")
    factory.user("writer_a3", "county-a", ["writer"], clearance=2)
    factory.user("verifier_a0", "county-a", ["verifier"], clearance=0)
    factory.user("handler_a0", "county-a", ["handler"], clearance=0)
    factory.user("duty_city", "city-duty", ["duty"])
    factory.user("duty_city_low", "city-duty", ["duty"], clearance=0)
    factory.user("leader_city", "city", ["leader"])
    factory.user("leader_city_low", "city", ["leader"], clearance=0)
    factory.user("chief_info", "city-info", ["verifier"])  # the information office's 科长 (刊物审核)
    db.session.commit()
    return factory


ANONYMOUS = "anonymous"  # not signed in: every endpoint but the login page sends them to it


def _people(org):
    people = {name: Person(name, user.unit.code, frozenset(user.roles), user.clearance)
              for name, user in org.users.items()}
    people[ANONYMOUS] = Person(ANONYMOUS, "", frozenset(), -1)
    return people


def members(people, units, secrecy, roles=None):
    """Usernames of the units' people cleared for `secrecy` (only those with one of `roles` when given)."""
    return frozenset(p.username for p in people.values()
                     if p.unit in units and p.clearance >= secrecy and (roles is None or p.has(*roles)))


def _title(secrecy):
    return f"{'机密标题' if secrecy else '公开标题'}-{uuid.uuid4().hex[:12]}"


def _item(org, writer, secrecy, commission_id=None, **fields):
    item, _task = create_item(org.users[writer], commission_id=commission_id)
    db.session.commit()
    title = _title(secrecy)
    act(org, writer, item.instance_id, {**COMPOSE, "title": title, "secrecy": str(secrecy), **fields})
    return item, title


def _first_row(row):
    """The instance's first step row: what a 退回 names as its target."""
    return db.session.query(HumanTask.id).filter_by(instance_id=row.instance_id).order_by(HumanTask.id).first()[0]


def _completed(instance_id, step_key):
    return (db.session.query(HumanTask).filter_by(instance_id=instance_id, step_key=step_key, state="completed")
            .order_by(HumanTask.id.desc()).first())


class Builder:
    """County-a's things in every state the brief names, and one of county-b's for symmetry."""

    def __init__(self):
        self.org = _org()
        self.people = _people(self.org)
        self.objects = {}

    def add(self, obj):
        self.objects[obj.name] = obj
        return obj

    def item(self, name, writer, secrecy, steps=(), unit="county-a", **fields):
        """An information item walked through `steps` ((username, form) each); submitted ones reach city-info."""
        item, title = _item(self.org, writer, secrecy, **fields)
        for username, form in steps:
            act(self.org, username, item.instance_id, form)
        db.session.refresh(item)
        units = {unit} | ({"city-info"} if item.submitted_dt is not None else set())
        openers = members(self.people, units, secrecy)
        return self.add(Obj(name, "item", secrecy, unit, {"item_id": item.id, "instance_id": item.instance_id},
                            title=title, readers=openers, openers=openers))

    def task(self, name, item, row, actors=frozenset()):
        """A step row of an item: whoever may read the item may know it; only `actors` may act on an open one."""
        unit = next(code for code, u in self.org.units.items() if u.id == row.unit_id)  # the step's unit
        return self.add(Obj(name, "task", item.secrecy, unit, {"row_id": row.id, "instance_id": row.instance_id},
                            readers=item.readers, openers=item.openers, actors=actors,
                            extra={"state": row.state, "item": item.name, "earlier_row": _first_row(row)}))

    def build(self):
        org, people = self.org, self.people
        passed = [("verifier_a", {"decision": "pass"}), ("leader_a", {"decision": "pass"})]
        adopted = [*passed, ("editor", {"decision": "adopt", "publication": "专报", "opinion": "采用"})]

        pub_open = self.item("item-public-open", "writer_a", 0)
        sec_open = self.item("item-secret-open", "writer_a3", 2)
        sec_passed = self.item("item-secret-passed", "writer_a3", 2, steps=passed[:1])
        sec_done = self.item("item-secret-finished", "writer_a3", 2, steps=adopted)
        self.item("item-public-finished", "writer_a", 0, steps=adopted)
        b_open = self.item("item-b-public-open", "writer_b", 0, unit="county-b")

        # 退回 to the first step by the verifier.
        sec_back = self.item("item-secret-returned", "writer_a3", 2)
        verify = open_task(sec_back.ids["instance_id"])
        verbs.return_to(verify.id, org.users["verifier_a"], _completed(sec_back.ids["instance_id"],
                                                                               "compose").id, "请补充数据")
        db.session.commit()

        verifiers_a = members(people, {"county-a"}, 0, ["verifier"])
        self.task("task-public-open", pub_open, open_task(pub_open.ids["instance_id"]), verifiers_a)
        self.task("task-secret-open", sec_open, open_task(sec_open.ids["instance_id"]),
                  members(people, {"county-a"}, 2, ["verifier"]))
        self.task("task-secret-passed-verify", sec_passed, _completed(sec_passed.ids["instance_id"], "verify"))
        self.task("task-secret-sign-open", sec_passed, open_task(sec_passed.ids["instance_id"]),
                  members(people, {"county-a"}, 2, ["leader"]))
        self.task("task-secret-finished-compose", sec_done, _completed(sec_done.ids["instance_id"], "compose"))
        self.task("task-secret-finished-edit", sec_done, _completed(sec_done.ids["instance_id"], "edit"))
        self.task("task-b-open", b_open, open_task(b_open.ids["instance_id"]),
                  members(people, {"county-b"}, 0, ["verifier"]))

        # 抄送: the open secret item to a cleared user of county-b, who may then view it in the inbox.
        inbox_operations.copy_to(_instance(sec_open), org.users["verifier_a"], [org.users["handler_b"].id],
                                 note="请阅")
        db.session.commit()
        for copied in (sec_open, self.objects["task-secret-open"]):
            copied.readers = copied.readers | {"handler_b"}
            copied.extra["viewers"] = copied.openers | {"handler_b"}

        self._cases()
        self._emergencies()
        self._attachments(pub_open, sec_open)
        self._commission(sec_passed)
        self._notices()
        self._office_rows()
        self._organisation()
        self._keytasks()
        self._editorial()
        self._merged()
        built = {kind: tuple(o.name for o in self.objects.values() if o.kind == kind) for kind in NAMES}
        assert built == NAMES, "world.NAMES must list what the builder makes"
        ids = {name: user.id for name, user in org.users.items()} | {ANONYMOUS: 0}
        ids.update({code: unit.id for code, unit in org.units.items()})
        return World(people, self.objects, ids)

    def _cases(self):
        org, people = self.org, self.people
        desk = {"city-dc"}
        for name, secrecy in (("case-public", 0), ("case-secret", 2)):
            case, _task = register_case(org.users["dc"])
            db.session.commit()
            title = _title(secrecy)
            act(org, "dc", case.instance_id, {**REGISTER, "title": title, "secrecy": str(secrecy),
                                              "lead_unit_id": str(org.units["county-a"].id)})
            act(org, "dc", case.instance_id, {"decision": "assign", "requirements": "请按期报结。"})
            openers = members(people, desk | {"county-a"}, secrecy)
            # The city's leaders watch the 督查室's desk (titles, not the case page).
            readers = openers | members(people, {"city"}, secrecy, ["leader", "principal"])
            obj = self.add(Obj(name, "case", secrecy, "county-a", {"case_id": case.id, "instance_id": case.instance_id},
                               title=title, readers=readers, openers=openers))
            handle = open_task(case.instance_id)
            self.add(Obj(f"{name}-handle-open", "task", secrecy, "county-a",
                         {"row_id": handle.id, "instance_id": case.instance_id}, readers=readers, openers=openers,
                         actors=members(people, {"county-a"}, secrecy, ["handler"]),
                         extra={"state": "open", "item": obj.name, "earlier_row": _first_row(handle)}))
            register = _completed(case.instance_id, "register")
            self.add(Obj(f"{name}-register-finished", "task", secrecy, "city-dc",
                         {"row_id": register.id, "instance_id": case.instance_id}, readers=readers, openers=openers,
                         extra={"state": "completed", "item": obj.name, "earlier_row": register.id}))

    def _emergencies(self):
        org, people = self.org, self.people
        # Waiting for county-a's leader to sign: county-a alone knows of it.
        title = _title(0)
        pending = emergency_operations.report(org.users["writer_a"], {**REPORT, "title": title,
                                                                        "event_time": "2026-03-02T08:30"})
        db.session.commit()
        openers = members(people, {"county-a"}, 0)
        self.add(Obj("emergency-public-signing", "emergency", 0, "county-a",
                     {"emergency_id": pending.id, "instance_id": pending.instance_id}, title=title, readers=openers,
                     openers=openers))
        # Sent straight on, three hours after the event: late at the city (迟报) and on county-a's record.
        title = _title(2)
        late = emergency_operations.report(org.users["writer_a3"], {
            **REPORT, "title": title, "secrecy": "2", "event_time": "2026-03-02T06:00", "sign_mode": "skip",
            "skip_reason": "领导在现场，电话同意"})
        db.session.commit()
        openers = members(people, {"county-a"} | CITY_LEVEL, 2)
        self.add(Obj("emergency-secret-late", "emergency", 2, "county-a",
                     {"emergency_id": late.id, "instance_id": late.instance_id}, title=title, readers=openers,
                     openers=openers))

    def _attachments(self, pub_open, sec_open):
        for name, item, uploader in (("attachment-public", pub_open, "verifier_a"),
                                     ("attachment-secret", sec_open, "verifier_a")):
            row = open_task(item.ids["instance_id"])
            upload = FileStorage(io.BytesIO(b"%PDF-1.4\n%%EOF\n"), filename=f"{name}.pdf",
                                 content_type="application/pdf")
            attachment = attachment_operations.add(_instance(item), self.org.users[uploader], upload, row)
            db.session.commit()
            viewers = item.extra.get("viewers", item.openers)
            self.add(Obj(name, "attachment", item.secrecy, item.unit,
                         {"token": attachment.token, "instance_id": item.ids["instance_id"]},
                         readers=item.readers, openers=viewers, actors=frozenset({uploader}),
                         extra={"item": item.name}))

    def _commission(self, answered_by):
        org, people = self.org, self.people
        office = org.units["city-info"]
        topic = _title(0)
        commission = commission_operations.create(org.users["editor"], {
            "topic": topic, "detail": "重点反映农资供应", "due": "2026-03-10T18:00",
            "unit_ids": [str(org.units["county-a"].id)]}, reporting_units(office))
        db.session.commit()
        openers = members(people, {"city-info", "county-a"}, 0)
        self.add(Obj("commission", "commission", 0, "county-a", {"commission_id": commission.id}, title=topic,
                     readers=openers, openers=openers))
        # A secret answer, not yet submitted: the issuing office follows it (its title) only when cleared.
        item, title = _item(org, "writer_a3", 2, commission_id=commission.id)
        readers = members(people, {"county-a", "city-info"}, 2)
        self.add(Obj("item-secret-commissioned", "item", 2, "county-a",
                     {"item_id": item.id, "instance_id": item.instance_id}, title=title, readers=readers,
                     openers=members(people, {"county-a"}, 2)))

    def _notices(self):
        """A notice to a role in county-a (the 约稿's) and one to a single user (the 抄送's)."""
        people = self.people
        by_role = db.session.query(Notice).filter(Notice.role == "writer", Notice.title.like("约稿%")).one()
        self.add(Obj("notice-to-role", "notice", 0, "county-a", {"notice_id": by_role.id},
                     openers=members(people, {"county-a"}, 0, ["writer"])))
        to_user = db.session.query(Notice).filter(Notice.user_id == self.org.users["handler_b"].id).one()
        self.add(Obj("notice-to-user", "notice", to_user.secrecy, "county-b", {"notice_id": to_user.id},
                     openers=frozenset({"handler_b"})))

    def _office_rows(self):
        """The circular and the monthly case tables of last month, and the deployed definitions."""
        org, people = self.org, self.people
        circular = scoring_operations.publish_circular(org.units["city-info"], LAST_MONTH, {"remark": ""},
                                                       org.users["editor"])
        statistics_operations.produce(LAST_MONTH, org.users["dc"], office=org.units["city-dc"])
        db.session.commit()
        # The counties and the city's offices report to city-info; the city's leaders rank for it.
        readers = (members(people, {"county-a", "county-b", "city-info", "city-dc", "city-duty"}, 0)
                   | members(people, {"city"}, 0, ["leader", "principal"]))
        self.add(Obj("circular", "circular", 0, "city-info", {"circular_id": circular.id, "fmt": "xlsx"},
                     openers=readers))
        # A bonus of this year, and last year's awards, published: the ranked units read them too.
        office, editor = org.units["city-info"], org.users["editor"]
        bonus = scoring_awards.record_bonus(office, {"unit_id": str(org.units["county-a"].id),
                                                     "bonus_key": "city_commended", "reason": "矩阵奖励",
                                                     "awarded_on": "2026-02-10"}, editor)
        scoring_awards.save_awards(office, {"year": "2025", "unit_ids": [str(org.units["county-a"].id)]}, editor)
        scoring_awards.publish_awards(office, 2025, editor)
        db.session.commit()
        self.add(Obj("bonus-a", "bonus", 0, "city-info", {"bonus_id": bonus.id}))
        self.add(Obj("award-last-year", "award", 0, "city-info", {"year": 2025, "office": office.id},
                     openers=readers))
        table = (db.session.query(CaseMonthTable)
                 .filter_by(unit_id=org.units["county-a"].id, month=LAST_MONTH).one())
        self.add(Obj("month-table-a", "month_table", 0, "county-a", {"table_id": table.id},
                     openers=members(people, {"county-a"}, 0, ["handler", "verifier", "leader", "principal"])))
        definition = db.session.query(ProcessDefinition).filter_by(process_key="info_report", is_latest=True).one()
        self.add(Obj("definition", "definition", 0, "city",
                     {"definition_id": definition.id, "process_key": definition.process_key,
                      "version": definition.version}, openers=frozenset(people)))

    def _organisation(self):
        """A unit, an account and a locked account name of no one in the world: what the 系统管理 pages change."""
        org = self.org
        unit = Unit(code="spare", name="矩阵备用单位", kind="office", function=None, parent=org.units["city"])
        user = User(username="spare_user", name="矩阵备用用户", unit=org.units["county-b"], clearance=0,
                    password_hash=PASSWORD_HASH)
        user.roles = ["writer"]
        lock = LoginThrottle(username="spare_locked", failures=9, first_failure_dt=START,
                             locked_until_dt=START + timedelta(days=1))
        db.session.add_all([unit, user, lock])
        db.session.commit()
        self.add(Obj("unit-spare", "unit", 0, "city", {"unit_id": unit.id}))
        self.add(Obj("user-spare", "user", 0, "county-b", {"user_id": user.id}))
        self.add(Obj("lock-spare", "lock", 0, "", {"username": "spare_locked"}))
        token, _secret = api_tokens.issue(org.users["writer_a"], "矩阵令牌", ["read"], 30)
        service = User(username="svc_matrix", name="矩阵服务账号", unit=org.units["county-a"], clearance=0,
                       password_hash=PASSWORD_HASH, is_service=True)
        service.roles = ["writer"]
        db.session.add(service)
        db.session.flush()
        service_token, _secret = api_tokens.issue(service, "矩阵服务令牌", ["read"], 30, issued_by=org.users["admin"])
        db.session.commit()
        self.add(Obj("token-writer-a", "token", 0, "county-a", {"token_id": token.id}, openers=frozenset({"writer_a"})))
        self.add(Obj("token-service", "service_token", 0, "county-a",
                     {"token_id": service_token.id, "account_id": service.id}))
        # Three webhook endpoints of the city (one to be deleted on the page, one through the API), a failed delivery
        # of another (to documentation addresses: a replay never leaves)
        endpoint, kept, by_api = (WebhookEndpoint(unit_id=org.units["city"].id, name=f"矩阵推送端点{n}",
                                          events=["emergency.late"], url=f"http://192.0.2.1{n}/hook",
                                          created_by_id=org.users["admin"].id,
                                          secret_encrypted=webhook_signing.seal("whsec_matrix"), created_dt=START,
                                          updated_dt=START) for n in (0, 1, 2))
        db.session.add_all([endpoint, kept, by_api])
        db.session.flush()
        sent = WebhookDelivery(endpoint_id=kept.id, event="emergency.late", body="{}", state="failed",
                               attempts=6, created_dt=START, next_attempt_dt=START)
        db.session.add(sent)
        db.session.commit()
        self.add(Obj("webhook-city", "webhook", 0, "city", {"endpoint_id": endpoint.id}))
        self.add(Obj("webhook-city-api", "webhook_api", 0, "city", {"endpoint_id": by_api.id}))
        self.add(Obj("webhook-delivery-city", "webhook_delivery", 0, "city", {"delivery_id": sent.id}))


    def _keytasks(self):
        """The city 督查室's ledger: one task led by county-a, one by county-b, each with a July report started.
        The desk sees the ledger whole; a unit sees the ledger and its own task (any of its people)."""
        org, people = self.org, self.people
        desk = frozenset(p.username for p in people.values()
                         if p.unit == "city-dc" and p.has("supervisor")
                         or p.unit == "city" and p.has("leader", "principal"))
        ledger = keytask_operations.create_ledger(org.users["dc"], {"year": 2026, "title": _title(0),
                                                                    "checkpoint_mode": "half_year"})
        tasks = []
        for code in ("county-a", "county-b"):
            tasks.append(keytask_operations.add_task(ledger, {
                "area": "经济发展", "number": code[-1], "title": _title(0), "leader_name": "副市长 张某",
                "lead_unit_id": org.units[code].id, "cooperating_unit_ids": [],
                "milestones": "2026-06-30 完成方案"}, org.users["dc"]))
        keytask_operations.start_round(ledger, date(2026, 7, 10), org.users["dc"], tasks)
        db.session.commit()
        units = frozenset(p.username for p in people.values() if p.unit in ("county-a", "county-b"))
        self.add(Obj("ledger-city", "ledger", 0, "city-dc", {"ledger_id": ledger.id}, title=ledger.title,
                     readers=desk | units, openers=desk | units,
                     extra={"editors": frozenset(p.username for p in people.values()
                                                 if p.unit == "city-dc" and p.has("supervisor"))}))
        for task in tasks:
            unit = task.lead_unit.code
            own = frozenset(p.username for p in people.values() if p.unit == unit)
            report = db.session.query(KeyTaskReport).filter_by(task_id=task.id).one()
            milestone = db.session.query(KeyTaskMilestone).filter_by(task_id=task.id).one()
            self.add(Obj(f"keytask-{unit[-1]}", "keytask", 0, unit,
                         {"task_id": task.id, "milestone_id": milestone.id, "instance_id": report.instance_id},
                         title=task.title, readers=desk | own, openers=desk | own))
        project, _task = keytask_projects.start_project(org.users["dc"])
        db.session.commit()
        title = _title(0)
        act(org, "dc", project.instance_id, {"title": title, "scope": "矩阵测试：督查事项和依据。",
                                             "unit_ids": [str(org.units["county-a"].id)]})
        # Waiting for the city leader's approval: the desk reads it; county-a hears of it only once approved.
        self.add(Obj("project-city", "project", 0, "city-dc",
                     {"project_id": project.id, "instance_id": project.instance_id}, title=title,
                     readers=desk, openers=desk))
        # The July circular, drafted, reviewed and signed: the desk reads it, the lead units print it.
        circular, _task = keytask_circulars.start(org.users["dc"], ledger, date(2026, 7, 10))
        db.session.commit()
        act(org, "dc", circular.instance_id, {"summary": "矩阵测试：总体推进有序。", "requirements": "对照节点推进。"})
        act(org, "dc", circular.instance_id, {"decision": "approve"})
        act(org, "leader_city", circular.instance_id, {"decision": "sign"})
        self.add(Obj("keytask-circular", "keytask_circular", 0, "city-dc",
                     {"circular_id": circular.id, "instance_id": circular.instance_id}, title=ledger.title,
                     readers=desk | units, openers=desk | units))


    def _merged(self):
        """综合: a public item of county-a and one of county-b merged by city-info's editor; the combined item waits
        for its 编辑处理. The office and both counties may open it (their items went into it); its instance's
        read-only view is the office's only."""
        org, people = self.org, self.people
        sources = []
        for county in ("a", "b"):
            item, _source_title = _item(org, f"writer_{county}", 0)
            for username in (f"verifier_{county}", f"leader_{county}"):
                act(org, username, item.instance_id, {"decision": "pass"})
            sources.append(item.id)
        title = _title(0)
        combined = merging.merge(org.users["editor"], {
            "item_ids": sources, "shares": [], "title": title, "body": "矩阵测试：两县信息综合。",
            "category": "经济运行", "secrecy": 0, "urgency": "normal"})
        db.session.commit()
        office = members(people, {"city-info"}, 0)
        openers = office | members(people, {"county-a", "county-b"}, 0)
        self.add(Obj("item-combined", "item", 0, "city-info",
                     {"item_id": combined.id, "instance_id": combined.instance_id},
                     title=title, readers=openers, openers=openers, extra={"viewers": office}))

    def _editorial(self):
        """City-info's 《矩阵信息》: an issue of county-a's adopted public item signed off (its office, the city's
        leaders and county-a open it), another waiting for the 科长 (the office and the city's leaders only)."""
        org, people = self.org, self.people
        pub = editorial_publications.create(org.users["editor"], {
            "name": "矩阵信息", "kind": "regular", "frequency": "weekly", "numbered_per_year": True,
            "signer_role": "leader", "bao": "市委领导", "song": "", "fa": "", "recipient_unit_ids": [], "active": True})
        db.session.commit()
        self.add(Obj("publication-city", "publication", 0, "city-info", {"publication_id": pub.id}))
        office = members(people, {"city-info"}, 0) | members(people, {"city"}, 0, ["leader", "principal"])
        for name, steps in (("issue-signed", (("chief_info", {"decision": "approve"}),
                                              ("leader_city", {"decision": "sign"}))), ("issue-reviewing", ())):
            item, title = _item(org, "writer_a", 0)
            for username, form in (("verifier_a", {"decision": "pass"}), ("leader_a", {"decision": "pass"}),
                                   ("editor", {"decision": "adopt", "publication": "矩阵信息"})):
                act(org, username, item.instance_id, form)
            issue, _task = editorial_issues.start(org.users["editor"], pub)
            db.session.commit()
            headline = _title(0)
            act(org, "editor", issue.instance_id, {"secrecy": "0", "urgency": "normal", "item_1": str(item.id),
                                                   "headline_1": headline})
            for username, form in steps:
                act(org, username, issue.instance_id, form)
            openers = office | (members(people, {"county-a"}, 0) if steps else frozenset())
            self.add(Obj(name, "issue", 0, "city-info", {"issue_id": issue.id, "instance_id": issue.instance_id},
                         title=headline, readers=openers, openers=openers))
            self.add(Obj(f"{name}-item", "issue_item", 0, "county-a", {"item_id": item.id},
                         title=title, readers=members(people, {"county-a", "city-info"}, 0)))


def _instance(obj):
    return db.session.get(ProcessInstance, obj.ids["instance_id"])


def build_world():
    return Builder().build()
