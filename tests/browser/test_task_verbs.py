"""转办, 退回, 撤回 and 催办 in a real browser, each checked by what the next person sees.

Run: /work/venv/bin/python -m pytest tests/browser/test_task_verbs.py -q
"""
import re

from playwright.sync_api import expect

from tests.browser.conftest import login, logout
from tests.helpers import new_item
from webapp.extensions import db

TITLE = "某县春耕进展"
TASK_URL = re.compile(r"/tasks/\d+$")
INBOX_URL = re.compile(r"/$")


def _flash(page):
    return page.locator("main .flash").first


def _open(page, step):
    """Open the item's task from the inbox; its page names the step."""
    page.goto("/")
    page.get_by_role("link", name=TITLE).first.click()
    page.wait_for_url(TASK_URL)
    expect(page.locator("h1")).to_have_text(f"{step} · {TITLE}")


def _submit(page):
    page.locator("#task-form").get_by_role("button", name="提交", exact=True).click()
    page.wait_for_url(INBOX_URL)
    expect(_flash(page)).to_contain_text("已办理")


def test_transfer_return_withdraw_and_urge(page, live_server, org):
    org.user("verifier_a2", "county-a", ["verifier"])
    db.session.commit()
    new_item(org)

    # 转办: the office director hands the check to a colleague, with a reason.
    login(page, live_server, "verifier_a")
    _open(page, "核实审核")
    page.locator("#transfer-box summary").click()
    page.locator("#target_user_id").select_option(label="用户verifier_a2")
    page.locator("#transfer_reason").fill("本人外出开会，请代为审核")
    page.locator("#do-transfer").click()
    page.wait_for_url(INBOX_URL)
    expect(_flash(page)).to_contain_text("已转办")
    expect(page.get_by_role("link", name=TITLE)).to_have_count(0)
    logout(page)

    login(page, live_server, "verifier_a2")
    _open(page, "核实审核")
    expect(page.locator("#arrival")).to_contain_text("转办（用户verifier_a）：本人外出开会，请代为审核")
    page.get_by_role("radio", name="通过").check()
    _submit(page)
    logout(page)

    # 退回: the leader sends it back two steps, to the writer, choosing the step from its history.
    login(page, live_server, "leader_a")
    _open(page, "审签")
    page.locator("#return-box summary").click()
    options = page.locator("#target_row_id option")
    expect(options).to_have_count(2)
    compose = page.locator("#target_row_id option", has_text="采编").get_attribute("value")
    page.locator("#target_row_id").select_option(value=compose)
    page.locator("#return_reason").fill("数据口径与统计局不一致，请核实后重报")
    page.locator("#do-return").click()
    page.wait_for_url(INBOX_URL)
    expect(_flash(page)).to_contain_text("已退回")
    logout(page)

    login(page, live_server, "writer_a")
    _open(page, "采编")
    expect(page.locator("#arrival")).to_contain_text("被退回（用户leader_a）：数据口径与统计局不一致，请核实后重报")
    expect(page.locator("#history")).to_contain_text("退回「审签」 → 采编")
    expect(page.locator("#history")).to_contain_text("用户leader_a（分管领导")
    page.locator("#task-form").get_by_role("button", name="提交审核", exact=True).click()
    page.wait_for_url(INBOX_URL)

    # 撤回: the next step is untouched, so the writer takes the submission back, and submits again.
    page.goto("/done")
    page.get_by_role("link", name=TITLE).first.click()
    page.locator("#item-link").click()
    page.locator("#withdraw").click()
    page.wait_for_url(TASK_URL)
    expect(_flash(page)).to_contain_text("已撤回")
    expect(page.locator("h1")).to_have_text(f"采编 · {TITLE}")
    page.locator("#task-form").get_by_role("button", name="提交审核", exact=True).click()
    page.wait_for_url(INBOX_URL)

    # 催办: the writer urges the director; a second urge at once is refused with the time of the first.
    page.goto("/done")
    page.get_by_role("link", name=TITLE).first.click()
    page.locator("#item-link").click()
    urge = page.locator("#open-steps tr", has_text="核实审核")
    urge.locator("input[name=note]").fill("省里今天下午要，请尽快")
    urge.get_by_role("button", name="催办").click()
    expect(_flash(page)).to_contain_text("已催办“核实审核”")
    expect(page.locator("#urge-log")).to_contain_text("用户writer_a催办「核实审核」：省里今天下午要，请尽快")
    page.locator("#open-steps tr", has_text="核实审核").get_by_role("button", name="催办").click()
    expect(_flash(page)).to_contain_text("分钟后再催办")
    logout(page)

    login(page, live_server, "verifier_a2")
    _open(page, "核实审核")
    expect(page.locator("#urges")).to_contain_text("用户writer_a催办：省里今天下午要，请尽快")
