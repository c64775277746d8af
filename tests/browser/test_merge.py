"""综合 in a real browser: the city's editor ticks two counties' items, merges them with edited shares, adopts the
combined item into 专报, and each source's page says where it went."""
import re

from playwright.sync_api import expect

from tests.browser.conftest import login
from tests.scoring.helpers import submitted_item

TASK_URL = re.compile(r"/tasks/\d+$")


def test_the_editor_merges_two_items_and_adopts_the_combined_one(org, live_server, page):
    a = submitted_item(org, "a", "2026-03-02 09:00", title="甲县春耕进展", body="甲县春播面积十二万亩，同比增长。")
    b = submitted_item(org, "b", "2026-03-02 10:00", title="乙县春耕进展", body="乙县农资供应充足，价格平稳。")

    login(page, live_server, "editor")
    page.goto(f"{live_server}/editorial/")
    page.locator("#merge-link").click()
    expect(page.locator("h1")).to_contain_text("综合信息")
    for item in (a, b):
        page.locator(f"#merge-candidates tr[data-item-id='{item.id}'] input[type=checkbox]").check()
    page.locator("#merge-pick-button").click()

    form = page.locator("#merge-form")
    expect(form).to_be_visible()
    expect(form.locator("input[name=shares]")).to_have_count(2)
    share_a, share_b = page.get_by_label("a县委办公室占比"), page.get_by_label("b县委办公室占比")
    expect(share_a).to_have_value("50.00")
    expect(page.locator("#body")).to_contain_text("【a县委办公室】甲县春耕进展")
    share_a.fill("70")
    share_b.fill("20")
    page.locator("#title").fill("两县春耕进展综述")
    page.locator("#merge-button").click()
    expect(page.locator("#merge-form .err")).to_have_text("各单位占比之和应为100%，现为90%")  # back on the form

    expect(share_a).to_have_value("70")  # the form comes back as filled in
    share_b.fill("30")
    page.locator("#merge-button").click()
    page.wait_for_url(TASK_URL)
    expect(page.locator("main .flash")).to_contain_text("已综合为《两县春耕进展综述》")
    page.get_by_role("radio", name="采用", exact=True).check()
    page.locator("#publication").select_option("专报")
    page.locator("#task-form").get_by_role("button", name="提交", exact=True).click()
    page.wait_for_url(re.compile(r"/$"))

    page.goto(f"{live_server}/reports/{a.id}")
    expect(page.locator("#item-merged-into")).to_contain_text("已综合入《两县春耕进展综述》（本单位占 7/10）")
    page.locator("#item-merged-into a").click()
    expect(page.locator("#item-merged-sources")).to_contain_text("b县委办公室：《乙县春耕进展》（占 3/10）")
