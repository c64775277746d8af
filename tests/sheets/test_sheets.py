"""Printable sheets: each PDF says what its HTML page says, opinions carry name, role and time, and a sheet is
refused exactly where its detail page is."""
from collections import Counter
from io import BytesIO

import pytest
from pdfminer.high_level import extract_text

from tests.cases.helpers import CLOSE, new_case
from tests.emergencies import conftest as emergency_fixtures
from tests.emergencies.helpers import report
from tests.helpers import act, new_item
from tests.web_helpers import page_doc, signed_in
from webapp.core import clock

org = emergency_fixtures.org  # duty offices and the levels' leaders: an emergency can be reported


def _chars(text):
    """The characters of a text without its whitespace, counted: layout may wrap or reorder, never add or drop."""
    return Counter(ch for ch in text if not ch.isspace())


def _both(client, path):
    sheet = page_doc(client.get(path)).get_element_by_id("sheet")
    pdf = client.get(f"{path}.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    return sheet.text_content(), extract_text(BytesIO(pdf.data))


def _assert_equal_text(html_text, pdf_text):
    html_chars, pdf_chars = _chars(html_text), _chars(pdf_text)
    assert html_chars == pdf_chars, (html_chars - pdf_chars, pdf_chars - html_chars)


def _subjects(org):
    item = new_item(org, title="某县春耕进展", secrecy="1")
    act(org, "verifier_a", item.instance_id, {"decision": "pass", "opinion": "数据已核实，同意上报。"})
    case = new_case(org)
    act(org, "handler_a", case.instance_id, CLOSE)
    event = clock.now().astimezone(clock.LOCAL_TZ).strftime("%Y-%m-%dT%H:%M")
    emergency = report(org, event)
    return {"item": f"/sheets/items/{item.id}", "case-supervision": f"/sheets/cases/{case.id}/supervision",
            "case-report": f"/sheets/cases/{case.id}/report", "emergency": f"/sheets/emergencies/{emergency.id}",
            "details": {"item": f"/reports/{item.id}", "case": f"/cases/{case.id}",
                        "emergency": f"/emergencies/{emergency.id}"}}


def test_each_sheet_pdf_says_what_its_page_says(app, org):
    paths = _subjects(org)
    client, _token = signed_in(app, "leader_a")
    expected = {"item": ["信息处理笺", "密级：内部", "数据已核实，同意上报。", "用户verifier_a", "办公室主任",
                         "签发人（签字）："],
                "case-supervision": ["批示件督办单", "批示内容", "交办要求", "督查室负责人（签字）："],
                "case-report": ["办理情况报告单", "报结", "承办单位负责人（签字）："],
                "emergency": ["紧急信息报送单", "各级报送时限", "事件后 2 小时", "事件后 5 小时",
                              "值班领导（核签）（签字）："]}
    for kind, words in expected.items():
        html_text, pdf_text = _both(client, paths[kind])
        _assert_equal_text(html_text, pdf_text)
        squeezed = "".join(html_text.split())
        for word in words:
            assert "".join(word.split()) in squeezed, (kind, word)
    assert client.get(paths["case-report"].replace("/report", "/other")).status_code == 404  # no such sheet


def test_an_opinion_line_names_the_step_the_person_the_role_and_the_time(app, org):
    paths = _subjects(org)
    client, _token = signed_in(app, "writer_a")
    doc = page_doc(client.get(paths["item"]))
    rows = [[" ".join(td.text_content().split()) for td in tr.xpath("./td")]
            for tr in doc.xpath("//table[@id='sheet-opinions']/tbody/tr")]
    verified = [r for r in rows if r[0] == "核实审核"]
    assert verified == [["核实审核", "通过", "数据已核实，同意上报。", "用户verifier_a", "办公室主任（a县委办公室）",
                         "2026-03-02 09:00"]]


@pytest.mark.parametrize("username", ["writer_a", "writer_b", "editor_low", "dc", "leader_city", "writer_a2"])
def test_a_sheet_is_refused_exactly_where_its_detail_page_is(app, org, username):
    paths = _subjects(org)
    details = paths["details"]
    client, _token = signed_in(app, username)
    pairs = [("item", details["item"]), ("case-supervision", details["case"]), ("case-report", details["case"]),
             ("emergency", details["emergency"])]
    for kind, detail in pairs:
        expected = client.get(detail).status_code
        if username in ("writer_b", "editor_low"):  # another county; an editor cleared below the item's 内部
            assert expected == 404, (username, kind)
        assert client.get(paths[kind]).status_code == expected, (username, kind)
        assert client.get(paths[kind] + ".pdf").status_code == expected, (username, kind)
