"""转报 in a real browser: the city's editor forwards an item it adopted, the province adopts it, and the county's
writer reads both levels on the item page (and the page breaks no Content-Security-Policy rule)."""
import re

from playwright.sync_api import expect

from tests.browser.conftest import login, logout
from tests.helpers import act, new_item
from webapp.extensions import db

TITLE = "某县春耕进展（转报浏览器测试）"


def test_the_city_forwards_the_province_adopts_and_the_writer_sees_both_levels(org, live_server, page):
    org.user("editor_prov", "prov-info", ["editor"])
    db.session.commit()
    item = new_item(org, title=TITLE)
    act(org, "verifier_a", item.instance_id, {"decision": "pass"})
    act(org, "leader_a", item.instance_id, {"decision": "pass"})
    act(org, "editor", item.instance_id, {"decision": "adopt", "publication": "专报", "opinion": ""})

    login(page, live_server, "editor")
    page.goto(f"{live_server}/reports/{item.id}")
    page.locator("#forward-form").get_by_role("button", name="转报省委办公厅信息处").click()
    page.wait_for_url(re.compile(r"/reports/\d+$"))
    expect(page.locator("main .flash")).to_contain_text("已转报省委办公厅信息处")
    expect(page.locator("#item-status")).to_contain_text("已上报待采用")
    page.goto(f"{live_server}/reports/{item.id}")
    expect(page.locator("#forward-form")).to_have_count(0)  # once per level
    logout(page)

    login(page, live_server, "editor_prov")
    row = page.locator("#tasks tbody tr", has_text=TITLE)
    expect(row).to_have_count(1)
    row.get_by_role("link", name=TITLE).click()
    page.get_by_role("radio", name="采用", exact=True).check()
    page.locator("#publication").select_option("内参")
    page.locator("#task-form").get_by_role("button", name="提交", exact=True).click()
    page.wait_for_url(re.compile(r"/$"))
    logout(page)

    login(page, live_server, "writer_a")
    page.goto(f"{live_server}/reports/{item.id}")
    levels = page.locator("#item-chain tr.chain-level")
    expect(levels).to_have_count(2)
    expect(levels.nth(0)).to_contain_text("市委办信息科")
    expect(levels.nth(0)).to_contain_text("《专报》")
    expect(levels.nth(1)).to_contain_text("省委办公厅信息处（转报）")
    expect(levels.nth(1)).to_contain_text("《内参》")
