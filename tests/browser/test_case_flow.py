"""A provincial leader-instruction case (批示件) carried from 登记 to 办结 in a real browser, one role at a time.

督查室 registers and assigns it, 县 a's 承办人 reports progress and closes it (after a refused close without a
文号), 主要领导 signs, 督查室 returns it once with reasons, the 承办人 closes again, it is signed and accepted.
Every check reads what the user sees on the page, never the database.
Run: /work/venv/bin/python -m pytest tests/browser/test_case_flow.py -q
"""
import re

from playwright.sync_api import expect

from tests.browser.conftest import login, logout, navigate

TITLE = "关于青山县河道整治的批示（浏览器测试）"
LEADER = "省委书记 王某"
INSTRUCTION = "请临江市委督查室督促青山县抓紧整治河道污染问题，限期报告结果。"
PROGRESS = "已成立专班，完成现场排查，正在制定整治方案。"
REPORT = "经查，河道污染系上游养殖场直排所致。已关停三家养殖场，建成截污管网两公里，建立河长巡查制度。"
REPORT_REVISED = REPORT + "已建立长效监测机制，每月通报水质。"
DOC_NO = "青办字〔2026〕12号"
RETURN_OPINION = "整改措施不具体，请补充长效机制。"
TASK_URL = re.compile(r"/tasks/\d+$")
INBOX_URL = re.compile(r"/$")
CASE_URL = re.compile(r"/cases/\d+$")


def _flash(page):
    return page.locator("main .flash")


def _submit(page, button="提交"):
    """Submit the task form with `button`; ends back on the inbox with the step reported done."""
    page.locator("#task-form").get_by_role("button", name=button, exact=True).click()
    page.wait_for_url(INBOX_URL)
    expect(_flash(page)).to_contain_text("已办理")


def _open_from_inbox(page, step):
    """Find the case in 我的待办 at `step` and open its task page."""
    row = page.locator("#tasks tbody tr", has_text=TITLE)
    expect(row).to_have_count(1)
    expect(row.locator("td").nth(1)).to_have_text(step)
    row.get_by_role("link", name=TITLE).click()
    page.wait_for_url(TASK_URL)
    expect(page.locator("h1")).to_have_text(f"{step} · {TITLE}")


def _close(page, report, doc_no):
    page.get_by_role("radio", name="报结（送领导签发）").check()
    page.locator("#report").fill(report)
    page.locator("#doc_no").fill(doc_no)


def _sign(page, base, report):
    """主要领导 of 县 a reads the closing report with its 文号 and signs it."""
    login(page, base, "principal_a")
    _open_from_inbox(page, "主要领导签发")
    closing = page.locator("#closing-report")
    expect(closing).to_contain_text(DOC_NO)
    expect(closing).to_contain_text(report)
    page.get_by_role("radio", name="同意签发").check()
    page.locator("#opinion").fill("同意报结")
    _submit(page)
    expect(page.locator("#tasks")).not_to_contain_text(TITLE)
    logout(page)


def test_provincial_case_is_registered_handled_returned_once_and_archived(org, live_server, page):
    base = live_server

    # 1. 督查室 registers the case through the form and sends it to 交办.
    login(page, base, "dc")
    navigate(page, "督查督办", "批示件督办")
    page.wait_for_url(re.compile(r"/cases/$"))
    page.get_by_role("button", name="登记批示件").click()
    page.wait_for_url(TASK_URL)
    expect(page.locator("h1")).to_contain_text("登记批示件")
    page.locator("#title").fill(TITLE)
    page.locator("#source_leader").fill(LEADER)
    page.locator("#level").select_option(label="省领导批示")
    page.locator("#instruction_date").fill("2026-03-01")
    page.locator("#urgency").select_option(label="一般")
    page.locator("#secrecy").select_option(label="内部")
    page.locator("#lead_unit_id").select_option(label="a县委办公室")
    page.locator("#assist_units").get_by_label("b县委办公室").check()
    page.locator("#instruction").fill(INSTRUCTION)
    _submit(page, "登记并送交办")

    _open_from_inbox(page, "交办")
    case = page.locator("#case")
    expect(case).to_contain_text("省领导批示")
    expect(case.locator("#case-lead-unit")).to_have_text("a县委办公室")
    expect(case).to_contain_text("b县委办公室")
    expect(case.locator("#case-instruction")).to_have_text(INSTRUCTION)
    page.get_by_role("radio", name="交办牵头单位").check()
    page.locator("#requirements").fill("请于期限内报送办理结果。")
    _submit(page)
    expect(page.locator("#tasks")).not_to_contain_text(TITLE)

    page.goto(f"{base}/cases/")
    listed = page.locator("#cases tbody tr", has_text=TITLE)
    expect(listed).to_have_count(1)
    expect(listed).to_contain_text("a县委办公室")
    expect(listed).to_contain_text("办理中")
    expect(listed).to_contain_text("2026-03-17 23:59")  # 15 calendar days from 交办 on 03-02
    expect(listed).to_contain_text("正常")
    logout(page)

    # 2. 县 a's 承办人 finds it in 待办 and reports progress.
    login(page, base, "handler_a")
    _open_from_inbox(page, "办理")
    expect(page.locator("#case-due")).to_contain_text("2026-03-17 23:59")
    expect(page.locator("#return-opinion")).to_have_count(0)
    page.get_by_role("radio", name="报送进展").check()
    page.locator("#progress").fill(PROGRESS)
    _submit(page)

    # 3. Closing without a 文号 is refused in Chinese and keeps what was typed; then closed with it.
    _open_from_inbox(page, "办理")
    expect(page.locator("#case-reports")).to_contain_text(PROGRESS)
    _close(page, REPORT, "")
    with page.expect_response(lambda r: r.request.method == "POST") as refused:
        page.locator("#task-form").get_by_role("button", name="提交", exact=True).click()
    assert refused.value.status == 422
    expect(page.get_by_role("alert")).to_contain_text("表单填写有误")
    expect(page.locator("#doc_no + .err")).to_contain_text("正式文件")
    expect(page.locator("#report + .err")).to_have_count(0)
    expect(page.locator("#report")).to_have_value(REPORT)
    expect(page.get_by_role("radio", name="报结（送领导签发）")).to_be_checked()
    page.locator("#doc_no").fill(DOC_NO)
    _submit(page)
    expect(page.locator("#tasks")).not_to_contain_text(TITLE)
    logout(page)

    # 4. 主要领导 signs (a provincial case needs the principal leader, not the one in charge).
    _sign(page, base, REPORT)

    # 5. 督查室 returns it with two reasons and an opinion.
    login(page, base, "dc")
    _open_from_inbox(page, "审核报结")
    expect(page.locator("#closing-report")).to_contain_text(REPORT)
    page.get_by_role("radio", name="退回重办").check()
    reasons = page.locator("#return_reasons")
    reasons.get_by_label("未提出整改措施").check()
    reasons.get_by_label("事实不清").check()
    page.locator("#opinion").fill(RETURN_OPINION)
    _submit(page)
    logout(page)

    # 6. The 承办人 reads why it came back, and closes again with a revised report.
    login(page, base, "handler_a")
    _open_from_inbox(page, "办理")
    returned = page.locator("#return-opinion")
    expect(returned).to_contain_text("审核报结退回")
    expect(returned).to_contain_text("事实不清")
    expect(returned).to_contain_text("未提出整改措施")
    expect(returned).to_contain_text(RETURN_OPINION)
    expect(returned).not_to_contain_text("签发领导不符合要求")
    _close(page, REPORT_REVISED, DOC_NO)
    _submit(page)
    logout(page)

    _sign(page, base, REPORT_REVISED)

    # 7. 督查室 accepts; the case page shows it archived with its whole handling record.
    login(page, base, "dc")
    _open_from_inbox(page, "审核报结")
    expect(page.locator("#closing-report")).to_contain_text(REPORT_REVISED)
    page.get_by_role("radio", name="审核通过，办结归档").check()
    _submit(page)
    expect(page.locator("#tasks")).not_to_contain_text(TITLE)

    page.goto(f"{base}/cases/")
    page.locator("#cases").get_by_role("link", name=TITLE).click()
    page.wait_for_url(CASE_URL)
    expect(page.locator("#case h2")).to_contain_text(TITLE)
    expect(page.locator("#case-stage")).to_have_text("已办结")
    expect(page.locator("#case-alert")).to_have_text("已办结")
    expect(page.locator("#case-open-tasks")).to_have_count(0)
    expect(page.locator("#case")).to_contain_text("（按期）")
    reports = page.locator("#case-reports tbody tr")
    expect(reports).to_have_count(3)
    expect(reports.nth(0)).to_contain_text("进展反馈")
    expect(reports.nth(0)).to_contain_text(PROGRESS)
    expect(reports.nth(1)).to_contain_text("报结")
    expect(reports.nth(1)).to_contain_text(f"文号：{DOC_NO}")
    expect(reports.nth(2)).to_contain_text(REPORT_REVISED)
    for row in (reports.nth(0), reports.nth(1), reports.nth(2)):
        expect(row).to_contain_text("用户handler_a")
    history = page.locator("#history")
    for step in ("登记批示件", "交办", "办理", "主要领导签发", "审核报结"):
        expect(history).to_contain_text(f"「{step}」")
    returned = history.locator("li", has_text=RETURN_OPINION)
    expect(returned).to_have_count(1)
    expect(returned).to_contain_text("「审核报结」")
    expect(returned).to_contain_text("退回")
    expect(returned).to_contain_text("用户dc")
