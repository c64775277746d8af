"""The case page's timeline: every step, report, extension (from → to), urge and timer, from the history rows."""
from lxml import html

from tests.cases.helpers import PROGRESS, local, new_case, travel_to
from tests.helpers import act, open_task
from tests.supervision.helpers import EXTENSION, close
from tests.web_helpers import login
from webapp.core import clock
from webapp.extensions import db
from webapp.inbox.operations import urge


def _timeline(client, case):
    doc = html.fromstring(client.get(f"/cases/{case.id}").get_data(as_text=True))
    return [(li.get("data-kind"), " ".join(li.text_content().split())) for li in doc.xpath("//ol[@id='history']/li")]


def test_the_timeline_tells_the_whole_story(app, client, org):
    clock.set_fixed(local("2026-03-02 09:00:00"))
    case = new_case(org)  # provincial: due 2026-03-17 23:59:59, reminder 3-14 23:59:59
    clock.set_fixed(local("2026-03-04 10:00:00"))
    act(org, "handler_a", case.instance_id, PROGRESS)
    clock.set_fixed(local("2026-03-05 10:00:00"))
    act(org, "handler_a", case.instance_id, EXTENSION)
    act(org, "dc", case.instance_id, {"decision": "refuse", "opinion": "理由不充分，请补充说明。"})
    act(org, "handler_a", case.instance_id, EXTENSION)
    act(org, "dc", case.instance_id, {"decision": "approve", "opinion": "同意"})
    clock.set_fixed(local("2026-03-06 10:00:00"))
    urge(open_task(case.instance_id).id, org.users["dc"], "请于本周内报结。")
    db.session.commit()
    travel_to(local("2026-03-18 00:00:00"))  # the reminder (3-17 23:59:59) fires
    travel_to(local("2026-03-21 00:00:00"))  # the extended deadline (3-20 23:59:59) passes
    close(org, case, "a", "principal_a")

    login(client, "dc")
    timeline = _timeline(client, case)
    kinds = [kind for kind, _ in timeline]
    assert kinds == ["step", "step", "progress", "extension-request", "extension-refused", "extension-request",
                     "extension-approved", "urge", "timer", "timer", "close", "step", "step", "end"]
    text = dict(enumerate(t for _, t in timeline))
    assert text[0].startswith("2026-03-02 09:00 用户dc（督查室") and "「登记批示件」" in text[0]
    assert "「交办」：交办" in text[1]
    assert text[2].startswith("2026-03-04 10:00 用户handler_a") and PROGRESS["progress"] in text[2]
    assert "申请延至 2026-03-20" in text[3] and EXTENSION["extension_reason"] in text[3]
    assert "不批准延期" in text[4] and "理由不充分，请补充说明。" in text[4]
    assert "批准延期「延期审批」：办理期限 2026-03-17 23:59 → 2026-03-20 23:59" in text[6]
    assert text[7].startswith("2026-03-06 10:00 用户dc") and "催办「办理」" in text[7] and "请于本周内报结。" in text[7]
    assert text[8].startswith("2026-03-18 00:00 系统 · 到期前提醒") and "设定时间 2026-03-17 23:59" in text[8]
    assert text[9].startswith("2026-03-21 00:00 系统 · 办理期限已到，转为超期") and "2026-03-20 23:59" in text[9]
    assert "报结「办理」 文号：青办字〔2026〕12号" in text[10]
    assert "「主要领导签发」：签发" in text[11] and "「审核报结」：审核通过" in text[12]
    assert text[13].endswith("办结归档")

    login_handler = app.test_client()
    login(login_handler, "handler_a")  # the handling unit reads the same timeline
    assert [k for k, _ in _timeline(login_handler, case)] == kinds
