"""督查通报 of the July checkpoint: its figures counted by hand, drafted by the 督查室, returned by its 负责人 and
by the leader, drafted again from fresh data, signed off and then frozen while the data moves on; the Excel equal
to the screen, the print page equal to its PDF."""
from collections import Counter
from datetime import date
from io import BytesIO

import pytest
from openpyxl import load_workbook
from pdfminer.high_level import extract_text

from tests.helpers import act, open_task
from tests.keytasks.helpers import (
    PROGRESS,
    contribute,
    ledger_with_tasks,
    local,
    more_units,
    report_of,
    start_july,
    travel_to,
)
from tests.web_helpers import once, page_doc, signed_in, text_of
from webapp.core.errors import FormInvalid
from webapp.extensions import db
from webapp.keytasks import operations
from webapp.keytasks.models import KeyTaskCircular
from webapp.notices.models import Notice

# Columns: 任务数 按时报送 逾期报送 逾期未报 尚未报送 曾被退回 正常推进 滞后 已完成. On 11 July: a reported on time
# and was accepted (green), b on time and completed (done), c sent nothing (overdue: red), d on time but returned
# by the 督查室 (its report is back at the unit, not overdue: green).
BY_AREA = [["经济发展", "2", "2", "0", "0", "0", "0", "1", "0", "1"],
           ["民生保障", "2", "1", "0", "1", "0", "1", "1", "1", "0"],
           ["合计", "4", "3", "0", "1", "0", "1", "2", "1", "1"]]
BY_UNIT = [["a县委办公室", "1", "1", "0", "0", "0", "0", "1", "0", "0"],
           ["b县委办公室", "1", "1", "0", "0", "0", "0", "0", "0", "1"],
           ["c县委办公室", "1", "0", "0", "1", "0", "0", "0", "1", "0"],
           ["d县委办公室", "1", "1", "0", "0", "0", "1", "1", "0", "0"],
           ["合计", "4", "3", "0", "1", "0", "1", "2", "1", "1"]]
# After c reported late (12 July): 逾期报送 instead of 逾期未报; still red (its report was overdue, not accepted).
BY_AREA_LATER = [["经济发展", "2", "2", "0", "0", "0", "0", "1", "0", "1"],
                 ["民生保障", "2", "1", "1", "0", "0", "1", "1", "1", "0"],
                 ["合计", "4", "3", "1", "0", "0", "1", "2", "1", "1"]]
DRAFT = {"summary": "全市重点任务总体推进有序，4项任务中3项按时报送进展。",
         "area_remarks": "经济发展：园区建设进度符合节点要求。\n民生保障：c县逾期未报，予以通报。",
         "requirements": "各牵头单位对照节点抓紧推进，7月20日前补报。"}


def _july(org):
    """The ledger of helpers.ledger_with_tasks walked to 11 July, with milestones of June ticked done, and two
    site visits: one in the period (5 July), one after the checkpoint (11 July)."""
    more_units(org)
    ledger, tasks = ledger_with_tasks(org)
    t_a, t_b, t_c, t_d = tasks
    travel_to(local("2026-07-01 09:00:00"))
    for task in tasks:
        milestone = next(m for m in task_milestones(task) if m.due_date == date(2026, 6, 30))
        operations.mark_milestone_done(task, milestone.id, org.users["dc"])
    start_july(org, ledger)
    for n, task, decision in (("a", t_a, "accept"), ("b", t_b, "complete"), ("d", t_d, "return")):
        report = report_of(task)
        if n == "a":
            contribute(org, report, "handler_b")  # county-b cooperates on task 1
        act(org, f"handler_{n}", report.instance_id, PROGRESS)
        act(org, f"leader_{n}", report.instance_id, {"decision": "sign"})
        act(org, "dc", report.instance_id, {"decision": decision, "opinion": "请补充。", "return_reasons":
                                            ["no_measures"] if decision == "return" else []})
    travel_to(local("2026-07-11 09:00:00"))
    for day, who in ((date(2026, 7, 5), "督查一组 王某、李某"), (date(2026, 7, 11), "督查二组 赵某")):
        operations.record_site_visit(t_c, {"inspectors": who, "visit_date": day, "findings": "进展滞后，资金未到位。",
                                           "agreed": "7月20日前补报进展。"}, org.users["dc"])
    db.session.commit()
    return ledger, t_c


def task_milestones(task):
    from webapp.keytasks.queries import milestones_of
    return milestones_of([task.id])[task.id]


def _tables(doc):
    return [[[text_of(td) for td in tr.xpath("td")] for tr in table.xpath(".//tbody/tr")]
            for table in doc.xpath("//table[contains(@class, 'kt-circular')]")]


def _excel(client, ledger):
    book = load_workbook(BytesIO(client.get(f"/keytasks/{ledger.id}/circular.xlsx?checkpoint=2026-07-10").data))
    return [[[str(c) for c in row] for row in book[name].iter_rows(values_only=True)][1:]  # below the header line
            for name in ("分领域", "分牵头单位")]


def _circular():
    db.session.expire_all()
    return db.session.query(KeyTaskCircular).one()


def _frozen(circular):
    return [[[str(c) for c in row] for row in [*t["rows"], t["total"]]] for t in circular.tables]


def _chars(text):
    """The characters of a text without its whitespace, counted: layout may wrap or reorder, never add or drop."""
    return Counter(ch for ch in text if not ch.isspace())


def test_the_july_circular_from_draft_through_returns_to_signed(app, org):
    ledger, t_c = _july(org)
    url = f"/keytasks/{ledger.id}/circular?checkpoint=2026-07-10"
    client, token = signed_in(app, "dc")
    doc = page_doc(client.get(url))
    assert _tables(doc) == [BY_AREA, BY_UNIT]
    assert _excel(client, ledger) == [BY_AREA, BY_UNIT]
    visits = text_of(doc.get_element_by_id("circular-visits"))
    assert "督查一组" in visits and "督查二组" not in visits  # the period ends at the checkpoint

    started = client.post(f"/keytasks/{ledger.id}/circulars", data={"csrf_token": token, "checkpoint": "2026-07-10",
                                                                   **once()})
    assert started.status_code == 302 and started.headers["Location"].startswith("/tasks/")
    circular = _circular()
    assert circular.stage == "drafting" and circular.tables is None
    task_page = page_doc(client.get(started.headers["Location"]))
    assert task_page.xpath("//textarea[@name='summary']") and task_page.xpath("//textarea[@name='area_remarks']")
    assert _tables(task_page) == [BY_AREA, BY_UNIT]  # the live figures beside the draft form
    with pytest.raises(FormInvalid) as refused:
        act(org, "dc", circular.instance_id, {**DRAFT, "area_remarks": "农业农村：无"})
    assert refused.value.fields == {"area_remarks": ["领域“农业农村”不在本台账中"]}
    db.session.rollback()
    act(org, "dc", circular.instance_id, DRAFT)
    circular = _circular()
    assert circular.stage == "reviewing" and circular.area_remarks == [["经济发展", "园区建设进度符合节点要求。"],
                                                                       ["民生保障", "c县逾期未报，予以通报。"]]
    assert _frozen(circular) == [BY_AREA, BY_UNIT]

    # 督查室负责人 returns it; meanwhile c reports late: the draft is drafted again from the fresh data.
    act(org, "dc_low", circular.instance_id, {"decision": "return", "opinion": "请补充派人督办情况。"})
    travel_to(local("2026-07-12 09:00:00"))
    act(org, "handler_c", report_of(t_c).instance_id, PROGRESS)
    assert _circular().stage == "drafting"
    assert _tables(page_doc(client.get(url)))[0] == BY_AREA_LATER
    redraft = open_task(circular.instance_id)
    assert redraft.assignee_id == org.users["dc"].id  # back to its drafter, with the text as it was sent
    task_page = page_doc(client.get(f"/tasks/{redraft.id}"))
    assert task_page.xpath("//textarea[@name='summary']")[0].text == DRAFT["summary"]
    assert _tables(task_page)[0] == BY_AREA_LATER
    act(org, "dc", circular.instance_id, DRAFT)
    assert _frozen(_circular())[0] == BY_AREA_LATER

    # The leader returns it too; drafted again, reviewed, signed.
    act(org, "dc_low", circular.instance_id, {"decision": "approve"})
    assert open_task(circular.instance_id).unit_id == org.units["city"].id
    act(org, "city_leader", circular.instance_id, {"decision": "return", "opinion": "下一步要求要具体到单位。"})
    assert _circular().stage == "drafting" and _circular().published_dt is None
    act(org, "dc", circular.instance_id, {**DRAFT, "requirements": "c县7月20日前补报，其余单位对照节点推进。"})
    act(org, "dc_low", circular.instance_id, {"decision": "approve"})
    act(org, "city_leader", circular.instance_id, {"decision": "sign"})
    circular = _circular()
    assert (circular.stage, circular.issue_no, circular.published_by_id) == ("published", 1,
                                                                           org.users["city_leader"].id)
    assert db.session.query(Notice).filter(Notice.title.contains("已印发")).count() == 8  # 4 lead units × 2 roles

    act(org, "leader_c", report_of(t_c).instance_id, {"decision": "sign"})  # the data moves on: the circular not
    doc = page_doc(client.get(url))
    assert _tables(doc)[0] == BY_AREA_LATER and _excel(client, ledger)[0] == BY_AREA_LATER
    assert not doc.xpath("//form[@id='draft-circular']")
    history = text_of(doc.get_element_by_id("circular-history"))
    assert "请补充派人督办情况。" in history and "下一步要求要具体到单位。" in history
    again = client.post(f"/keytasks/{ledger.id}/circulars", data={"csrf_token": token, "checkpoint": "2026-07-10",
                                                                 **once()})
    assert again.status_code == 422 and "已签发" in again.get_data(as_text=True)


def _sign_off(org, app, ledger):
    client, token = signed_in(app, "dc")
    client.post(f"/keytasks/{ledger.id}/circulars", data={"csrf_token": token, "checkpoint": "2026-07-10", **once()})
    circular = _circular()
    act(org, "dc", circular.instance_id, DRAFT)
    act(org, "dc_low", circular.instance_id, {"decision": "approve"})
    act(org, "city_leader", circular.instance_id, {"decision": "sign"})
    return _circular(), client


def test_the_printed_circular_and_its_pdf_say_what_the_page_says(app, org):
    ledger, _t_c = _july(org)
    circular, client = _sign_off(org, app, ledger)
    page = page_doc(client.get(f"/keytasks/circulars/{circular.id}"))
    sheet = page.get_element_by_id("sheet")
    pdf = client.get(f"/keytasks/circulars/{circular.id}.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    html_chars, pdf_chars = _chars(sheet.text_content()), _chars(extract_text(BytesIO(pdf.data)))
    assert html_chars == pdf_chars, (html_chars - pdf_chars, pdf_chars - html_chars)
    assert _tables(page) == [BY_AREA, BY_UNIT]  # the screen's tables, as the circular page shows them
    assert _tables(page_doc(client.get(f"/keytasks/{ledger.id}/circular?checkpoint=2026-07-10"))) == [BY_AREA,
                                                                                                       BY_UNIT]
    squeezed = "".join(sheet.text_content().split())
    for words in ("密级：公开", "督查通报", "2026年第1期", "市委督查室编印", "2026年7月11日",
                  "关于2026年市委重点工作任务7月10日节点推进情况的通报", "一、总体情况", DRAFT["summary"],
                  "民生保障：c县逾期未报，予以通报。", "四、派人督办情况",
                  "督查一组王某、李某赴c县委办公室督办重点任务3",
                  "五、下一步要求", "报：临江市委办公室主要领导、分管领导", "送：—",
                  "发：a县委办公室、b县委办公室、c县委办公室、d县委办公室"):
        assert "".join(words.split()) in squeezed, words
    assert "督查二组" not in squeezed


def test_who_reads_the_circular(app, org):
    ledger, _t_c = _july(org)
    leader, token = signed_in(app, "city_leader")
    assert leader.get(f"/keytasks/{ledger.id}/circular").status_code == 200
    assert leader.post(f"/keytasks/{ledger.id}/circulars", data={"csrf_token": token,
                                                                "checkpoint": "2026-07-10"}).status_code == 403
    unit, _token = signed_in(app, "handler_a")
    assert unit.get(f"/keytasks/{ledger.id}/circular").status_code == 404
    dc, token = signed_in(app, "dc")
    assert dc.get(f"/keytasks/{ledger.id}/circular?checkpoint=2026-07-11").status_code == 404
    dc.post(f"/keytasks/{ledger.id}/circulars", data={"csrf_token": token, "checkpoint": "2026-07-10", **once()})
    draft = _circular()
    assert dc.get(f"/keytasks/circulars/{draft.id}").status_code == 404  # not signed: nothing to print
    assert dc.get(f"/keytasks/circulars/instance/{draft.instance_id}").status_code == 302
    assert unit.get(f"/keytasks/circulars/instance/{draft.instance_id}").status_code == 404
    act(org, "dc", draft.instance_id, DRAFT)
    act(org, "dc_low", draft.instance_id, {"decision": "approve"})
    act(org, "city_leader", draft.instance_id, {"decision": "sign"})
    assert unit.get(f"/keytasks/circulars/{draft.id}").status_code == 200  # sent to the lead units
    assert unit.get(f"/keytasks/circulars/{draft.id}.pdf").status_code == 200
    outsider, _token = signed_in(app, "editor")  # city-info: no task in the ledger
    assert outsider.get(f"/keytasks/circulars/{draft.id}").status_code == 404
