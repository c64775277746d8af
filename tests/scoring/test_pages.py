"""The ranking page, publishing the circular, who reads it, the scoring table's versions, 批示 on an item."""
import re

from tests.exports import read_back, screen_table
from tests.scoring.helpers import adopted, at
from tests.web_helpers import login, once
from webapp.extensions import db
from webapp.notices.models import Notice
from webapp.scoring.models import Circular, ItemInstruction, ScoringVersion


def _march(org):
    item = adopted(org, "a", "2026-03-05 10:00", "2026-03-05 15:00", "专报")
    adopted(org, "b", "2026-03-06 10:00", "2026-03-06 15:00", "汇要")
    return item


def _cells(html, table_id="ranking-table"):
    body = html.split(f'id="{table_id}"', 1)[1].split("</table>", 1)[0]
    return [re.findall(r"<td>(.*?)</td>", row) for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)[1:]]


def test_the_editor_sees_the_ranking_and_publishes_it_once(app, client, org):
    _march(org)
    at("2026-04-02 09:00")
    token = login(client, "editor")
    page = client.get("/scoring/").get_data(as_text=True)  # opens on last month
    assert "2026年03月" in page and 'id="publish-circular"' in page
    assert [row[:3] for row in _cells(page)] == [["1", "a县委办公室", "1"], ["2", "b县委办公室", "1"]]
    response = client.post("/scoring/circulars", data={"csrf_token": token, **once(), "month": "2026-03",
                                                       "remark": "请各单位对标先进。"})
    assert response.status_code == 302
    circular = db.session.query(Circular).one()
    assert circular.rows["rows"][0][1] == "a县委办公室" and circular.rows["rows"][0][-2] == 6
    told = {(n.unit_id, n.role) for n in db.session.query(Notice).filter(Notice.title.like("%信息工作通报"))}
    assert (org.units["county-b"].id, "writer") in told and (org.units["county-a"].id, "leader") in told
    again = client.post("/scoring/circulars", data={"csrf_token": token, **once(), "month": "2026-03"})
    assert again.status_code == 409 and "不能重复发布" in again.get_data(as_text=True)
    assert db.session.query(Circular).count() == 1


def test_a_published_circular_stays_as_published(app, client, org):
    item = _march(org)
    at("2026-04-02 09:00")
    token = login(client, "editor")
    client.post("/scoring/circulars", data={"csrf_token": token, **once(), "month": "2026-03"})
    circular = db.session.query(Circular).one()
    client.post(f"/scoring/items/{item.id}/instructions", data={
        "csrf_token": token, **once(), "leader_name": "市委书记 周某", "leader_level": "city", "text": "很好，推广。",
        "instructed_on": "2026-03-30"})
    assert db.session.query(ItemInstruction).count() == 1
    live = _cells(client.get("/scoring/?month=2026-03").get_data(as_text=True))
    published = _cells(client.get(f"/scoring/circulars/{circular.id}").get_data(as_text=True))
    assert live[0][-2] == "11" and published[0][-2] == "6"  # the live ranking moved on; the circular did not


def test_every_export_equals_the_screen(app, client, org):
    _march(org)
    at("2026-04-02 09:00")
    token = login(client, "editor")
    page = client.get("/scoring/?month=2026-03").get_data(as_text=True)
    live = client.get("/scoring/ranking.xlsx?month=2026-03")
    assert live.mimetype.endswith("spreadsheetml.sheet") and "filename*=UTF-8''" in live.headers["Content-Disposition"]
    title, header, rows = read_back(live.data)
    assert "2026年03月信息工作情况通报" in title
    assert (header, rows) == screen_table(page, "ranking-table")
    client.post("/scoring/circulars", data={"csrf_token": token, **once(), "month": "2026-03"})
    circular = db.session.query(Circular).one()
    page = client.get(f"/scoring/circulars/{circular.id}").get_data(as_text=True)
    _title, header, rows = read_back(client.get(f"/scoring/circulars/{circular.id}.xlsx").data)
    assert (header, rows) == screen_table(page, "ranking-table") and rows[0][1] == "a县委办公室"


def test_a_unit_reads_the_circular_and_finds_its_own_line(app, client, org):
    _march(org)
    at("2026-04-02 09:00")
    editor = app.test_client()
    token = login(editor, "editor")
    editor.post("/scoring/circulars", data={"csrf_token": token, **once(), "month": "2026-03"})
    circular = db.session.query(Circular).one()
    login(client, "writer_b")
    assert "信息工作情况通报" in client.get("/scoring/").get_data(as_text=True)
    page = client.get(f"/scoring/circulars/{circular.id}").get_data(as_text=True)
    rows = re.findall(r'(<tr class="[^"]*">)<td>[^<]*</td><td>([^<]*)</td>', page)
    row_tags = {name: tag for tag, name in rows}
    assert "own" in row_tags["b县委办公室"] and "own" not in row_tags["a县委办公室"]
    assert client.get("/scoring/ranking.pdf?month=2026-03").status_code == 403  # the live ranking is the office's
    pdf = client.get(f"/scoring/circulars/{circular.id}.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF") and pdf.mimetype == "application/pdf"


def test_the_current_month_cannot_be_published(app, client, org):
    at("2026-03-20 09:00")
    token = login(client, "editor")
    response = client.post("/scoring/circulars", data={"csrf_token": token, **once(), "month": "2026-03"})
    assert response.status_code == 409 and "本月尚未结束" in response.get_data(as_text=True)


def test_only_the_adopting_editor_records_a_instruction_and_the_form_is_checked(app, client, org):
    item = _march(org)
    token = login(client, "writer_a")
    response = client.post(f"/scoring/items/{item.id}/instructions",
                           data={"csrf_token": token, **once(), "leader_name": "某"})
    assert response.status_code == 403
    editor = app.test_client()
    token = login(editor, "editor")
    response = editor.post(f"/scoring/items/{item.id}/instructions", data={
        "csrf_token": token, **once(), "leader_name": "市委书记 周某", "leader_level": "city", "text": "短",
        "instructed_on": "2030-01-01"})
    page = editor.get(response.headers["Location"]).get_data(as_text=True)
    assert "批示内容应为2到5000字" in page and "批示日期不能晚于今天" in page
    assert db.session.query(ItemInstruction).count() == 0


def test_an_admin_saves_a_version_from_a_date_but_not_into_a_published_month(app, client, org):
    _march(org)
    at("2026-04-02 09:00")
    editor = app.test_client()
    editor.post("/scoring/circulars", data={"csrf_token": login(editor, "editor"), **once(), "month": "2026-03"})
    token = login(client, "admin")
    form = client.get("/scoring/rules").get_data(as_text=True)
    assert 'value="4"' in form and "系统默认" in form
    values = {"csrf_token": token, "comment": "加大专报分值", "veto_concealed": "1", "effective_from": "2026-03-15"}
    groups = "adoption|instruction|forwarded|penalty|bonus"
    values.update(dict(re.findall(rf'name="((?:{groups})\.[^"]+)" value="([^"]*)"', form)))
    values["adoption.专报"] = "8"
    refused = client.post("/scoring/rules", data={**values, **once()})
    assert refused.status_code == 422 and "2026年03月的通报已发布" in refused.get_data(as_text=True)
    values["effective_from"] = "2026-04-01"
    assert client.post("/scoring/rules", data={**values, **once()}).status_code == 302
    version = db.session.query(ScoringVersion).one()
    assert version.rules["adoption"]["专报"] == 8 and version.author.username == "admin"
    assert editor.get("/scoring/rules").status_code == 403
