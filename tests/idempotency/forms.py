"""Every form of the app that creates something: whose it is, where it is rendered, what its user types in, and
the rows it creates. Shared by the in-process tests and the concurrent posts against gunicorn."""
import io
import itertools
from dataclasses import dataclass, field
from datetime import timedelta

from lxml import html
from werkzeug.datastructures import MultiDict
from werkzeug.test import EnvironBuilder

from tests.conftest import OrgFactory
from tests.helpers import act, new_item
from webapp.attachments.models import Attachment
from webapp.auth.models import Unit
from webapp.cases.models import InstructionCase, SiteVisit
from webapp.commissions import operations as commission_operations
from webapp.commissions.models import Commission
from webapp.core import clock
from webapp.editorial.models import Publication, PublicationIssue
from webapp.emergencies import operations as emergency_operations
from webapp.emergencies.models import Emergency, EmergencyFollowUp, ReportingFault
from webapp.engine.models import InstanceEvent, ProcessInstance
from webapp.extensions import db
from webapp.keytasks.models import (
    KeyTask,
    KeyTaskCircular,
    KeyTaskLedger,
    KeyTaskReport,
    KeyTaskSiteVisit,
    SpecialProject,
)
from webapp.reports.models import InfoItem, ItemMerge
from webapp.reports.queries import reporting_units
from webapp.scoring.models import AnnualAward, Circular, ItemInstruction, ScoringVersion, UnitBonus
from webapp.webhooks.models import WebhookEndpoint

PDF = b"%PDF-1.4\n% idempotency test\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
REPORT = {"title": "青山县白石镇发生山体滑坡", "place": "青山县白石镇龙头村",
          "summary": "今晨因持续强降雨，龙头村后山发生山体滑坡，冲毁民房三间。", "casualties": "暂无人员伤亡",
          "measures": "县应急局已赶赴现场。", "urgency": "very_urgent", "secrecy": "0"}


def build_org():
    """The test organisation with the offices emergencies need (a duty office at the city)."""
    factory = OrgFactory()
    factory.build()
    factory.unit("city-duty", "市委总值班室", "office", "city", "duty")
    factory.user("duty_city", "city-duty", ["duty"])
    factory.user("leader_city", "city", ["leader"])
    db.session.commit()
    return factory


def local_input(moment):
    return moment.astimezone(clock.LOCAL_TZ).strftime("%Y-%m-%dT%H:%M")


def _ago(minutes):
    return local_input(clock.now() - timedelta(minutes=minutes))


# --- what each form needs before it is shown -------------------------------------------------------------------

def _nothing(_org):
    return {}


def _item(org):
    return {"instance_id": new_item(org).instance_id}


def _emergency(org):
    """A written report sent straight to the city (核签 skipped): its unit may follow up, the city may ask."""
    emergency = emergency_operations.report(org.users["writer_a"], {
        **REPORT, "event_time": _ago(20), "sign_mode": "skip", "skip_reason": "领导已电话同意"})
    db.session.commit()
    return {"emergency_id": emergency.id}


def _commission(org):
    editor = org.users["editor"]
    office_units = reporting_units(commission_operations.issuing_office(editor))
    commission = commission_operations.create(editor, {
        "topic": "春耕备耕情况", "detail": "重点反映农资供应", "due": local_input(clock.now() + timedelta(days=3)),
        "unit_ids": [org.units["county-a"].id]}, office_units)
    db.session.commit()
    return {"commission_id": commission.id}


def _case(org):
    from tests.cases.helpers import new_case

    return {"case_id": new_case(org).id}


def _adopted_item(org):
    item = new_item(org)
    act(org, "verifier_a", item.instance_id, {"decision": "pass"})
    act(org, "leader_a", item.instance_id, {"decision": "pass"})
    act(org, "editor", item.instance_id, {"decision": "adopt", "publication": "专报", "opinion": ""})
    return {"item_id": item.id}


_LEDGERS = itertools.count(1)


def _ledger(org):
    """A ledger of the city 督查室 with one task led by county-a; each its own title (a ledger's title is unique in
    its year, and the concurrent test prepares every form on one database)."""
    from webapp.keytasks import operations as keytask_operations

    title = f"市委重点工作任务{next(_LEDGERS)}"
    ledger = keytask_operations.create_ledger(org.users["dc"], {"year": 2026, "title": title,
                                                                "checkpoint_mode": "half_year"})
    task = keytask_operations.add_task(ledger, {
        "area": "经济发展", "number": "1", "title": "推进产业园区扩容提质", "leader_name": "副市长 张某",
        "lead_unit_id": org.units["county-a"].id}, org.users["dc"])
    db.session.commit()
    return {"ledger_id": ledger.id, "task_id": task.id}


def _two_submitted(org):
    """Two counties' items awaiting the city editor's 编辑处理 (综合 merges them)."""
    ids = []
    for county in ("a", "b"):
        item = new_item(org, writer=f"writer_{county}")
        act(org, f"verifier_{county}", item.instance_id, {"decision": "pass"})
        act(org, f"leader_{county}", item.instance_id, {"decision": "pass"})
        ids.append(item.id)
    return {"item_ids": ids}


def _combined_items():
    return db.session.query(ItemMerge.combined_item_id).distinct().count()


_PUBLICATIONS = itertools.count(1)


def _publication(org):
    """A publication of city-info, each its own name (names are unique per office)."""
    from webapp.editorial import publications

    publication = publications.create(org.users["editor"], {
        "name": f"临江信息{next(_PUBLICATIONS)}", "kind": "regular", "frequency": "weekly", "numbered_per_year": True,
        "signer_role": "leader", "bao": "", "song": "", "fa": "", "recipient_unit_ids": [], "active": True})
    db.session.commit()
    return {"publication_id": publication.id}


# --- rows -------------------------------------------------------------------------------------------------------

def _rows(model, **filters):
    return lambda: db.session.query(model).filter_by(**filters).count()


def _copy_events():
    return db.session.query(InstanceEvent).filter_by(action="copy").count()


@dataclass(frozen=True)
class CreatingForm:
    name: str
    username: str
    page: object  # ctx -> the page that renders the form
    rows: object  # () -> how many rows of what the form creates exist
    action: object = None  # ctx -> where the form posts (None: to its own page)
    prepare: object = _nothing  # org -> ctx
    fill: object = lambda ctx, org: {}  # what the user types in or picks
    files: dict = field(default_factory=dict)  # field -> (bytes, filename)
    starts_instance: bool = False

    def target(self, ctx):
        return (self.action or self.page)(ctx)


FORMS = [
    CreatingForm("reports.new", "writer_a", lambda ctx: "/reports/compose", _rows(InfoItem),
                 lambda ctx: "/reports/new", fill=lambda ctx, org: {"title": "某县春耕进展", "action": "draft"},
                 starts_instance=True),
    CreatingForm("cases.new", "dc", lambda ctx: "/cases/", _rows(InstructionCase), lambda ctx: "/cases/new",
                 starts_instance=True),
    CreatingForm("emergencies.new", "writer_a", lambda ctx: "/emergencies/new", _rows(Emergency),
                 fill=lambda ctx, org: {**REPORT, "event_time": _ago(30), "sign_mode": "leader"},
                 starts_instance=True),
    CreatingForm("emergencies.phone", "duty_city", lambda ctx: "/emergencies/phone", _rows(Emergency),
                 fill=lambda ctx, org: {"unit_id": str(org.units["county-a"].id), "caller": "李四",
                                        "caller_phone": "0571-1234567", "event_time": _ago(40),
                                        "title": "a县化工厂爆燃", "summary": "厂区爆燃，正在核实伤亡。"},
                 starts_instance=True),
    CreatingForm("emergencies.followups", "writer_a", lambda ctx: f"/emergencies/{ctx['emergency_id']}",
                 _rows(EmergencyFollowUp), lambda ctx: f"/emergencies/{ctx['emergency_id']}/followups", _emergency,
                 lambda ctx, org: {"body": "续报：被困群众已全部转移。", "sign_mode": "skip",
                                   "skip_reason": "领导已电话同意"}, starts_instance=True),
    CreatingForm("emergencies.request", "editor", lambda ctx: f"/emergencies/{ctx['emergency_id']}",
                 _rows(EmergencyFollowUp), lambda ctx: f"/emergencies/{ctx['emergency_id']}/request", _emergency,
                 lambda ctx, org: {"note": "请续报伤亡核实情况"}, starts_instance=True),
    CreatingForm("emergencies.faults", "editor", lambda ctx: "/emergencies/faults/new", _rows(ReportingFault),
                 fill=lambda ctx, org: {"unit_id": str(org.units["county-b"].id), "kind": "missed",
                                        "event_time": _ago(24 * 60), "title": "b县某矿透水",
                                        "description": "经媒体报道获悉，b县未报告。"}),
    CreatingForm("commissions.new", "editor", lambda ctx: "/commissions/new", _rows(Commission),
                 fill=lambda ctx, org: {"topic": "防汛备汛工作情况", "detail": "请报送本地防汛准备情况",
                                        "due": local_input(clock.now() + timedelta(days=5)),
                                        "unit_ids": [str(org.units["county-a"].id), str(org.units["county-b"].id)]}),
    CreatingForm("commissions.answer", "writer_a", lambda ctx: f"/commissions/{ctx['commission_id']}/compose",
                 _rows(InfoItem), lambda ctx: f"/commissions/{ctx['commission_id']}/answer", _commission,
                 lambda ctx, org: {"title": "春耕备耕情况", "action": "draft"}, starts_instance=True),
    CreatingForm("scoring.circulars", "editor", lambda ctx: "/scoring/", _rows(Circular),
                 lambda ctx: "/scoring/circulars", fill=lambda ctx, org: {"remark": "请各单位对标先进。"}),
    CreatingForm("reports.forward", "editor", lambda ctx: f"/reports/{ctx['item_id']}", _rows(InfoItem),
                 lambda ctx: f"/reports/{ctx['item_id']}/forward", _adopted_item, starts_instance=True),
    CreatingForm("scoring.instructions", "editor", lambda ctx: f"/reports/{ctx['item_id']}", _rows(ItemInstruction),
                 lambda ctx: f"/scoring/items/{ctx['item_id']}/instructions", _adopted_item,
                 lambda ctx, org: {"leader_name": "市委书记 周某", "leader_level": "city", "text": "很好，推广。"}),
    CreatingForm("scoring.rules", "admin", lambda ctx: "/scoring/rules", _rows(ScoringVersion),
                 fill=lambda ctx, org: {"comment": "加大专报分值", "adoption.专报": "8"}),
    CreatingForm("scoring.bonuses", "editor", lambda ctx: "/scoring/bonuses", _rows(UnitBonus),
                 fill=lambda ctx, org: {"unit_id": str(org.units["county-a"].id), "bonus_key": "provincial_top",
                                        "reason": "进入全省信息工作排名前列"}),
    CreatingForm("scoring.awards", "editor", lambda ctx: "/scoring/awards", _rows(AnnualAward),
                 fill=lambda ctx, org: {"unit_ids": [str(org.units["county-a"].id)]}),
    CreatingForm("attachments.upload", "writer_a", lambda ctx: f"/items/{ctx['instance_id']}", _rows(Attachment),
                 lambda ctx: f"/attachments/instance/{ctx['instance_id']}", _item,
                 files={"file": (PDF, "春耕数据.pdf")}),
    CreatingForm("organisation.new_unit", "admin", lambda ctx: "/admin/units", _rows(Unit),
                 lambda ctx: "/admin/units/new",
                 fill=lambda ctx, org: {"code": "qs-new", "name": "青山县新设办公室", "kind": "county",
                                        "parent_id": str(org.units["city"].id)}),
    CreatingForm("cases.site_visit", "dc", lambda ctx: f"/cases/{ctx['case_id']}", _rows(SiteVisit),
                 lambda ctx: f"/cases/{ctx['case_id']}/visits", _case,
                 lambda ctx, org: {"inspectors": "督查室 李明、王芳", "visit_date": "2026-03-02",
                                   "findings": "现场查看，整治方案尚未上会，已要求一周内报送进展。"}),
    CreatingForm("keytasks.new", "dc", lambda ctx: "/keytasks/", _rows(KeyTaskLedger), lambda ctx: "/keytasks/new",
                 fill=lambda ctx, org: {"year": "2026", "title": "市委重点工作任务督查台账",
                                        "checkpoint_mode": "half_year"}),
    CreatingForm("keytasks.add_task", "dc", lambda ctx: f"/keytasks/{ctx['ledger_id']}", _rows(KeyTask),
                 lambda ctx: f"/keytasks/{ctx['ledger_id']}/tasks", _ledger,
                 lambda ctx, org: {"area": "民生保障", "number": "2", "title": "新建中小学校三所",
                                   "leader_name": "副市长 李某", "lead_unit_id": str(org.units["county-b"].id),
                                   "milestones": "2026-08-31 主体完工"}),
    CreatingForm("keytasks.start_round", "dc", lambda ctx: f"/keytasks/{ctx['ledger_id']}", _rows(KeyTaskReport),
                 lambda ctx: f"/keytasks/{ctx['ledger_id']}/rounds", _ledger, starts_instance=True),
    CreatingForm("keytasks.site_visit", "dc", lambda ctx: f"/keytasks/tasks/{ctx['task_id']}",
                 _rows(KeyTaskSiteVisit), lambda ctx: f"/keytasks/tasks/{ctx['task_id']}/visits", _ledger,
                 lambda ctx, org: {"inspectors": "督查室 李明", "visit_date": "2026-03-02",
                                   "findings": "现场查看，园区规划尚未报批，已要求两周内报送。"}),
    CreatingForm("keytasks.draft_circular", "dc", lambda ctx: f"/keytasks/{ctx['ledger_id']}/circular",
                 _rows(KeyTaskCircular), lambda ctx: f"/keytasks/{ctx['ledger_id']}/circulars", _ledger,
                 starts_instance=True),
    CreatingForm("keytasks.new_project", "dc", lambda ctx: "/keytasks/projects/", _rows(SpecialProject),
                 lambda ctx: "/keytasks/projects/new", starts_instance=True),
    CreatingForm("webhooks.create", "admin", lambda ctx: "/admin/webhooks/", _rows(WebhookEndpoint),
                 lambda ctx: "/admin/webhooks/new",
                 fill=lambda ctx, org: {"name": "市政务OA", "url": "https://93.184.216.34/govflow",
                                        "events": ["emergency.late"]}),
    CreatingForm("editorial.new_publication", "editor", lambda ctx: "/editorial/", _rows(Publication),
                 lambda ctx: "/editorial/publications/new", fill=lambda ctx, org: {"name": "领导参阅件"}),
    CreatingForm("editorial.start_issue", "editor", lambda ctx: f"/editorial/publications/{ctx['publication_id']}",
                 _rows(PublicationIssue), lambda ctx: f"/editorial/publications/{ctx['publication_id']}/issues",
                 _publication, starts_instance=True),
    CreatingForm("editorial.merge_items", "editor",
                 lambda ctx: "/editorial/merge?" + "&".join(f"item_ids={i}" for i in ctx["item_ids"]),
                 _combined_items, lambda ctx: "/editorial/merge/new", _two_submitted, starts_instance=True),
    CreatingForm("inbox.copy", "writer_a", lambda ctx: f"/items/{ctx['instance_id']}", _copy_events,
                 lambda ctx: f"/items/{ctx['instance_id']}/copy", _item,
                 lambda ctx, org: {"user_ids": [str(org.users["handler_b"].id)], "note": "供参考"}),
]


def instances():
    return db.session.query(ProcessInstance).count()


def rendered_fields(page_html, target, page_url):
    """The fields a browser would send from the form posting to `target`, as the page rendered them."""
    doc = html.fromstring(page_html)
    forms = [f for f in doc.xpath("//form[@method='post']") if (f.get("action") or page_url) == target]
    assert len(forms) == 1, f"{len(forms)} forms posting to {target} on {page_url}"
    fields = MultiDict()
    for element in forms[0].xpath(".//input|.//select|.//textarea"):
        name = element.get("name")
        if not name or element.get("disabled") is not None:
            continue
        if element.tag == "select":
            chosen = element.xpath(".//option[@selected]")
            if not chosen and element.get("multiple") is None:
                chosen = element.xpath(".//option")[:1]
            for option in chosen:
                fields.add(name, option.get("value", option.text_content()))
        elif element.tag == "textarea":
            fields.add(name, element.text or "")
        else:
            kind = (element.get("type") or "text").lower()
            if kind in ("checkbox", "radio"):
                if element.get("checked") is not None:
                    fields.add(name, element.get("value", "on"))
            elif kind not in ("file", "submit", "button", "reset"):
                fields.add(name, element.get("value", ""))
    return fields


def fill(fields, values):
    for name, value in values.items():
        fields.setlist(name, value if isinstance(value, list) else [value])
    return fields


def encode(fields, files=()):
    """The request body a browser sends for the fields (and files): (bytes, content type)."""
    data = MultiDict(fields)
    for name, (content, filename) in dict(files).items():
        data.add(name, (io.BytesIO(content), filename))
    builder = EnvironBuilder(method="POST", data=data)
    try:
        environ = builder.get_environ()
        return environ["wsgi.input"].read(), environ["CONTENT_TYPE"]
    finally:
        builder.close()


def submission(form, page_html, ctx, org):
    """The body and content type of the form as rendered on its page and filled in by its user."""
    fields = fill(rendered_fields(page_html, form.target(ctx), form.page(ctx)), form.fill(ctx, org))
    return encode(fields, form.files)


API_CALLS = [  # name, user, path, JSON body (callable: ctx-free, times from the clock), what it creates
    ("api.reports", "writer_a", "/api/reports", lambda org: {}, _rows(InfoItem)),
    ("api.emergencies", "writer_a", "/api/emergencies",
     lambda org: {**REPORT, "event_time": _ago(15), "sign_mode": "leader"}, _rows(Emergency)),
    ("api.emergencies.phone", "duty_city", "/api/emergencies/phone",
     lambda org: {"unit_id": org.units["county-b"].id, "caller": "张三", "event_time": _ago(25),
                  "title": "b县道路塌陷", "summary": "县城主干道塌陷，一车辆坠入。"}, _rows(Emergency)),
    ("api_v1.items", "writer_a", "/api/v1/items", lambda org: {}, _rows(InfoItem)),
    ("api_v1.cases", "dc", "/api/v1/cases", lambda org: {}, _rows(InstructionCase)),
    ("api_v1.emergencies", "writer_a", "/api/v1/emergencies",
     lambda org: {**REPORT, "event_time": _ago(15), "sign_mode": "leader"}, _rows(Emergency)),
    ("api_v1.emergencies.phone", "duty_city", "/api/v1/emergencies/phone",
     lambda org: {"unit_id": org.units["county-b"].id, "caller": "张三", "event_time": _ago(25),
                  "title": "b县道路塌陷", "summary": "县城主干道塌陷，一车辆坠入。"}, _rows(Emergency)),
    ("api_v1.faults", "editor", "/api/v1/faults",
     lambda org: {"unit_id": org.units["county-b"].id, "kind": "missed", "event_time": _ago(120),
                  "title": "b县漏报火情", "description": "经查，该县未报告。"}, _rows(ReportingFault)),
    ("api_v1.webhooks", "admin", "/api/v1/webhooks",  # a public address, as the page's form: no event is sent
     lambda org: {"name": "市政务OA", "url": "https://93.184.216.34/govflow", "events": ["item.adopted"]},
     _rows(WebhookEndpoint)),
]
