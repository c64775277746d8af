"""The supervision office in a real browser: the desk filtered to red cases, one urged, the monthly table produced
and downloaded; the file is opened back and compared with the page. The 驾驶舱 draws its ECharts charts."""
import re

from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.browser.conftest import login, navigate
from tests.statistics.conftest import generate


def _table(page, selector):
    rows = page.locator(f"{selector} tbody tr")
    return [[c.strip() for c in rows.nth(i).locator("td").all_inner_texts()] for i in range(rows.count())]


def test_desk_red_filter_urge_and_monthly_download(page, live_server, org, tmp_path):
    cases = generate(org)  # now 2026-04-02 10:00: p2 (b县) is the only open case past its deadline
    login(page, live_server, "dc")
    navigate(page, "督查督办", "督查台")
    expect(page.locator("#light-counts [data-light=red] strong")).to_have_text("1")
    page.locator("#light-filter").select_option("red")
    page.locator("#apply-filter").click()
    page.wait_for_url(re.compile(r"light=red"))
    rows = page.locator("#desk tbody tr")
    expect(rows).to_have_count(1)
    row = rows.first
    expect(row).to_have_attribute("data-case-no", cases["p2"].case_no)
    expect(row.locator("td.days")).to_have_text("超期 26 天")
    row.get_by_role("button", name="催办").click()
    expect(page.locator("main .flash")).to_contain_text("已催办：办理（b县委办公室）")
    expect(page.locator("#desk tbody tr")).to_have_count(1)  # the filter is kept after urging

    page.get_by_role("link", name="领导驾驶舱").click()
    expect(page.locator("#charts")).to_have_attribute("data-drawn", "1")
    expect(page.locator("#chart-lights canvas")).to_have_count(1)

    navigate(page, "统计考核", "统计报表")
    page.locator("#report-monthly").click()
    expect(page.locator("h1")).to_contain_text("2026年03月领导批示件月报表")
    page.locator("#produce-monthly").click()
    expect(page.locator("main .flash")).to_contain_text("已生成 2 个单位")
    expect(page.locator("#unconfirmed")).to_contain_text("尚有 2 个单位未确认")
    screen = _table(page, "#report-table")
    assert screen[1][:8] == ["b县委办公室", "市委督查室", "2", "0", "0", "0", "2", "1"]
    with page.expect_download() as download_info:
        page.locator("#export-monthly").click()
    download = download_info.value
    assert download.suggested_filename == "市委督查室2026年03月领导批示件月报表.xlsx"
    path = tmp_path / "monthly.xlsx"
    download.save_as(path)
    sheet = load_workbook(path).active
    lines = [["" if v is None else str(v) for v in r] for r in sheet.iter_rows(min_row=3, values_only=True)]
    assert lines == screen
