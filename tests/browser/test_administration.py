"""系统管理 in a real browser: a clearance raised by the 安全保密管理员 opens a secret item, the 安全审计员 sees both;
an import with errors changes nothing; a moved user's claimed step is back in the group's 待办."""
import io
import re

from openpyxl import Workbook
from playwright.sync_api import expect

from tests.browser.conftest import login, logout
from tests.helpers import new_item, open_task
from webapp.auth.models import Unit, User
from webapp.engine import verbs
from webapp.extensions import db

SECRET = "秘密信息：矿区安全隐患排查情况"


def test_a_raised_clearance_opens_the_secret_item_and_the_auditor_sees_both(org, live_server, page):
    org.users["writer_a"].clearance = 2
    db.session.commit()
    item = new_item(org, title=SECRET, secrecy="2")
    reader = org.users["writer_a2"]  # same unit, clearance 公开

    login(page, live_server, "writer_a2")
    assert page.goto(f"{live_server}/reports/{item.id}").status == 404
    logout(page)

    login(page, live_server, "secadmin")
    page.goto(f"{live_server}/admin/security/users/{reader.id}")
    page.locator("#clearance").select_option(label="秘密")
    page.locator("#grant button").click()
    expect(page.get_by_role("status")).to_be_visible()
    logout(page)

    login(page, live_server, "writer_a2")  # the grant ended the old sessions: a fresh login
    page.goto(f"{live_server}/reports/{item.id}")
    expect(page.locator("#item h2")).to_have_text(SECRET)
    logout(page)

    login(page, live_server, "auditor")
    page.goto(f"{live_server}/admin/audit/")
    log = page.locator("main")
    expect(log).to_contain_text("授权与密级")
    expect(log).to_contain_text(f"查看秘密事项：{SECRET}")


def _bad_file():
    book = Workbook()
    units = book.active
    units.title = "单位"
    units.append(["单位编码", "单位名称", "类型", "上级单位编码", "职能"])
    units.append(["new-unit", "新设单位", "county", "no-such-parent", ""])
    users = book.create_sheet("用户")
    users.append(["用户名", "姓名", "单位编码", "角色", "密级", "手机", "邮箱"])
    users.append(["newcomer", "新来的人", "county-a", "信息员", "绝密", "", ""])
    users.append(["writer_a", "重名的人", "nowhere", "信息员", "", "", ""])
    data = io.BytesIO()
    book.save(data)
    return data.getvalue()


def test_an_import_with_errors_lists_them_and_changes_nothing(org, live_server, page):
    before = (db.session.query(User).count(), db.session.query(Unit).count())
    login(page, live_server, "admin")
    page.goto(f"{live_server}/admin/organisation/import")
    page.locator("#import-upload input[type=file]").set_input_files(
        files=[{"name": "org.xlsx", "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "buffer": _bad_file()}])
    page.locator("#import-upload button").click()
    body = page.locator("main")
    expect(body).to_contain_text("no-such-parent")
    expect(body).to_contain_text("绝密")
    expect(body).to_contain_text("nowhere")
    expect(page.get_by_role("button", name=re.compile("确认导入"))).to_have_count(0)
    db.session.expire_all()
    assert (db.session.query(User).count(), db.session.query(Unit).count()) == before


def test_a_moved_users_claimed_step_is_back_in_the_groups_inbox(org, live_server, page):
    org.user("verifier_a2", "county-a", ["verifier"])
    db.session.commit()
    item = new_item(org, title="春耕进展：已签收后调动")
    row = open_task(item.instance_id)
    verbs.claim(row.id, org.users["verifier_a"])
    db.session.commit()

    login(page, live_server, "verifier_a2")
    expect(page.locator("main")).not_to_contain_text("春耕进展：已签收后调动")
    logout(page)

    login(page, live_server, "admin")
    page.goto(f"{live_server}/admin/users/{org.users['verifier_a'].id}")
    expect(page.locator("main")).to_contain_text("春耕进展：已签收后调动")  # the page lists the step first
    page.locator("#unit_id").select_option(value=str(org.units["county-b"].id))
    page.locator("#edit-user button").click()
    expect(page.get_by_role("status")).to_be_visible()
    logout(page)

    login(page, live_server, "verifier_a2")
    expect(page.locator("main")).to_contain_text("春耕进展：已签收后调动")
