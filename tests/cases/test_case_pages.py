"""The case pages over HTTP as each user sees them: who sees a case, the alert filters, the deadline rules page,
notices (消息提醒) and the instance link. Pages are read with lxml, as rendered HTML, never from the database alone.
"""
import re

import pytest
from lxml import html

from tests.cases.helpers import REGISTER, local, new_case, reload, travel_to
from tests.web_helpers import login, once
from webapp.cases.models import DeadlineRule, InstructionCase
from webapp.core import clock
from webapp.extensions import db

RULE = {"level": "provincial", "finish_amount": "10", "finish_unit": "calendar_days", "remind_amount": "2",
        "remind_unit": "calendar_days", "feedback_amount": "5", "feedback_unit": "calendar_days",
        "extension_cap_amount": "20", "extension_cap_unit": "calendar_days"}


def _client(app, username):
    client = app.test_client()
    token = login(client, username)
    return client, token


def _page(response, status=200):
    assert response.status_code == status, response.get_data(as_text=True)[:2000]
    return html.fromstring(response.get_data(as_text=True))


def _xpath(selector):
    """XPath for the simple CSS used here: descendants of `tag`, `#id`, `.class`, `[attr]`, `[attr=value]`."""
    steps = []
    for step in selector.split():
        tag, rest = re.fullmatch(r"([\w-]*)(.*)", step).groups()
        conditions = []
        for kind, name, value in re.findall(r"([#.\[])([\w-]+)(?:=([^\]]+))?\]?", rest):
            if kind == "#":
                conditions.append(f"@id='{name}'")
            elif kind == ".":
                conditions.append(f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')")
            else:
                conditions.append(f"@{name}='{value}'" if value else f"@{name}")
        steps.append((tag or "*") + "".join(f"[{c}]" for c in conditions))
    return ".//" + "//".join(steps)


def _select(element, selector):
    return element.xpath(_xpath(selector))


def _text(element):
    return " ".join(element.text_content().split())


def _row_errors(form, name):
    """The error messages shown in the row of the field `name` (an amount shares its row with its unit)."""
    rows = form.xpath(f".//div[contains(concat(' ', @class, ' '), ' field ')][.//*[@name='{name}']]")
    assert len(rows) == 1
    return [_text(e) for e in _select(rows[0], ".err")]


def _listed(doc):
    """Title → status cell of each case row in the list page's table."""
    rows = _select(doc, "#cases tbody tr[data-case-id]")
    return {_text(_select(row, "td a")[0]): _text(_select(row, "td")[-1]) for row in rows}


def _notices(doc):
    """(title, state) of each row on the notices page."""
    return [(_text(_select(row, "td")[1]), _text(_select(row, "td")[3]))
            for row in _select(doc, "#notices tbody tr") if len(_select(row, "td")) == 4]


def _inbox_link(client, title):
    """The task page link of `title` in the user's 待办."""
    [link] = _page(client.get("/")).xpath(f"//table[@id='tasks']//a[normalize-space()='{title}']")
    return link.get("href")


def _input(doc, name):
    return _select(doc, f"#task-form input[name={name}]")[0].get("value")


def test_the_supervision_office_and_the_lead_unit_see_a_case_others_do_not(app, org):
    case = new_case(org, title="关于青山县河道整治的批示")
    for username in ("dc", "handler_a", "leader_a"):
        client, _ = _client(app, username)
        assert _listed(_page(client.get("/cases/"))) == {"关于青山县河道整治的批示": "正常"}
        doc = _page(client.get(f"/cases/{case.id}"))
        assert _text(_select(doc, "#case h2")[0]).startswith(f"{case.case_no} · 关于青山县河道整治的批示")
        assert _text(_select(doc, "#case-lead-unit")[0]) == "a县委办公室"
        assert _text(_select(doc, "#case-stage")[0]) == "办理中"

    other, _ = _client(app, "handler_b")
    refused = other.get(f"/cases/{case.id}")
    assert refused.status_code == 404
    assert "河道整治" not in refused.get_data(as_text=True)
    assert _listed(_page(other.get("/cases/"))) == {}
    assert "暂无批示件" in other.get("/cases/").get_data(as_text=True)


def test_a_case_above_the_users_clearance_is_invisible(app, org):
    secret = new_case(org, title="涉密批示件", secrecy="1")
    public = new_case(org, title="公开批示件")
    low, _ = _client(app, "dc_low")  # the same 督查室, clearance 公开 only
    assert _listed(_page(low.get("/cases/"))) == {"公开批示件": "正常"}
    assert low.get(f"/cases/{secret.id}").status_code == 404
    assert low.get(f"/cases/{public.id}").status_code == 200
    assert low.get(f"/cases/instance/{secret.instance_id}").status_code == 404

    dc, _ = _client(app, "dc")
    assert set(_listed(_page(dc.get("/cases/")))) == {"涉密批示件", "公开批示件"}


def test_only_the_supervision_office_registers_from_the_list(app, org):
    handler, token = _client(app, "handler_a")
    assert not _select(_page(handler.get("/cases/")), "#new-case")
    assert handler.post("/cases/new", data={"csrf_token": token, **once()}).status_code == 403
    assert db.session.query(InstructionCase).count() == 0

    dc, token = _client(app, "dc")
    assert _select(_page(dc.get("/cases/")), "#new-case")
    response = dc.post("/cases/new", data={"csrf_token": token, **once()})
    assert response.status_code == 302
    doc = _page(dc.get(response.headers["Location"]))
    assert _text(_select(doc, "h1")[0]).startswith("登记批示件")
    assert [_text(o) for o in _select(doc, "#lead_unit_id option")] == ["请选择", "a县委办公室", "b县委办公室"]


def test_a_registration_draft_comes_back_and_a_returned_registration_says_why(app, org):
    dc, token = _client(app, "dc")
    task_url = dc.post("/cases/new", data={"csrf_token": token, **once()}).headers["Location"]
    doc = _page(dc.get(task_url))
    assert _input(doc, "title") == "" and _input(doc, "source_leader") == ""
    draft = {"csrf_token": token, "action": "draft", "title": REGISTER["title"], "source_leader": "省委书记 王某"}
    assert dc.post(task_url, data=draft).status_code == 302
    doc = _page(dc.get(task_url))  # no level chosen yet: the draft still comes back
    assert "草稿已保存" in _text(_select(doc, "main .flash")[0])
    assert (_input(doc, "title"), _input(doc, "source_leader")) == (REGISTER["title"], "省委书记 王某")
    assert not _select(doc, "#return-opinion")

    lead = str(org.units["county-a"].id)
    assert dc.post(task_url, data={**REGISTER, "csrf_token": token, "lead_unit_id": lead}).status_code == 302
    assign = _inbox_link(dc, REGISTER["title"])
    returned = {"csrf_token": token, "decision": "return", "opinion": "批示日期有误，请核对原件。"}
    assert dc.post(assign, data=returned).status_code == 302

    doc = _page(dc.get(_inbox_link(dc, REGISTER["title"])))
    assert _text(_select(doc, "h1")[0]) == f"登记批示件 · {REGISTER['title']}"
    notice = _text(_select(doc, "#return-opinion")[0])
    assert notice.startswith("交办退回（用户dc）") and "批示日期有误，请核对原件。" in notice
    assert _input(doc, "instruction_date") == "2026-03-01"
    assert _select(doc, "#lead_unit_id option[selected]")[0].get("value") == lead


def test_the_alert_filters_follow_the_clock(app, org):
    provincial = new_case(org, title="省领导批示件")  # due 2026-03-17 23:59:59, reminded from 03-14 23:59:59
    new_case(org, title="市领导批示件", level="city")  # due 2026-04-02
    dc, _ = _client(app, "dc")
    assert _listed(_page(dc.get("/cases/?alert=red"))) == {}
    assert _listed(_page(dc.get("/cases/?alert=yellow"))) == {}

    travel_to(local("2026-03-15 09:00:00"))
    assert _listed(_page(dc.get("/cases/?alert=yellow"))) == {"省领导批示件": "临近到期"}
    assert _listed(_page(dc.get("/cases/?alert=red"))) == {}

    travel_to(local("2026-03-18 00:00:00"))
    assert reload(provincial).alert == "red"
    doc = _page(dc.get("/cases/?alert=red"))
    assert _listed(doc) == {"省领导批示件": "已超期"}
    assert _text(_select(doc, "p.tabs a.active")[0]) == "已超期"
    assert _listed(_page(dc.get("/cases/?alert=yellow"))) == {}  # red is no longer yellow
    assert _listed(_page(dc.get("/cases/"))) == {"省领导批示件": "已超期", "市领导批示件": "正常"}
    assert _listed(_page(dc.get("/cases/?alert=bogus"))) == {"省领导批示件": "已超期", "市领导批示件": "正常"}

    handler, _ = _client(app, "handler_a")
    assert _listed(_page(handler.get("/cases/?alert=red"))) == {"省领导批示件": "已超期"}
    detail = _page(handler.get(f"/cases/{provincial.id}"))
    assert _text(_select(detail, "#case-alert")[0]) == "已超期"


def test_a_case_waiting_for_a_calendar_year_is_listed_as_pending(app, org):
    admin, token = _client(app, "admin")
    assert admin.post("/cases/rules", data={**RULE, "csrf_token": token, "finish_amount": "15",
                                            "finish_unit": "working_days"}).status_code == 302
    clock.set_fixed(local("2026-12-21 10:00:00"))  # 15 working days reach into 2027, not in the calendar yet
    waiting = new_case(org, title="跨年批示件")
    new_case(org, title="普通批示件", level="city")
    dc, _ = _client(app, "dc")
    doc = _page(dc.get("/cases/?alert=unknown"))
    assert _listed(doc) == {"跨年批示件": "期限待定"}
    assert "待定（缺2027年日历）" in _text(_select(doc, "#cases tbody tr")[0])
    due = _text(_select(_page(dc.get(f"/cases/{waiting.id}")), "#case-due")[0])
    assert "缺少 2027 年工作日历" in due


def test_the_rules_page_is_for_admins_only(app, org):
    admin, _ = _client(app, "admin")
    doc = _page(admin.get("/cases/rules"))
    assert [f.get("id") for f in _select(doc, "form.card")] == ["rule-central", "rule-provincial", "rule-city"]
    provincial = _select(doc, "#rule-provincial")[0]
    assert "15自然日内办结" in _text(provincial) and "系统默认" in _text(provincial)
    assert _select(provincial, "input[name=finish_amount]")[0].get("value") == "15"

    for username in ("dc", "handler_a"):
        client, token = _client(app, username)
        assert client.get("/cases/rules").status_code == 403
        assert client.post("/cases/rules", data={**RULE, "csrf_token": token}).status_code == 403
    assert db.session.query(DeadlineRule).count() == 0


def test_an_invalid_rule_is_refused_in_chinese_and_changes_nothing(app, org):
    admin, token = _client(app, "admin")
    bad = {**RULE, "csrf_token": token, "finish_amount": "0", "remind_amount": "三天", "extension_cap_unit": "weeks"}
    doc = _page(admin.post("/cases/rules", data=bad), status=422)
    assert "“省领导批示”的期限规则填写有误" in _text(_select(doc, "main .flash")[0])
    form = _select(doc, "#rule-provincial")[0]
    assert _row_errors(form, "finish_amount") == ["应为1到365"]
    assert _row_errors(form, "remind_amount") == ["请填写整数"]
    assert _row_errors(form, "extension_cap_unit") == ["请选择有效的单位"]
    assert _row_errors(form, "feedback_amount") == []
    assert _select(form, "input[name=remind_amount]")[0].get("value") == "三天"  # what was typed stays
    assert not _select(doc, "#rule-city .err") and not _select(doc, "#rule-central .err")
    assert db.session.query(DeadlineRule).count() == 0
    assert "15自然日内办结" in _text(_select(_page(admin.get("/cases/rules")), "#rule-provincial")[0])

    assert admin.post("/cases/rules", data={**RULE, "csrf_token": token, "level": "county"}).status_code == 404
    assert db.session.query(DeadlineRule).count() == 0


def test_a_saved_rule_applies_to_cases_assigned_afterwards(app, org):
    before = new_case(org, title="改规则前交办")
    admin, token = _client(app, "admin")
    response = admin.post("/cases/rules", data={**RULE, "csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"].endswith("/cases/rules")
    doc = _page(admin.get("/cases/rules"))
    assert "期限规则已保存" in _text(_select(doc, "main .flash")[0])
    provincial = _text(_select(doc, "#rule-provincial")[0])
    assert "已按本单位要求修改" in provincial and "10自然日内办结，到期前2自然日提醒" in provincial
    assert "用户admin" in provincial
    assert "15自然日内办结" in _text(_select(doc, "#rule-central")[0])  # other levels keep their rule

    after = new_case(org, title="改规则后交办")
    dc, _ = _client(app, "dc")
    assert _text(_select(_page(dc.get(f"/cases/{after.id}")), "#case-due")[0]).startswith("2026-03-12 23:59")
    assert _text(_select(_page(dc.get(f"/cases/{before.id}")), "#case-due")[0]).startswith("2026-03-17 23:59")


def test_the_reminder_reaches_the_handler_as_a_notice_until_read(app, org):
    case = new_case(org, title="关于青山县河道整治的批示")
    handler, token = _client(app, "handler_a")
    doc = _page(handler.get("/notices/"))
    assert _notices(doc) == [("新待办「办理」：关于青山县河道整治的批示", "未读")]  # the case reached the unit
    handler.post("/notices/read", data={"csrf_token": token})
    assert not _select(_page(handler.get("/notices/")), "#notice-count")

    travel_to(local("2026-03-15 09:00:00"))  # past the reminder at 03-14 23:59:59
    doc = _page(handler.get("/notices/"))
    assert _select(doc, "#notice-count")[0].text == "1"
    (title, state), _new_task = _notices(doc)
    assert "关于青山县河道整治的批示" in title and "将于 2026-03-17 23:59 到期" in title and state == "未读"
    link = _select(doc, "#notices tbody button.notice-title")[0].get("data-link")
    assert link == f"/cases/instance/{case.instance_id}"
    assert handler.get(link).headers["Location"].endswith(f"/cases/{case.id}")

    other, _ = _client(app, "handler_b")
    assert _notices(_page(other.get("/notices/"))) == []
    dc, _ = _client(app, "dc")
    assert "将于" not in str(_notices(_page(dc.get("/notices/"))))  # the reminder is for the handling unit only

    response = handler.post("/notices/read", data={"csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"].endswith("/notices/")
    doc = _page(handler.get("/notices/"))
    assert "已将 1 条消息标为已读" in _text(_select(doc, "main .flash")[0])
    assert [state for _title, state in _notices(doc)] == ["已读", "已读"]
    assert not _select(doc, "#notice-count")
    assert not _select(_page(handler.get("/")), "#notice-count")


def test_overdue_notices_are_read_by_each_user_separately(app, org):
    new_case(org, title="超期批示件")
    travel_to(local("2026-03-18 00:00:00"))
    leader, token = _client(app, "leader_a")
    handler, _ = _client(app, "handler_a")
    assert [state for _t, state in _notices(_page(leader.get("/notices/")))] == ["未读"]
    leader.post("/notices/read", data={"csrf_token": token})
    assert [state for _t, state in _notices(_page(leader.get("/notices/")))] == ["已读"]
    doc = _page(handler.get("/notices/"))  # the new task, the reminder and the overdue notice, all still unread
    assert [state for _t, state in _notices(doc)] == ["未读", "未读", "未读"]
    assert "已超过办理期限" in _notices(doc)[0][0]
    assert _select(doc, "#notice-count")[0].text == "3"


def test_a_post_to_read_notices_needs_the_csrf_token(app, org):
    new_case(org)
    travel_to(local("2026-03-15 09:00:00"))
    handler, _ = _client(app, "handler_a")
    assert handler.post("/notices/read").status_code == 400
    assert _select(_page(handler.get("/notices/")), "#notice-count")[0].text == "2"


@pytest.mark.parametrize("username, status", [("dc", 302), ("handler_a", 302), ("handler_b", 404)])
def test_the_instance_link_redirects_to_the_case_page(app, org, username, status):
    case = new_case(org)
    client, _ = _client(app, username)
    response = client.get(f"/cases/instance/{case.instance_id}")
    assert response.status_code == status
    if status == 302:
        assert response.headers["Location"].endswith(f"/cases/{case.id}")
    assert client.get(f"/cases/instance/{case.instance_id + 1000}").status_code == 404


def test_a_reminder_as_long_as_the_deadline_is_refused_on_the_rules_page(app, org):
    admin, token = _client(app, "admin")
    bad = {**RULE, "csrf_token": token, "level": "city", "finish_amount": "1", "finish_unit": "months",
           "remind_amount": "60", "remind_unit": "calendar_days"}
    form = _select(_page(admin.post("/cases/rules", data=bad), status=422), "#rule-city")[0]
    assert _row_errors(form, "remind_amount") == [
        "到期前提醒（60自然日）应短于办理期限（1个月），否则交办当时就已进入提醒期"]
    same_unit = {**bad, "finish_amount": "10", "finish_unit": "working_days", "remind_amount": "10",
                 "remind_unit": "working_days"}
    assert admin.post("/cases/rules", data=same_unit).status_code == 422
    assert db.session.query(DeadlineRule).count() == 0
    assert admin.post("/cases/rules", data={**bad, "remind_amount": "7"}).status_code == 302


def test_a_lead_unit_without_a_handler_cannot_be_chosen_by_a_direct_post(app, org):
    client, token = _client(app, "dc")
    task_url = client.post("/cases/new", data={**once(), "csrf_token": token}).headers["Location"]
    nobody = org.units["city-info"]  # no 承办人: the page never offers it
    doc = _page(client.post(task_url, data={**REGISTER, "csrf_token": token, "lead_unit_id": str(nobody.id)}),
                status=422)
    assert [_text(e) for e in _select(doc, ".err")] == ["市委办信息科没有在岗的承办人，不能作为牵头承办单位。"]
    assert db.session.query(InstructionCase).one().stage == "registering"
    response = client.post(task_url, data={**REGISTER, "csrf_token": token,
                                           "lead_unit_id": str(org.units["county-a"].id)})
    assert response.status_code == 302


def test_the_case_page_shows_the_rule_it_runs_under_and_missed_feedback_shows_everywhere(app, org):
    admin, token = _client(app, "admin")
    assert admin.post("/cases/rules", data={**RULE, "csrf_token": token, "finish_amount": "15",
                                            "finish_unit": "working_days", "feedback_amount": "7"}).status_code == 302
    urgent = new_case(org, title="紧急批示件", urgency="urgent")
    calm = new_case(org, title="一般批示件")
    # The rule changes after 交办: the page still shows the rule of the case's 交办.
    assert admin.post("/cases/rules", data={**RULE, "csrf_token": token}).status_code == 302
    dc, _ = _client(app, "dc")
    rule = _text(_select(_page(dc.get(f"/cases/{urgent.id}")), "#case-rule")[0])
    assert rule.startswith("15工作日内办结，到期前2自然日提醒；紧急件7自然日内首次反馈；延期累计不超过20自然日")

    travel_to(local("2026-03-10 00:00:00"))  # no feedback within 7 days
    assert reload(urgent).feedback_missed and not reload(calm).feedback_missed
    assert _listed(_page(dc.get("/cases/"))) == {"紧急批示件": "正常 未按时反馈", "一般批示件": "正常"}
    desk = _page(dc.get("/supervision/"))
    flagged = {row.get("data-case-no") for row in _select(desk, "#desk tbody tr")
               if _select(row, ".feedback-missed")}
    assert flagged == {urgent.case_no}
