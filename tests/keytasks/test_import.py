"""Excel import of a ledger: a 38-item ledger in 8 areas, every row's problems in Chinese, all or nothing."""
import re
from hashlib import sha256
from io import BytesIO

import pytest
from openpyxl import Workbook, load_workbook

from tests.audit.helpers import entries
from tests.keytasks.helpers import more_units
from tests.web_helpers import login, once
from webapp.extensions import db
from webapp.keytasks import operations
from webapp.keytasks.excel import COLUMNS, SHEET
from webapp.keytasks.models import KeyTask, KeyTaskArea, KeyTaskMilestone

AREAS = ("经济发展", "改革开放", "乡村振兴", "城市建设", "生态环保", "民生保障", "社会治理", "党的建设")


def ledger_rows():
    """38 tasks in 8 areas (5 each, the last two 4 each), led in turn by the four counties, given by name or code."""
    rows, number = [], 0
    for index, area in enumerate(AREAS):
        for _ in range(5 if index < 6 else 4):
            number += 1
            lead = "abcd"[number % 4]
            rows.append([area, str(number), f"{area}重点任务第{number}项", "副市长 张某",
                         f"{lead}县委办公室" if number % 2 else f"county-{lead}",
                         "" if lead == "b" else "b县委办公室、county-c" if lead != "c" else "b县委办公室",
                         f"完成第{number}项年度目标", "2026-06-30 完成方案；2026-12-31 全面完成"])
    return rows


def xlsx(rows, header=COLUMNS):
    book = Workbook(write_only=True)
    sheet = book.create_sheet(SHEET)
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    out = BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
def dc(app, org):
    more_units(org)
    ledger = operations.create_ledger(org.users["dc"], {"year": 2026, "title": "市委重点工作任务",
                                                        "checkpoint_mode": "half_year"})
    db.session.commit()
    client = app.test_client()
    return client, login(client, "dc"), ledger.id


def upload(client, token, ledger_id, data):
    return client.post(f"/keytasks/{ledger_id}/import/check", data={"csrf_token": token,
                                                                   "file": (BytesIO(data), "台账.xlsx")},
                       content_type="multipart/form-data")


def confirm(client, token, ledger_id, page):
    sha = re.search(r'name="sha256" value="([0-9a-f]{64})"', page.get_data(as_text=True))
    return client.post(f"/keytasks/{ledger_id}/import/confirm",
                       data={"csrf_token": token, "sha256": sha.group(1) if sha else "0" * 64, **once()})


def problems(response):
    html = response.get_data(as_text=True)
    return dict(re.findall(r'<tr data-row="(\d+)">.*?<td>([^<]*)</td></tr>', html))


def counts():
    db.session.expire_all()
    return (db.session.query(KeyTask).count(), db.session.query(KeyTaskArea).count(),
            db.session.query(KeyTaskMilestone).count())


def test_the_template_downloads_with_the_columns(dc):
    client, _token, _ledger_id = dc
    response = client.get("/keytasks/template.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.data))[SHEET]
    assert [c.value for c in sheet[1]] == list(COLUMNS)


def test_a_38_item_ledger_in_8_areas_imports_at_once(dc):
    client, token, ledger_id = dc
    page = upload(client, token, ledger_id, xlsx(ledger_rows()))
    assert page.status_code == 200 and "文件共 38 项重点任务，8 个领域" in page.get_data(as_text=True)
    assert counts() == (0, 0, 0)  # the dry run writes nothing
    done = confirm(client, token, ledger_id, page)
    assert done.status_code == 302 and done.headers["Location"].endswith(f"/keytasks/{ledger_id}")
    assert counts() == (38, 8, 76)
    (entry,) = entries(action="keytasks.import")  # one entry for the import, none per task
    assert entry.action_label == "导入督查台账" and "38 项（8 个领域）" in entry.summary
    assert not entries(action="keytasks.task.add")
    areas = [a.name for a in db.session.query(KeyTaskArea).order_by(KeyTaskArea.position)]
    assert areas == list(AREAS)
    task = db.session.query(KeyTask).filter_by(number="6").one()
    assert task.area.name == "改革开放" and task.lead_unit.code == "county-c"
    assert len(task.cooperating_unit_ids) == 1  # county-c leads: b only
    page = client.get(f"/keytasks/{ledger_id}").get_data(as_text=True)
    assert page.count('data-task-number="') == 38 and page.count('class="kt-area"') == 8


def test_every_row_problem_is_listed_and_nothing_is_imported(dc):
    client, token, ledger_id = dc
    rows = ledger_rows()
    rows[3][1] = "1"  # row 5: a number used on row 2
    rows[6][4] = "不存在的单位"  # row 8
    rows[9][7] = "六月底 完成方案"  # row 11: no date
    rows[12][3] = ""  # row 14: no leader
    rows[15][2] = "=A1"  # row 17: a formula
    rows[20][5] = rows[20][4]  # row 22: the lead unit cooperates with itself
    rows[24][4] = "市委办信息科"  # row 26: nobody there could report
    data = xlsx(rows)
    page = upload(client, token, ledger_id, data)
    assert page.status_code == 200
    found = problems(page)
    assert set(found) == {"5", "8", "11", "14", "17", "22", "26"}
    assert "序号与第 2 行重复" in found["5"]
    assert "牵头单位“不存在的单位”不存在" in found["8"]
    assert "应写成“日期 内容”" in found["11"]
    assert "责任领导不能为空" in found["14"]
    assert "重点任务含公式" in found["17"]
    assert "牵头单位不能同时作为配合单位" in found["22"]
    assert "没有在岗的承办人" in found["26"]
    assert 'id="import-confirm"' not in page.get_data(as_text=True)
    # a confirm forged for the checked file is refused: it is checked again, whole
    refused = client.post(f"/keytasks/{ledger_id}/import/confirm",
                          data={"csrf_token": token, "sha256": sha256(data).hexdigest(), **once()})
    assert refused.status_code == 409 and counts() == (0, 0, 0)


def test_a_change_after_the_dry_run_imports_nothing(dc, org):
    client, token, ledger_id = dc
    page = upload(client, token, ledger_id, xlsx(ledger_rows()))
    assert 'id="import-confirm"' in page.get_data(as_text=True)
    from webapp.keytasks.models import KeyTaskLedger

    operations.add_task(db.session.get(KeyTaskLedger, ledger_id), {
        "area": "经济发展", "number": "7", "title": "页面上新增的任务", "leader_name": "副市长 李某",
        "lead_unit_id": org.units["county-a"].id, "cooperating_unit_ids": []}, org.users["dc"])
    db.session.commit()
    refused = confirm(client, token, ledger_id, page)
    assert refused.status_code == 409
    assert "序号“7”已在本台账中使用" in refused.get_data(as_text=True)
    assert counts() == (1, 1, 0)


@pytest.mark.parametrize("data, words", [
    (b"not a zip", "文件内容不是 .xlsx 文件"),
    (None, "表头缺少列"),
])
def test_unfit_files_are_refused_whole(dc, data, words):
    client, token, ledger_id = dc
    data = data if data is not None else xlsx([], header=COLUMNS[:3])
    response = upload(client, token, ledger_id, data)
    assert response.status_code == 422 and words in response.get_data(as_text=True)
