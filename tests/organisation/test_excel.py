"""Bulk import and export of units and users: the dry run lists every row's problems and writes nothing, a good
file imports all at once, an export imported again changes nothing, only the administrators may, and it is fast."""
import re
import time
from hashlib import sha256
from io import BytesIO

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from tests.audit.helpers import entries
from tests.web_helpers import login, once
from webapp.auth.models import Unit, User, UserRole
from webapp.extensions import db
from webapp.organisation.excel import UNIT_COLUMNS, USER_COLUMNS

BASE = "/admin/organisation"


def xlsx(units=(), users=(), unit_header=UNIT_COLUMNS, user_header=USER_COLUMNS):
    """A workbook as a person would fill the template (formulas stay formulas)."""
    book = Workbook(write_only=True)
    for name, header, rows in (("单位", unit_header, units), ("用户", user_header, users)):
        sheet = book.create_sheet(name)
        sheet.append(list(header))
        for row in rows:
            sheet.append(list(row))
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def upload(client, token, data, name="org.xlsx"):
    return client.post(f"{BASE}/import/check", data={"csrf_token": token, "file": (BytesIO(data), name)},
                       content_type="multipart/form-data")


def confirm(client, token, page, **extra):
    sha = re.search(r'name="sha256" value="([0-9a-f]{64})"', page.get_data(as_text=True))
    return client.post(f"{BASE}/import/confirm",
                       data={"csrf_token": token, "sha256": sha.group(1) if sha else "0" * 64, **once(), **extra})


def problems(response):
    """Row -> its problems, as the dry run's problem table shows them."""
    html = response.get_data(as_text=True)
    return {key: cells for key, cells in re.findall(r'<tr data-row="([^"]+)">.*?<td>([^<]*)</td></tr>', html)}


def table_state():
    """Every row of the organisation's tables, to prove nothing moved."""
    db.session.expire_all()
    return (sorted(db.session.execute(select(Unit.code, Unit.name, Unit.kind, Unit.function, Unit.parent_id))),
            sorted(db.session.execute(select(User.username, User.name, User.unit_id, User.clearance, User.mobile,
                                             User.email, User.password_hash))),
            sorted(db.session.execute(select(UserRole.user_id, UserRole.role))))


@pytest.fixture
def admin(app, org):
    client = app.test_client()
    return client, login(client, "admin")


@pytest.fixture
def secadmin(app, org):
    client = app.test_client()
    return client, login(client, "secadmin")


def test_a_file_with_errors_lists_every_row_and_changes_nothing(admin, org):
    client, token = admin
    before = table_state()
    units = [("new-a", "甲单位", "县（区）", "nowhere", ""),       # 2: unknown parent
             ("loop-1", "环一", "county", "loop-2", ""),          # 3: cycle
             ("loop-2", "环二", "county", "loop-1", ""),          # 4: cycle
             ("new-b", "", "星球", "city", ""),                   # 5: missing name, bad kind
             ("new-a", "甲单位重复", "county", "city", "")]        # 6: duplicate code
    users = [("u1", "用户一", "no-unit", "信息员", "公开", "", ""),                # 2: unknown unit
             ("u2", "用户二", "county-a", "信息员", "绝密", "", ""),               # 3: bad clearance
             ("u2", "用户二又", "county-a", "信息员", "", "", ""),                 # 4: duplicate username
             ("u3", "用户三", "county-a", "信息员、飞行员", "", "", ""),           # 5: unknown role
             ("u4", "=HYPERLINK(\"http://x\")", "county-a", "", "", "", ""),       # 6: formula
             ("u5", "长" * 65, "county-a", "", "", "", ""),                        # 7: too long
             ("u6", "用户六", "county-a", "writer", "秘密", "", ""),               # 8: clearance by the admin
             ("u7", "用户七", "county-a", "安全审计员", "", "", ""),               # 9: admin role by the admin
             ("", "无名", "county-a", "", "", "", ""),                             # 10: missing username
             ("WRITER_A", "大写", "county-a", "", "", "", "")]                     # 11: same as writer_a but case
    data = xlsx(units, users)
    response = upload(client, token, data)
    assert response.status_code == 200
    found = problems(response)
    assert "上级单位编码“nowhere”不存在" in found["单位-2"]
    assert "上级单位构成循环" in found["单位-3"] and "上级单位构成循环" in found["单位-4"]
    assert "单位名称不能为空" in found["单位-5"] and "类型“星球”无效" in found["单位-5"]
    assert "单位编码与第 2 行重复" in found["单位-6"]
    assert "单位编码“no-unit”不存在" in found["用户-2"]
    assert "密级“绝密”无效" in found["用户-3"]
    assert "用户名与第 3 行重复" in found["用户-4"]
    assert "未知角色“飞行员”" in found["用户-5"]
    assert "姓名含公式" in found["用户-6"]
    assert "姓名过长" in found["用户-7"]
    assert "密级须由安全保密管理员设置" in found["用户-8"]
    assert "管理员角色须由安全保密管理员授予" in found["用户-9"]
    assert "用户名不能为空" in found["用户-10"]
    assert "仅大小写不同" in found["用户-11"]
    assert len(found) == 15
    assert 'id="import-confirm"' not in response.get_data(as_text=True)
    # Confirming anyway (a forged post) imports nothing either.
    forced = client.post(f"{BASE}/import/confirm", data={"csrf_token": token, "sha256": sha256(data).hexdigest(),
                                                                  **once()})
    assert forced.status_code == 409
    assert table_state() == before


def test_a_good_file_imports_new_and_updated_rows(admin, org, app):
    client, token = admin
    units = [("city-new", "临江市新区管委会", "市直部门", "city", ""),
             ("city-new-info", "新区信息科", "内设机构", "city-new", "info"),
             ("county-a", "甲县委办公室（更名）", "县（区）", "city", "")]
    users = [("li", "李新", "city-new-info", "信息员、上级编辑", "公开", "13900000000", "li@example.gov.cn"),
             ("wang", "王新", "city-new", "writer,verifier", "", "", ""),
             ("writer_a", "信息员甲（改名）", "city-new", "", "", "", "")]
    data = xlsx(units, users)
    check = upload(client, token, data)
    html = check.get_data(as_text=True)
    assert problems(check) == {}
    assert "单位：新增 2 个，更新 1 个" in html and "用户：新增 2 个，更新 1 个" in html
    assert re.search(r"<td>writer_a</td><td>更新</td><td>姓名、单位编码</td>", html)
    before = table_state()
    assert before == table_state() and db.session.scalar(select(func.count()).select_from(User).filter_by(
        username="li")) == 0  # the dry run wrote nothing

    done = confirm(client, token, check)
    assert done.status_code == 200
    shown = dict(re.findall(r"<tr><td>(\w+)</td><td>[^<]*</td><td><code>([^<]+)</code></td></tr>",
                            done.get_data(as_text=True)))
    assert set(shown) == {"li", "wang"}
    db.session.expire_all()
    li = db.session.query(User).filter_by(username="li").one()
    assert (li.unit.code, li.unit.parent.code, li.roles, li.clearance, li.mobile) == (
        "city-new-info", "city-new", {"writer", "editor"}, 0, "13900000000")
    assert shown["li"] not in li.password_hash and li.check_password(shown["li"])
    writer_a = db.session.query(User).filter_by(username="writer_a").one()
    assert (writer_a.name, writer_a.unit.code, writer_a.roles, writer_a.clearance) == (
        "信息员甲（改名）", "city-new", {"writer"}, 1)  # empty roles and clearance: kept
    assert db.session.query(Unit).filter_by(code="county-a").one().name == "甲县委办公室（更名）"
    entry = entries(action="organisation.import")[0]
    assert entry.detail["sha256"] == sha256(data).hexdigest()
    assert (entry.detail["users_new"], entry.detail["units_new"], entry.detail["users_updated"]) == (2, 2, 1)
    # The new user signs in with the temporary password shown once.
    other = app.test_client()
    login_page = other.get("/login").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', login_page).group(1)
    assert other.post("/login", data={"username": "li", "password": shown["li"], "csrf_token": csrf}).status_code == 302
    # The same confirmation sent again creates nobody twice.
    again = confirm(client, token, check)
    assert again.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(User).filter_by(username="li")) == 1


def test_temporary_passwords_download_once(admin, org):
    client, token = admin
    check = upload(client, token, xlsx(users=[("zhao", "赵新", "county-b", "信息员", "", "", "")]))
    done = confirm(client, token, check, download="1")
    assert done.status_code == 200 and done.headers["Cache-Control"] == "private, no-store"
    sheet = load_workbook(BytesIO(done.data), read_only=True).active
    lines = [row for row in sheet.iter_rows(values_only=True)]
    zhao = db.session.query(User).filter_by(username="zhao").one()
    assert lines[1] == ("用户名", "姓名", "临时密码") and lines[2][0] == "zhao"
    assert zhao.check_password(lines[2][2])


def test_export_imported_again_changes_nothing(admin, org):
    client, token = admin
    org.users["writer_a"].mobile = "13800000001"
    org.users["editor"].email = "editor@example.gov.cn"
    db.session.commit()
    before = table_state()
    export = client.get(f"{BASE}/export.xlsx")
    assert export.status_code == 200
    book = load_workbook(BytesIO(export.data), read_only=True)
    users = {row[0]: row for row in book["用户"].iter_rows(min_row=2, values_only=True)}
    assert users["writer_a"][2:6] == ("county-a", "信息员", "内部", "13800000001")
    assert users["admin"][3] == "系统管理员"
    check = upload(client, token, export.data)
    assert problems(check) == {}
    assert "单位：新增 0 个，更新 0 个" in check.get_data(as_text=True)
    assert "用户：新增 0 个，更新 0 个" in check.get_data(as_text=True)
    assert confirm(client, token, check).status_code == 200
    assert table_state() == before


def test_the_security_administrator_imports_clearances_and_roles_only(secadmin, admin, org):
    client, token = secadmin
    users = [("writer_a", org.users["writer_a"].name, "county-a", "信息员、办公室主任", "秘密", "", ""),
             ("secadmin", "用户secadmin", "city", "安全保密管理员、信息员", "", "", ""),   # own roles
             ("leader_a", "改了名字", "county-a", "", "", "", ""),                          # not theirs
             ("newbie", "新人", "county-a", "", "", "", "")]                                # nor new users
    check = upload(client, token, xlsx(units=[("city-x", "新单位", "市", "", "")], users=users))
    found = problems(check)
    assert set(found) == {"单位-2", "用户-3", "用户-4", "用户-5"}
    assert "单位须由系统管理员维护" in found["单位-2"]
    assert "不能修改自己的角色" in found["用户-3"]
    assert "只能修改已有用户的密级和角色" in found["用户-4"] and "只能修改已有用户的密级和角色" in found["用户-5"]
    check = upload(client, token, xlsx(users=users[:1]))
    assert confirm(client, token, check).status_code == 200
    db.session.expire_all()
    writer_a = db.session.query(User).filter_by(username="writer_a").one()
    assert (writer_a.clearance, writer_a.roles) == (2, {"writer", "verifier"})
    assert entries(action="user.rights")[0].detail == {"username": "writer_a", "columns": ["角色", "密级"],
                                                       "clearance": 2, "roles": ["verifier", "writer"]}
    # The same change from the 系统管理员 is refused.
    admin_client, admin_token = admin
    lowered = upload(admin_client, admin_token, xlsx(users=[("writer_a", writer_a.name, "county-a", "", "内部",
                                                             "", "")]))
    assert "密级须由安全保密管理员设置" in problems(lowered)["用户-2"]


@pytest.mark.parametrize("username", ["writer_a", "editor", "dc", "leader_a", "principal_b"])
def test_only_the_administrators_may(app, org, username):
    client = app.test_client()
    token = login(client, username)
    before = table_state()
    for path in ("/import", "/template.xlsx", "/export.xlsx"):
        assert client.get(BASE + path).status_code in (403, 404)
    good = xlsx(users=[("intruder", "入侵者", "county-a", "", "", "", "")])
    assert upload(client, token, good).status_code in (403, 404)
    assert client.post(f"{BASE}/import/confirm", data={"csrf_token": token, "sha256": sha256(good).hexdigest(),
                                                       **once()}).status_code in (403, 404)
    assert table_state() == before
    anonymous = app.test_client()
    assert anonymous.get(f"{BASE}/import").status_code == 302


def test_hostile_files_are_refused_whole(admin, app):
    client, token = admin
    assert "只接受 .xlsx" in upload(client, token, b"id,name\n", name="org.csv").get_data(as_text=True)
    assert "不是 .xlsx" in upload(client, token, b"<html></html>").get_data(as_text=True)
    assert "无法读取" in upload(client, token, b"PK\x03\x04 broken").get_data(as_text=True)
    wrong = upload(client, token, xlsx(user_header=("用户名", "姓名")))
    assert wrong.status_code == 422 and "表头缺少列：单位编码" in wrong.get_data(as_text=True)
    rows = [(f"u{n}", f"用户{n}", "county-a", "", "", "", "") for n in range(5)]
    app.config["ORG_IMPORT_MAX_ROWS"] = 4
    app.config["ORG_IMPORT_MAX_UNPACKED_BYTES"] = 50_000
    try:
        assert "超过 4 行" in upload(client, token, xlsx(users=rows)).get_data(as_text=True)
        app.config["ORG_IMPORT_MAX_ROWS"] = 1_000_000
        # A small package that unpacks large: refused before openpyxl reads it.
        bomb = xlsx(users=[(f"u{n}", "0" * 60, "county-a", "", "", "", "") for n in range(1000)])
        assert len(bomb) < 50_000
        assert "解压后过大" in upload(client, token, bomb).get_data(as_text=True)
    finally:
        app.config.pop("ORG_IMPORT_MAX_ROWS")
        app.config.pop("ORG_IMPORT_MAX_UNPACKED_BYTES")


def test_twenty_thousand_users_import_within_a_minute(admin, org):
    client, token = admin
    units = [(f"bulk-{n}", f"批量单位{n}", "乡镇（街道）", "county-a" if n % 2 else "county-b", "")
             for n in range(200)]
    users = [(f"bulk{n:05d}", f"批量用户{n}", f"bulk-{n % 200}", "信息员" if n % 3 else "信息员、办公室主任",
              "", f"139{n:08d}", "") for n in range(20_000)]
    data = xlsx(units, users)
    users_before = db.session.scalar(select(func.count()).select_from(User))
    started = time.monotonic()
    check = upload(client, token, data)
    assert problems(check) == {}
    done = confirm(client, token, check)
    elapsed = time.monotonic() - started
    assert done.status_code == 200
    assert db.session.scalar(select(func.count()).select_from(User)) == users_before + 20_000
    assert db.session.scalar(select(func.count()).select_from(UserRole).where(UserRole.role == "verifier")) >= 6667
    assert elapsed < 60, f"20,000 users took {elapsed:.1f} s"
