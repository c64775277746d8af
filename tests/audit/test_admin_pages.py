"""The admin's audit pages: search by date, user, unit, kind and text; export to Excel; nobody else may look."""
from datetime import timedelta
from io import BytesIO

import pytest
from openpyxl import load_workbook

from tests.audit.helpers import entries
from tests.conftest import START
from tests.web_helpers import login
from webapp import audit
from webapp.core import clock
from webapp.extensions import db

URL = "/admin/audit/"
EXPORT = "/admin/audit/export.xlsx"


def seqs(response):
    """The seq of each row shown, in page order."""
    html = response.get_data(as_text=True)
    return [int(part.split('"', 1)[0]) for part in html.split('data-seq="')[1:]]


@pytest.fixture
def admin(app, org):
    """Logins of three people on two days (Shanghai), then the 安全审计员's client."""
    for username in ("writer_a", "verifier_b"):
        login(app.test_client(), username)
    clock.set_fixed(START + timedelta(days=2))
    login(app.test_client(), "writer_b")
    audit.record("admin.calendar.save", summary="保存 2027 年节假日安排（5 天）", user=org.users["admin"])
    db.session.commit()
    client = app.test_client()
    login(client, "auditor")
    return client


def test_search_filters_and_shows_newest_first(admin):
    all_seqs = [e.seq for e in entries()]
    assert seqs(admin.get(URL)) == sorted(all_seqs, reverse=True)
    assert [entries(seq=s)[0].username for s in seqs(admin.get(URL, query_string={"username": "writer"}))] == [
        "writer_b", "writer_a"]
    by_unit = seqs(admin.get(URL, query_string={"unit": "b县"}))
    assert {entries(seq=s)[0].username for s in by_unit} == {"verifier_b", "writer_b"}
    on_day_three = seqs(admin.get(URL, query_string={"date_from": "2026-03-04", "date_to": "2026-03-04"}))
    assert {entries(seq=s)[0].username for s in on_day_three} == {"writer_b", "admin", "auditor"}
    first_day = seqs(admin.get(URL, query_string={"date_to": "2026-03-02"}))
    assert {entries(seq=s)[0].username for s in first_day} == {"writer_a", "verifier_b"}
    admin_changes = seqs(admin.get(URL, query_string={"action": "admin."}))
    assert [entries(seq=s)[0].action for s in admin_changes] == ["admin.calendar.save"]
    assert len(seqs(admin.get(URL, query_string={"q": "节假日"}))) == 1
    assert seqs(admin.get(URL, query_string={"q": "100%_"})) == []


def test_a_bad_date_is_explained(admin):
    response = admin.get(URL, query_string={"date_from": "2026-13-45"})
    assert response.status_code == 422 and "请输入有效日期" in response.get_data(as_text=True)
    reversed_range = admin.get(URL, query_string={"date_from": "2026-03-05", "date_to": "2026-03-01"})
    assert reversed_range.status_code == 422 and "结束日期不能早于开始日期" in reversed_range.get_data(as_text=True)


def test_search_is_paginated(admin):
    for n in range(55):
        audit.record("test.append", summary=f"批量记录 {n}")
    db.session.commit()
    first = seqs(admin.get(URL, query_string={"q": "批量记录"}))
    second_page = admin.get(URL, query_string={"q": "批量记录", "page": 2})
    second = seqs(second_page)
    assert len(first) == 50 and len(second) == 5 and first[-1] > second[0]
    assert "第 2 / 2 页" in second_page.get_data(as_text=True)


def test_export_writes_the_filtered_entries_to_excel_and_is_itself_recorded(admin):
    response = admin.get(EXPORT, query_string={"username": "writer"})
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    assert "attachment" in response.headers["Content-Disposition"]
    sheet = load_workbook(BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("序号", "时间", "用户名", "姓名")
    writer_b, writer_a = entries(username="writer_b")[0], entries(username="writer_a")[0]
    assert [r[:8] for r in rows[1:]] == [
        (writer_b.seq, "2026-03-04 09:00:00", "writer_b", "用户writer_b", "信息员", "b县委办公室", "127.0.0.1", "登录"),
        (writer_a.seq, "2026-03-02 09:00:00", "writer_a", "用户writer_a", "信息员", "a县委办公室", "127.0.0.1", "登录"),
    ]
    assert rows[1][-1] == writer_b.hash
    (export,) = entries(action="admin.audit.export")
    assert export.username == "auditor" and export.detail == {"filters": {"username": "writer"}, "rows": 2}


def test_a_formula_looking_summary_stays_text_in_the_export(admin):
    audit.record("test.append", summary="=HYPERLINK(\"http://example.com\")")
    db.session.commit()
    sheet = load_workbook(BytesIO(admin.get(EXPORT, query_string={"q": "HYPERLINK"}).data)).active
    assert sheet.cell(row=2, column=12).value == "=HYPERLINK(\"http://example.com\")"
    assert sheet.cell(row=2, column=12).data_type == "s"


def test_an_export_over_the_limit_is_refused_with_a_message(app, admin, monkeypatch):
    monkeypatch.setitem(app.config, "AUDIT_EXPORT_MAX_ROWS", 3)
    response = admin.get(EXPORT, follow_redirects=True)
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and "超过单次导出上限 3 条" in text and "请缩小日期范围" in text
    assert entries(action="admin.audit.export") == []
    assert admin.get(EXPORT, query_string={"username": "writer"}).status_code == 200  # 2 rows: within the limit


@pytest.mark.parametrize("username", ["writer_a", "dc", "editor", "admin", "secadmin"])
@pytest.mark.parametrize("path", [URL, EXPORT])
def test_only_the_auditor_may_search_or_export(app, org, username, path):
    client = app.test_client()
    login(client, username)
    assert client.get(path).status_code == 403


def test_the_auditors_menu_links_to_the_audit_log(admin):
    assert 'href="/admin/audit/"' in admin.get("/").get_data(as_text=True)


def test_entries_about_an_item_above_the_readers_clearance_are_withheld_on_the_page_and_in_the_export(app, org):
    from tests.helpers import new_item

    org.user("auditor_low", "city", ["auditor"], clearance=0)
    org.users["writer_a"].clearance = 2
    db.session.commit()
    title = "秘密标题-矿区隐患排查"
    item = new_item(org, title=title, secrecy="2")
    audit.record_view(item, org.users["verifier_a"])  # "查看秘密事项：<title>"
    db.session.commit()

    cleared, low = app.test_client(), app.test_client()
    login(cleared, "auditor")
    login(low, "auditor_low")
    assert title in cleared.get(URL).get_data(as_text=True)
    page = low.get(URL).get_data(as_text=True)
    assert title not in page and "超出您的密级" in page

    def export_text(client):
        sheet = load_workbook(BytesIO(client.get(EXPORT).data)).active
        return " ".join(str(cell) for row in sheet.iter_rows(values_only=True) for cell in row if cell)

    assert title in export_text(cleared)
    assert title not in export_text(low) and "春播面积" not in export_text(low)  # the form data of its steps


def test_the_auditor_verifies_the_chain_from_the_page_and_a_tampered_entry_is_named(admin):
    from sqlalchemy import text

    from tests.web_helpers import csrf

    token = csrf(admin, URL)
    page = admin.post("/admin/audit/verify", data={"csrf_token": token}, follow_redirects=True)
    assert "审计日志完整" in page.get_data(as_text=True)
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE audit_entries SET summary = '已被改写' WHERE seq = 2"))
    page = admin.post("/admin/audit/verify", data={"csrf_token": token}, follow_redirects=True)
    assert "审计日志已被破坏" in page.get_data(as_text=True) and "第 2 条" in page.get_data(as_text=True)


def test_the_page_shows_unsealed_entries_and_verify_names_those_waiting_too_long(no_sealer, admin):
    from tests.web_helpers import csrf

    token = csrf(admin, URL)
    waiting = entries()  # the sealer is stopped: every entry waits
    assert waiting and all(e.seq is None for e in waiting)
    html = admin.get(URL).get_data(as_text=True)
    assert f'data-seq="" data-id="{waiting[-1].id}"' in html and "待封存" in html
    # The fixture's first logins were two days ago (its clock moved on): they wait too long.
    page = admin.post("/admin/audit/verify", data={"csrf_token": token}, follow_redirects=True).get_data(as_text=True)
    assert "审计日志封存滞后" in page and f"最早一条 id {waiting[0].id}，" in page
    assert "请检查封存程序是否在运行" in page
