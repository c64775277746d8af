"""先电话后文字 in a real browser: the city duty office takes a phone report from 县 a forty minutes after the event,
县 a's 信息员 writes the report up (补报文字稿) for the on-duty leader's sign-off, and the city's information office
finds it on top of its inbox, counting down to the province's limit, the written report linked to the phone call.
Every check reads what the user sees on the page, never the database.
Run: /work/venv/bin/python -m pytest tests/browser/test_emergency_phone.py -q
"""
import re

from playwright.sync_api import expect

from tests.browser.conftest import login, logout
from tests.emergencies import conftest as emergency_fixtures
from tests.emergencies.helpers import local
from tests.helpers import act, new_item
from webapp.core import clock

org = emergency_fixtures.org  # the organisation with the city's 总值班室 and the levels' leaders

TITLE = "a县化工厂爆燃（浏览器测试）"
SUMMARY = "厂区发生爆燃，现场正在核实伤亡。"
PLACE = "a县经济开发区化工园"
WRITTEN = "今晨8时20分，开发区某化工厂储罐区发生爆燃，明火已于8时50分扑灭。"
TASK_URL = re.compile(r"/tasks/\d+$")
INBOX_URL = re.compile(r"/$")
DETAIL_URL = re.compile(r"/emergencies/\d+$")
COUNTING = re.compile(r"^剩余 \d\d:\d\d:\d\d$")


def _open_from_inbox(page, step):
    row = page.locator("#tasks tbody tr", has_text=TITLE)
    expect(row).to_have_count(1)
    expect(row).to_have_attribute("data-kind", "emergency")
    expect(row.locator("td").nth(1)).to_have_text(step)
    row.get_by_role("link", name=TITLE).click()
    page.wait_for_url(TASK_URL)
    expect(page.locator("h1")).to_have_text(f"{step} · {TITLE}")


def _submit(page, button, says="已办理"):
    page.locator("#task-form").get_by_role("button", name=button, exact=True).click()
    page.wait_for_url(INBOX_URL)
    expect(page.locator("main .flash")).to_contain_text(says)


def _ticks(page, countdown):
    """The countdown runs in the browser: its text changes within a couple of seconds."""
    expect(countdown).to_have_text(COUNTING)
    before = countdown.inner_text()
    expect(countdown).not_to_have_text(before, timeout=3000)
    expect(countdown).to_have_text(COUNTING)


def test_phone_report_then_the_written_report_reaches_the_city_on_top_of_its_inbox(org, live_server, page):
    base = live_server
    clock.set_fixed(local("2026-03-02 09:00:00"))  # a Monday morning: the information office is at work
    other = new_item(org, title="某县春耕进展", urgency="urgent")  # an ordinary item already waits at the city
    act(org, "verifier_a", other.instance_id, {"decision": "pass"})
    act(org, "leader_a", other.instance_id, {"decision": "pass"})

    # 1. The city's duty officer takes the call: the event was forty minutes ago.
    login(page, base, "duty_city")
    page.locator("header nav").get_by_role("link", name="紧急信息").click()
    page.wait_for_url(re.compile(r"/emergencies/$"))
    page.get_by_role("link", name="电话接报").click()
    expect(page.locator("h1")).to_have_text("电话接报")
    expect(page.locator("#unit_id")).to_be_focused()
    expect(page.locator("#call_time")).to_have_value("2026-03-02T09:00")
    page.locator("#unit_id").select_option(label="a县委办公室")
    page.locator("#caller").fill("李四")
    page.locator("#caller_phone").fill("0571-1234567")
    page.locator("#event_time").fill("2026-03-02T08:20")
    page.locator("#title").fill(TITLE)
    page.locator("#summary").fill(SUMMARY)
    page.locator("#urgency").select_option(label="特急")
    page.get_by_role("button", name="登记电话报告").click()
    page.wait_for_url(DETAIL_URL)
    detail_url = page.url

    # 2. The city level is reached by phone, on time; the written report is owed within the hour.
    expect(page.locator("main .flash")).to_contain_text("电话报告已登记")
    expect(page.locator("#phone-caller")).to_have_text("李四（0571-1234567）")
    city = page.locator("#levels tr[data-level='city']")
    expect(city.locator("td.reached")).to_contain_text("2026-03-02 09:00（电话）")
    expect(city.locator("td.reached")).to_contain_text("文字稿待补报")
    expect(city.locator("td.state")).to_have_text("按时")
    expect(city).to_contain_text("总值班室")
    written = page.locator("#written-status")
    expect(written).to_contain_text("待补报")
    expect(written).to_contain_text("须于 2026-03-02 10:00 前报送")
    _ticks(page, written.locator(".countdown"))
    expect(page.locator("#levels tr[data-level='province'] td.state")).to_have_text("未到达")
    logout(page)

    # 3. 县 a's 信息员 finds 补报文字稿 in the inbox, counting down, and writes the report for the leader.
    clock.set_fixed(local("2026-03-02 09:20:00"))
    login(page, base, "writer_a")
    row = page.locator("#tasks tbody tr", has_text=TITLE)
    expect(row.locator("td.due .countdown")).to_have_text(COUNTING)
    _open_from_inbox(page, "补报文字稿")
    expect(page.locator("#task-countdown")).to_have_text(COUNTING)
    expect(page.locator("#phone-summary")).to_have_text(SUMMARY)
    expect(page.locator("#title")).to_have_value(TITLE)
    page.locator("#place").fill(PLACE)
    page.locator("#summary").fill(WRITTEN)
    page.locator("#casualties").fill("暂无人员死亡，2人轻伤送医。")
    page.locator("#measures").fill("县应急局、消防大队已到场处置，周边500米群众已疏散。")
    page.get_by_role("radio", name="值班领导核签").check()
    _submit(page, "报送文字稿")
    logout(page)

    # 4. The county's leader signs it off in one step.
    clock.set_fixed(local("2026-03-02 09:25:00"))
    login(page, base, "leader_a")
    _open_from_inbox(page, "值班领导核签")
    expect(page.locator("#emergency-summary")).to_have_text(WRITTEN)
    page.locator("#opinion").fill("情况属实，同意报送")
    _submit(page, "核签并报送", "文字稿已报送市委办信息科（电话报告按时）")  # where it went, and in time
    logout(page)

    # 5. The city's information office: the emergency on top of its inbox, counting down to the province's limit.
    login(page, base, "editor")
    rows = page.locator("#tasks tbody tr[data-task-id]")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text(TITLE)
    expect(rows.first.locator("td").nth(1)).to_have_text("信息部门接报")
    expect(rows.first.locator("td.due")).to_contain_text("2026-03-02 13:20")  # 5 hours from the event
    _ticks(page, rows.first.locator("td.due .countdown"))
    expect(rows.nth(1)).to_contain_text("某县春耕进展")
    expect(rows.nth(1).locator(".countdown")).to_have_count(0)

    # 6. The emergency's page: the written report linked to the phone report, the province's countdown running.
    page.goto(detail_url)
    expect(page.locator("#written-status")).to_contain_text("已报送")
    expect(page.locator("#written-status")).to_contain_text("2026-03-02 09:25 报送，与本电话报告关联")
    expect(page.locator("#written-report h3").first).to_contain_text("关联 2026-03-02 09:00 电话报告")
    expect(page.locator("#emergency-summary")).to_have_text(WRITTEN)
    city = page.locator("#levels tr[data-level='city']")
    expect(city.locator("td.reached")).to_contain_text("2026-03-02 09:00（电话）")
    expect(city.locator("td.reached")).to_contain_text("文字稿 2026-03-02 09:25")
    expect(city.locator("td.state")).to_have_text("按时")
    _ticks(page, page.locator("#levels tr[data-level='province'] td.state .countdown"))
    expect(page.locator("#emergency-status")).to_contain_text("已报送")
    expect(page.locator("#history")).to_contain_text("电话接报")
