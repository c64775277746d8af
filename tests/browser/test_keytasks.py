"""督查台账 in a real browser: the 督查室 creates a ledger, imports 38 tasks in 8 areas from Excel (a bad file
first: its problems listed, nothing imported), sees them by area with their lights and starts the July round; a
county sees only its own tasks."""
import re

from playwright.sync_api import expect

from tests.browser.conftest import login, logout
from tests.keytasks.helpers import more_units
from tests.keytasks.test_import import AREAS, ledger_rows, xlsx
from webapp.extensions import db
from webapp.keytasks.models import KeyTask, KeyTaskReport

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _upload(page, data):
    page.locator("#import-upload input[type=file]").set_input_files(
        files=[{"name": "台账.xlsx", "mimeType": XLSX, "buffer": data}])
    page.locator("#import-upload button").click()


def test_import_a_ledger_view_it_by_area_and_start_the_july_round(org, live_server, page):
    more_units(org)
    login(page, live_server, "dc")
    page.goto(f"{live_server}/keytasks/")
    page.locator("#new-ledger #title").fill("市委重点工作任务督查台账")
    page.locator("#new-ledger button").click()
    expect(page.locator("h1")).to_contain_text("2026年 市委重点工作任务督查台账")
    expect(page.locator("#no-tasks")).to_be_visible()

    page.locator("#import-link").click()
    bad = ledger_rows()
    bad[6][4] = "不存在的单位"
    _upload(page, xlsx(bad))
    expect(page.locator("#import-problems")).to_contain_text("牵头单位“不存在的单位”不存在")
    expect(page.get_by_role("button", name="确认导入")).to_have_count(0)
    db.session.expire_all()
    assert db.session.query(KeyTask).count() == 0

    page.goto(page.url.replace("/import/check", "/import"))
    _upload(page, xlsx(ledger_rows()))
    expect(page.locator("#import-summary")).to_contain_text("文件共 38 项重点任务，8 个领域")
    page.get_by_role("button", name="确认导入").click()
    expect(page.get_by_role("status")).to_contain_text("已导入重点任务 38 项（8 个领域）")
    expect(page.locator("tr[data-task-number]")).to_have_count(38)
    expect(page.locator("h2.kt-area")).to_have_count(8)
    expect(page.locator("h2.kt-area").first).to_contain_text(AREAS[0])
    expect(page.locator("#light-counts")).to_contain_text("正常推进 38")

    page.locator("#start-round button").click()
    expect(page.get_by_role("status")).to_contain_text("已发起 2026-07-10 进展报送：新发起 38 项")
    db.session.expire_all()
    assert db.session.query(KeyTaskReport).count() == 38
    ledger_url = page.url
    logout(page)

    login(page, live_server, "handler_c")
    page.goto(ledger_url)
    county_c = org.units["county-c"].id
    own = [t for t in db.session.query(KeyTask) if county_c in (t.lead_unit_id, *t.cooperating_unit_ids)]
    assert 0 < len(own) < 38
    expect(page.locator("tr[data-task-number]")).to_have_count(len(own))  # leads c's, cooperates on a's and d's
    page.goto(f"{live_server}/?type=keytask")
    expect(page.locator("main")).to_contain_text(re.compile("重点任务 \\d+ "))
