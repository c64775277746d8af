"""An information item carried through 采编 → 核实审核 → 审签 → 上报 → 编辑处理 in a real browser, one role at a time.

Every check reads what the user sees on the page, never the database.
Run: /work/venv/bin/python -m pytest tests/browser -q
"""
import re

from playwright.sync_api import expect

from tests.browser.conftest import login, logout
from tests.helpers import new_item

TITLE = "某县春耕进展（浏览器测试）"
BODY = "全县已完成春播面积十二万亩，同比增长百分之五。"
BODY_REVISED = BODY + "数据来源：县统计局。"
RETURN_OPINION = "请补充数据来源"
TASK_URL = re.compile(r"/tasks/\d+$")
INBOX_URL = re.compile(r"/$")


def _flash(page):
    return page.locator("main .flash")


def _open_from_inbox(page, title, step):
    """Find the item in 我的待办 at `step` and open its task page."""
    row = page.locator("#tasks tbody tr", has_text=title)
    expect(row).to_have_count(1)
    expect(row.locator("td").nth(1)).to_have_text(step)
    row.get_by_role("link", name=title).click()
    page.wait_for_url(TASK_URL)
    expect(page.locator("h1")).to_have_text(f"{step} · {title}")


def _decide(page, choice, opinion=""):
    """Pick a decision radio by its visible label, write an opinion, submit; ends back on the inbox."""
    page.get_by_role("radio", name=choice).check()
    if opinion:
        page.locator("#opinion").fill(opinion)
    page.locator("#task-form").get_by_role("button", name="提交", exact=True).click()
    page.wait_for_url(INBOX_URL)
    expect(_flash(page)).to_contain_text("已办理")


def test_item_goes_through_every_step_with_one_return(org, live_server, page):
    base = live_server

    # 1. 信息员 composes: a draft, an invalid submit, then a valid one.
    login(page, base, "writer_a")
    page.get_by_role("button", name="新建信息").click()
    page.wait_for_url(re.compile(r"/reports/compose\??$"))  # an empty form: nothing exists before the first save
    expect(page.locator("h1")).to_have_text("新建信息")
    page.locator("#title").fill(TITLE)
    page.locator("#body").fill(BODY)
    page.locator("#category").select_option("经济运行")
    expect(page.locator("#urgency")).to_have_value("normal")
    expect(page.locator("#importance")).to_have_value("general")
    page.locator("#secrecy").select_option("0")

    with page.expect_response(lambda r: r.request.method == "POST") as saved:
        page.get_by_role("button", name="保存草稿").click()
    assert saved.value.status == 302  # the first save created the item: on to its 采编 step
    page.wait_for_url(TASK_URL)
    task_url = page.url
    expect(page.locator("h1")).to_contain_text("采编")
    expect(_flash(page)).to_contain_text("草稿已保存")
    expect(page.locator("#title")).to_have_value(TITLE)
    expect(page.locator("#body")).to_have_value(BODY)
    expect(page.locator("#category")).to_have_value("经济运行")

    page.locator("#body").fill("")
    with page.expect_response(lambda r: r.request.method == "POST") as refused:
        page.get_by_role("button", name="提交审核").click()
    assert refused.value.status == 422
    expect(page.get_by_role("alert")).to_contain_text("表单填写有误")
    expect(page.locator("#body + .err")).to_contain_text("此项为必填项")
    expect(page.locator("#title + .err")).to_have_count(0)
    expect(page.locator("#title")).to_have_value(TITLE)
    expect(page.locator("#category")).to_have_value("经济运行")
    assert page.url == task_url

    page.locator("#body").fill(BODY)
    page.get_by_role("button", name="提交审核").click()
    page.wait_for_url(INBOX_URL)
    expect(_flash(page)).to_contain_text("“采编”已办理")
    expect(page.locator("#tasks")).not_to_contain_text(TITLE)
    logout(page)

    # 2. 办公室主任 returns it with an opinion.
    login(page, base, "verifier_a")
    _open_from_inbox(page, TITLE, "核实审核")
    expect(page.locator("#item-body")).to_have_text(BODY)
    _decide(page, "退回信息员", RETURN_OPINION)
    expect(page.locator("#tasks")).not_to_contain_text(TITLE)
    logout(page)

    # 3. 信息员 sees the return opinion, revises and resubmits.
    login(page, base, "writer_a")
    _open_from_inbox(page, TITLE, "采编")
    expect(page.locator("#return-opinion")).to_contain_text(RETURN_OPINION)
    expect(page.locator("#title")).to_have_value(TITLE)
    expect(page.locator("#body")).to_have_value(BODY)
    page.locator("#body").fill(BODY_REVISED)
    page.get_by_role("button", name="提交审核").click()
    page.wait_for_url(INBOX_URL)
    expect(_flash(page)).to_contain_text("已办理")
    logout(page)

    # 4. 办公室主任 passes it, 分管领导 signs it off.
    login(page, base, "verifier_a")
    _open_from_inbox(page, TITLE, "核实审核")
    expect(page.locator("#item-body")).to_have_text(BODY_REVISED)
    _decide(page, "通过", "情况属实")
    logout(page)

    login(page, base, "leader_a")
    _open_from_inbox(page, TITLE, "审签")
    _decide(page, "同意签发")
    logout(page)

    # 5. 上级编辑 in the city's information office adopts it into 汇要.
    login(page, base, "editor")
    _open_from_inbox(page, TITLE, "编辑处理")
    expect(page.locator("#item")).to_contain_text("a县委办公室")
    page.get_by_role("radio", name="采用", exact=True).check()
    page.locator("#publication").select_option("汇要")
    page.locator("#opinion").fill("予以采用")
    page.locator("#task-form").get_by_role("button", name="提交", exact=True).click()
    page.wait_for_url(INBOX_URL)
    expect(_flash(page)).to_contain_text("“编辑处理”已办理")
    expect(page.locator("#tasks")).not_to_contain_text(TITLE)
    logout(page)

    # 6. 信息员 reads the outcome, the feedback and the whole history on the item page.
    login(page, base, "writer_a")
    page.goto(f"{base}/reports/?scope=mine")
    page.locator("#items").get_by_role("link", name=TITLE).click()
    page.wait_for_url(re.compile(r"/reports/\d+$"))
    expect(page.locator("#item-status")).to_contain_text("已采用")
    feedback = page.locator("#item-feedback")
    expect(feedback).to_contain_text("汇要")
    expect(feedback).to_contain_text("予以采用")
    expect(page.locator("#item-body")).to_have_text(BODY_REVISED)
    history = page.locator("#history")
    for step in ("采编", "核实审核", "审签", "编辑处理"):
        expect(history).to_contain_text(f"「{step}」")
    returned = history.locator("li", has_text=RETURN_OPINION)
    expect(returned).to_have_count(1)
    expect(returned).to_contain_text("「核实审核」")
    expect(returned).to_contain_text("退回")
    expect(returned).to_contain_text("用户verifier_a")


def test_other_county_and_low_clearance_do_not_see_the_item(org, live_server, page):
    base = live_server
    public = new_item(org, title="公开信息：春耕进展顺利")
    org.users["writer_a"].clearance = 2  # nobody marks above their own clearance
    secret = new_item(org, title="秘密信息：不宜公开的情况", secrecy="2")
    item_url = f"{base}/reports/{public.id}"

    # The author sees the item page: the URL is right, so a refusal below is about access.
    login(page, base, "writer_a")
    response = page.goto(item_url)
    assert response.status == 200
    expect(page.locator("#item h2")).to_have_text("公开信息：春耕进展顺利")
    logout(page)

    # Another county's writer gets the Chinese not-found/forbidden page, without the title.
    login(page, base, "writer_b")
    response = page.goto(item_url)
    assert response.status in (403, 404)
    expect(page.locator("h1")).to_contain_text(str(response.status))
    expect(page.get_by_role("alert")).to_contain_text("无权")
    expect(page.locator("body")).not_to_contain_text("春耕进展顺利")
    logout(page)

    # A writer of the same county with clearance 0 lists the public item but not the secret one.
    login(page, base, "writer_a2")
    page.goto(f"{base}/reports/")
    items = page.locator("#items")
    expect(items.get_by_role("link", name="公开信息：春耕进展顺利")).to_be_visible()
    expect(items).not_to_contain_text("秘密信息")
    response = page.goto(f"{base}/reports/{secret.id}")
    assert response.status in (403, 404)
    expect(page.locator("body")).not_to_contain_text("不宜公开的情况")
