"""An issue of 《临江信息》: three items adopted from two counties compiled in the editor's order, returned by the
科长 with reasons, compiled again, passed and signed off by the city's leader; numbered per publication and year under
the publication's lock, frozen, sent to its list, and shown on each item's page as "已刊用于…"."""
from collections import Counter
from io import BytesIO

import pytest
from pdfminer.high_level import extract_text

from tests.editorial.helpers import LINJIANG, adopted, at, compile_form, publication, signed_issue, staff
from tests.helpers import act, new_item, open_task
from tests.web_helpers import page_doc, signed_in, text_of
from webapp.core.errors import FormInvalid
from webapp.editorial import issues, publications
from webapp.editorial.issue_print import issue_sheet
from webapp.editorial.models import IssueEntry, PublicationIssue
from webapp.engine import runner, serializer, store
from webapp.engine.models import InstanceEvent, ProcessInstance
from webapp.extensions import db
from webapp.notices.models import Notice


def _issue(issue_id):
    db.session.expire_all()
    return db.session.get(PublicationIssue, issue_id)


def test_an_issue_of_three_items_through_a_return_to_signed(org):
    staff(org)
    pub = publication(org)
    first = adopted(org, "甲县春耕进展顺利")
    second = adopted(org, "乙县防汛准备就绪", writer="writer_b")
    third = adopted(org, "甲县招商引资取得突破")
    issue, task = issues.start(org.users["editor"], pub)
    db.session.commit()
    assert (task.step_key, task.assignee_id) == ("compile", org.users["editor"].id)
    assert {i.id for i in issues.candidates(pub, issue)} == {first.id, second.id, third.id}

    act(org, "editor", issue.instance_id, compile_form([(third, "", "招商引资经验值得推广。"),
                                                        (first, "甲县春耕：播种面积同比增5%", ""),
                                                        (second, "", "")]))
    assert open_task(issue.instance_id).step_key == "review"
    assert _issue(issue.id).stage == "reviewing"
    with pytest.raises(FormInvalid):  # a return needs its reasons
        runner.complete(open_task(issue.instance_id).id, org.users["chief"], {"decision": "return"})
    db.session.rollback()
    act(org, "chief", issue.instance_id, {"decision": "return", "opinion": "乙县一条与本期主题不符，请撤下。"})
    row = open_task(issue.instance_id)
    assert (row.step_key, row.assignee_id) == ("compile", org.users["editor"].id)
    assert _issue(issue.id).stage == "editing"

    act(org, "editor", issue.instance_id, compile_form([(first, "甲县春耕：播种面积同比增5%", ""),
                                                        (third, "", "招商引资经验值得推广。")]))
    act(org, "chief", issue.instance_id, {"decision": "approve"})
    row = open_task(issue.instance_id)
    assert (row.step_key, row.unit_id) == ("sign", org.units["city"].id)
    assert _issue(issue.id).number is None  # no 期号 before the sign-off
    act(org, "city_leader", issue.instance_id, {"decision": "sign"})

    signed = _issue(issue.id)
    assert (signed.stage, signed.year, signed.number, signed.signed_by_id) == (
        "signed", 2026, 1, org.users["city_leader"].id)
    assert signed.label == "《临江信息》2026年第1期"
    assert [(e.item_id, e.headline, e.note, e.unit_name) for e in signed.entries] == [
        (first.id, "甲县春耕：播种面积同比增5%", "", "a县委办公室"),
        (third.id, "甲县招商引资取得突破", "招商引资经验值得推广。", "a县委办公室")]
    assert signed.entries[0].body == first.body
    assert signed.distribution["bao"] == "市委、市政府领导"
    assert [i.id for i in issues.candidates(pub)] == [second.id]  # the one taken out waits for the next issue
    steps = [(e.action, e.step_key) for e in db.session.query(InstanceEvent).filter_by(
        instance_id=issue.instance_id).order_by(InstanceEvent.id)]
    assert steps == [("start", None), ("complete", "compile"), ("complete", "review"), ("complete", "compile"),
                     ("complete", "review"), ("complete", "sign"), ("end", None)]
    told = {(n.unit_id, n.role, n.title) for n in db.session.query(Notice)}
    assert (org.units["city"].id, "leader", "《临江信息》2026年第1期已印发") in told
    assert (org.units["county-a"].id, "writer", "“甲县春耕进展顺利”已刊用于《临江信息》2026年第1期") in told
    assert not any(unit == org.units["county-b"].id and "已刊用" in title for unit, _role, title in told)

    # Frozen: the publication renamed and the items' texts aside, the signed issue says what it said.
    publications.update(org.users["editor"], pub, {**LINJIANG, "name": "临江要情"})
    db.session.commit()
    again = _issue(issue.id)
    assert (again.label, issue_sheet(again).masthead, issue_sheet(again).issuer) == (
        "《临江信息》2026年第1期", "临江信息", "市委办信息科")


def test_the_principal_signs_when_the_publication_says_so(org):
    staff(org)
    pub = publication(org, name="领导参阅件", signer_role="principal")
    item = adopted(org, "甲县营商环境调研", into="领导参阅件")
    issue, _task = issues.start(org.users["editor"], pub)
    db.session.commit()
    act(org, "editor", issue.instance_id, compile_form([(item, "", "")]))
    act(org, "chief", issue.instance_id, {"decision": "approve"})
    assert open_task(issue.instance_id).step_key == "sign_principal"
    act(org, "city_principal", issue.instance_id, {"decision": "return", "opinion": "请补充数据。"})
    assert open_task(issue.instance_id).step_key == "compile"


def test_issue_numbers_run_per_publication_and_start_again_each_year(org):
    staff(org)
    pub = publication(org)
    other = publication(org, name="专报件", kind="special")
    items = [adopted(org, f"甲县第{n}条信息") for n in range(1, 5)]
    special = adopted(org, "甲县专报信息", into="专报件")
    at(2026, 11, 20)
    assert signed_issue(org, pub, [(items[0], "", "")]).number == 1
    assert signed_issue(org, pub, [(items[1], "", "")]).number == 2
    assert signed_issue(org, other, [(special, "", "")]).number == 1  # each publication its own numbers
    at(2027, 1, 5)
    next_year = signed_issue(org, pub, [(items[2], "", "")])
    assert (next_year.year, next_year.number) == (2027, 1)
    running = publication(org, name="内部参考", numbered_per_year=False)
    late = adopted(org, "甲县跨年信息", into="内部参考")
    assert signed_issue(org, running, [(late, "", "")]).number == 1
    assert db.session.query(IssueEntry).count() == 5


def test_the_compile_step_refuses_what_is_not_this_publications(org):
    staff(org)
    pub = publication(org)
    mine = adopted(org, "甲县春耕进展顺利")
    elsewhere = adopted(org, "甲县汇要信息", into="汇要")
    pending = new_item(org, title="甲县尚未采用的信息")
    secret = adopted(org, "甲县内部信息", secrecy="1")
    issue, task = issues.start(org.users["editor"], pub)
    db.session.commit()
    for entries, field in (([(elsewhere, "", "")], "item_1"), ([(mine, "", ""), (pending, "", "")], "item_2")):
        with pytest.raises(FormInvalid) as refused:
            runner.complete(task.id, org.users["editor"], compile_form(entries))
        assert field in refused.value.fields
        db.session.rollback()
    with pytest.raises(FormInvalid) as refused:  # an internal item makes the issue at least internal
        runner.complete(task.id, org.users["editor"], compile_form([(secret, "", "")]))
    assert refused.value.fields == {"secrecy": ["本期所含信息的密级高于所选密级"]}
    db.session.rollback()
    with pytest.raises(FormInvalid) as refused:
        runner.complete(task.id, org.users["editor"], compile_form([(mine, "", ""), (mine, "", "")]))
    assert "item_1" in refused.value.fields
    db.session.rollback()
    signed_issue(org, pub, [(mine, "", "")])
    with pytest.raises(FormInvalid):  # already printed in another issue
        runner.complete(task.id, org.users["editor"], compile_form([(mine, "", "")]))


def _chars(text):
    return Counter(ch for ch in text if not ch.isspace())


def test_the_printed_issue_and_its_pdf_say_what_the_page_says(app, org):
    staff(org)
    pub = publication(org)
    first = adopted(org, "甲县春耕进展顺利")
    second = adopted(org, "乙县防汛准备就绪", writer="writer_b")
    issue = signed_issue(org, pub, [(first, "甲县春耕：播种面积同比增5%", "各地可参考。"), (second, "", "")])
    client, _token = signed_in(app, "editor")
    doc = page_doc(client.get(f"/editorial/issues/{issue.id}/print"))
    sheet = doc.get_element_by_id("sheet")
    text = text_of(sheet)
    for words in ("密级：公开", "紧急程度：一般", "临江信息", "2026年第1期", "市委办信息科编印", "2026年3月2日",
                  "编者按：各地可参考。", "（b县委办公室报送）", "报：市委、市政府领导", "送：省委办公厅信息处",
                  "发：各县（市、区）委办公室"):
        assert words in text, words
    assert text.index("甲县春耕：播种面积同比增5%") < text.index("乙县防汛准备就绪")
    pdf = client.get(f"/editorial/issues/{issue.id}.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    html_chars, pdf_chars = _chars(sheet.text_content()), _chars(extract_text(BytesIO(pdf.data)))
    assert html_chars == pdf_chars, (html_chars - pdf_chars, pdf_chars - html_chars)


def test_an_items_page_shows_where_it_was_printed(app, org):
    staff(org)
    pub = publication(org)
    item = adopted(org, "甲县春耕进展顺利")
    writer, _token = signed_in(app, "writer_a")
    assert "已刊用于" not in writer.get(f"/reports/{item.id}").get_data(as_text=True)
    issue = signed_issue(org, pub, [(item, "", "")])
    for username in ("writer_a", "editor"):
        client, _token = signed_in(app, username)
        line = text_of(page_doc(client.get(f"/reports/{item.id}")).get_element_by_id("item-issue-uses"))
        assert line == "已刊用于《临江信息》2026年第1期"
    assert writer.get(f"/editorial/issues/{issue.id}/print").status_code == 200  # its unit may open the issue
    other, _token = signed_in(app, "writer_b")
    assert other.get(f"/editorial/issues/{issue.id}").status_code == 404


def test_unsigned_issues_are_the_offices_and_are_not_printed(app, org):
    staff(org)
    pub = publication(org)
    item = adopted(org, "甲县春耕进展顺利")
    issue, _task = issues.start(org.users["editor"], pub)
    db.session.commit()
    act(org, "editor", issue.instance_id, compile_form([(item, "", "")]))
    chief, _token = signed_in(app, "chief")
    assert chief.get(f"/editorial/issues/{issue.id}").status_code == 200
    assert chief.get(f"/editorial/issues/{issue.id}/print").status_code == 404
    writer, _token = signed_in(app, "writer_a")
    assert writer.get(f"/editorial/issues/{issue.id}").status_code == 404


def test_saved_state_restores_equal_at_every_step(org):
    """SpiffWorkflow's habit: the issue's workflow saved and restored mid-run comes back equal, spec referenced."""
    staff(org)
    pub = publication(org, signer_role="principal")
    item = adopted(org, "甲县春耕进展顺利")
    issue, _task = issues.start(org.users["editor"], pub)
    db.session.commit()
    for username, form in [("editor", compile_form([(item, "", "")])), ("chief", {"decision": "approve"}),
                           ("city_principal", {"decision": "return", "opinion": "请加编者按。"}),
                           ("editor", compile_form([(item, "", "值得关注。")])), ("chief", {"decision": "approve"}),
                           ("city_principal", {"decision": "sign"})]:
        instance = db.session.get(ProcessInstance, issue.instance_id)
        workflow = store.restore(instance)
        assert serializer.dumps(workflow) == instance.state_json
        assert '"spec"' not in instance.state_json
        act(org, username, issue.instance_id, form)
    assert store.restore(db.session.get(ProcessInstance, issue.instance_id)).is_completed()
    assert _issue(issue.id).entries[0].note == "值得关注。"


def test_a_returned_issue_opens_with_its_last_compilation(app, org):
    staff(org)
    pub = publication(org)
    first = adopted(org, "甲县春耕进展顺利")
    second = adopted(org, "乙县防汛准备就绪", writer="writer_b")
    issue, _task = issues.start(org.users["editor"], pub)
    db.session.commit()
    act(org, "editor", issue.instance_id,
        compile_form([(second, "乙县防汛：准备就绪", "请各地借鉴。"), (first, "", "")]))
    act(org, "chief", issue.instance_id, {"decision": "return", "opinion": "顺序调整。"})
    client, _token = signed_in(app, "editor")
    doc = page_doc(client.get(f"/tasks/{open_task(issue.instance_id).id}"))
    chosen = [doc.get_element_by_id(f"item_{n}").xpath("option[@selected]/@value") for n in (1, 2, 3)]
    assert chosen == [[str(second.id)], [str(first.id)], []]
    assert doc.get_element_by_id("headline_1").value == "乙县防汛：准备就绪"
    assert doc.get_element_by_id("note_1").text_content() == "请各地借鉴。"
    assert "顺序调整。" in text_of(doc.get_element_by_id("history"))
