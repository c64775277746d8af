"""The desk flags an open case whose open step nobody may open (无人可办): on its row, with a filter and a count."""
from lxml import html

from tests.cases.helpers import new_case
from tests.supervision.helpers import desk_of, nos
from tests.web_helpers import login
from webapp.engine import verbs
from webapp.engine.models import HumanTask
from webapp.extensions import db


def _desk_page(client, query=""):
    response = client.get("/supervision/" + query)
    assert response.status_code == 200
    return html.fromstring(response.get_data(as_text=True))


def _flagged(doc):
    return [tr.get("data-case-no") for tr in doc.xpath("//table[@id='desk']//tr[@data-unstaffed]")]


def _count(doc):
    return int(doc.get_element_by_id("unstaffed-count").find("strong").text)


def test_a_secret_case_whose_handler_lost_clearance_is_flagged_filtered_and_counted(app, client, org, cases):
    secret = new_case(org, title="关于某涉密事项的批示", secrecy="2")
    login(client, "dc")
    doc = _desk_page(client)
    assert _flagged(doc) == [] and _count(doc) == 0

    org.users["handler_a"].clearance = 1  # county-a's only 承办人 can no longer open a 秘密 case
    db.session.commit()
    doc = _desk_page(client)
    assert _flagged(doc) == [secret.case_no] and _count(doc) == 1
    row = doc.xpath(f"//tr[@data-case-no='{secret.case_no}']")[0]
    assert "无人可办" in row.text_content() and row.get("data-light") == "green"  # the light alone says 正常
    only = _desk_page(client, "?nobody=1")
    assert [tr.get("data-case-no") for tr in only.xpath("//table[@id='desk']/tbody/tr[@data-case-no]")] == \
        [secret.case_no]
    assert "共 1 件" in only.get_element_by_id("desk-pager").text_content()
    # The public cases of the same unit stay unflagged: their handler may still open them.
    assert nos(desk_of(org, nobody="1")) == [secret.case_no]
    assert desk_of(org).unstaffed == 1 and desk_of(org, nobody="1").total == 1


def test_a_cleared_assignee_or_a_cleared_colleague_is_enough(app, org):
    secret = new_case(org, secrecy="2")
    colleague = org.user("handler_a2", "county-a", ["handler"], clearance=2)
    db.session.commit()
    row = verbs.claim(db.session.query(HumanTask)
                             .filter_by(instance_id=secret.instance_id, state="open").one().id, colleague)
    db.session.commit()
    org.users["handler_a"].clearance = 0
    db.session.commit()
    assert row.assignee_id == colleague.id and desk_of(org, nobody="1").total == 0  # the holder may work it
    colleague.is_active_user = False  # the holder left: nobody may open the claimed step
    db.session.commit()
    assert nos(desk_of(org, nobody="1")) == [secret.case_no]
    org.users["handler_a"].clearance = 2  # a cleared colleague sees it in the unit's list again
    db.session.commit()
    assert desk_of(org, nobody="1").total == 0


def test_a_low_clearance_reader_neither_sees_nor_counts_the_flagged_secret_case(app, org):
    new_case(org, secrecy="2")
    org.users["handler_a"].clearance = 0
    db.session.commit()
    assert desk_of(org, "dc").unstaffed == 1 and desk_of(org, "dc_low").unstaffed == 0
