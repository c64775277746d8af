"""督查通报 of the July checkpoint: its figures counted by hand, the Excel equal to the screen, frozen once
published while the data moves on."""
from io import BytesIO

from openpyxl import load_workbook

from tests.helpers import act
from tests.keytasks.helpers import (
    PROGRESS,
    contribute,
    ledger_with_tasks,
    local,
    more_units,
    report_of,
    start_july,
    travel_to,
)
from tests.web_helpers import once, page_doc, signed_in, text_of
from webapp.extensions import db
from webapp.notices.models import Notice

BY_AREA = [["经济发展", "2", "2", "0", "0", "0", "0", "0", "1", "1"],
           ["民生保障", "2", "1", "0", "1", "0", "1", "0", "2", "0"],
           ["合计", "4", "3", "0", "1", "0", "1", "0", "3", "1"]]
BY_UNIT = [["a县委办公室", "1", "1", "0", "0", "0", "0", "0", "1", "0"],
           ["b县委办公室", "1", "1", "0", "0", "0", "0", "0", "0", "1"],
           ["c县委办公室", "1", "0", "0", "1", "0", "0", "0", "1", "0"],
           ["d县委办公室", "1", "1", "0", "0", "0", "1", "0", "1", "0"],
           ["合计", "4", "3", "0", "1", "0", "1", "0", "3", "1"]]


def _july(org):
    """a on time and accepted, b on time and completed, c never reported, d on time but returned."""
    more_units(org)
    ledger, (t_a, t_b, t_c, t_d) = ledger_with_tasks(org)
    travel_to(local("2026-07-01 09:00:00"))
    start_july(org, ledger)
    for n, task, decision in (("a", t_a, "accept"), ("b", t_b, "complete"), ("d", t_d, "return")):
        report = report_of(task)
        if n == "a":
            contribute(org, report, "handler_b")  # county-b cooperates on task 1
        act(org, f"handler_{n}", report.instance_id, PROGRESS)
        act(org, f"leader_{n}", report.instance_id, {"decision": "sign"})
        act(org, "dc", report.instance_id, {"decision": decision, "opinion": "请补充。", "return_reasons":
                                            ["no_measures"] if decision == "return" else []})
    travel_to(local("2026-07-11 09:00:00"))
    return ledger, t_c


def _tables(doc):
    return [[[text_of(td) for td in tr.xpath("td")] for tr in table.xpath(".//tbody/tr")]
            for table in doc.xpath("//table[contains(@class, 'kt-circular')]")]


def test_the_july_circular_counts_by_hand_and_freezes_when_published(app, org):
    ledger, t_c = _july(org)
    url = f"/keytasks/{ledger.id}/circular?checkpoint=2026-07-10"
    client, token = signed_in(app, "dc")
    assert _tables(page_doc(client.get(url))) == [BY_AREA, BY_UNIT]

    book = load_workbook(BytesIO(client.get(f"/keytasks/{ledger.id}/circular.xlsx?checkpoint=2026-07-10").data))
    sheets = [[[str(c) for c in row] for row in book[name].iter_rows(values_only=True)] for name in ("分领域",
                                                                                                  "分牵头单位")]
    assert [sheet[1:] for sheet in sheets] == [BY_AREA, BY_UNIT]  # the header line, then the screen's rows

    done = client.post(f"/keytasks/{ledger.id}/circulars", data={"csrf_token": token, "checkpoint": "2026-07-10",
                                                                "remark": "c县逾期未报，予以通报。", **once()})
    assert done.status_code == 302
    assert db.session.query(Notice).filter(Notice.title.contains("督查通报已发布")).count() == 8  # 4 units × 2 roles

    act(org, "handler_c", report_of(t_c).instance_id, PROGRESS)  # the data moves on: the circular does not
    doc = page_doc(client.get(url))
    assert _tables(doc) == [BY_AREA, BY_UNIT]
    assert "c县逾期未报" in text_of(doc.xpath("//div[@id='circular-remark']")[0])
    assert not doc.xpath("//form[@id='publish-circular']")
    again = client.post(f"/keytasks/{ledger.id}/circulars", data={"csrf_token": token, "checkpoint": "2026-07-10",
                                                                 **once()})
    assert again.status_code == 422 and "已发布" in again.get_data(as_text=True)


def test_only_the_desk_reads_the_circular(app, org):
    more_units(org)
    ledger, _tasks = ledger_with_tasks(org)
    leader, token = signed_in(app, "city_leader")
    assert leader.get(f"/keytasks/{ledger.id}/circular").status_code == 200
    assert leader.post(f"/keytasks/{ledger.id}/circulars", data={"csrf_token": token,
                                                                "checkpoint": "2026-07-10"}).status_code == 403
    unit, _token = signed_in(app, "handler_a")
    assert unit.get(f"/keytasks/{ledger.id}/circular").status_code == 404
    assert unit.get(f"/keytasks/{ledger.id}/circular?checkpoint=2026-07-11").status_code == 404
    dc, _token = signed_in(app, "dc")
    assert dc.get(f"/keytasks/{ledger.id}/circular?checkpoint=2026-07-11").status_code == 404
