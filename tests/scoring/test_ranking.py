"""The month's figures, score and rank of each unit, hand-computed on a small generated data set."""
from datetime import date

import pytest

from tests.scoring.helpers import adopted, at, decide, fault, submitted_item
from webapp.commissions.models import Commission, CommissionTarget
from webapp.core import clock
from webapp.extensions import db
from webapp.scoring import operations, queries
from webapp.scoring.models import ItemInstruction

MARCH, APRIL, MAY = date(2026, 3, 1), date(2026, 4, 1), date(2026, 5, 1)


def _rank(org, month):
    ranking = queries.month_ranking(org.units["city-info"], month)
    return {row.unit.code: row for row in ranking.rows}


def _instruction(org, item, level, on):
    operations.record_instruction(item, {"leader_name": "省委副书记 李某", "leader_level": level,
                                         "text": "请有关部门认真研究，推广经验。", "instructed_on": on},
                                  org.users["editor"])
    db.session.commit()


@pytest.fixture
def march(org):
    """county-a: three items submitted in March, one adopted into 汇要 (with a provincial 批示), one 报忧 item
    adopted into 专报 at 23:30 on 31 March, one adopted into 内参 at 00:10 on 1 April (an April adoption).
    county-b: one rejected, one adopted into 汇要, a 漏报 and a 约稿 it never answered."""
    a1 = adopted(org, "a", "2026-03-05 10:00", "2026-03-05 15:00", "汇要")
    adopted(org, "a", "2026-03-31 23:00", "2026-03-31 23:30", "专报", problem_report="1")
    late_in_month = submitted_item(org, "a", "2026-03-31 23:50")
    decide(org, late_in_month, "2026-04-01 00:10", "adopt", "内参")
    decide(org, submitted_item(org, "b", "2026-03-10 09:00"), "2026-03-11 09:00", "reject")
    adopted(org, "b", "2026-03-12 09:00", "2026-03-12 11:00", "汇要")
    at("2026-04-02 09:00")
    _instruction(org, a1, "provincial", "2026-03-20")
    fault(org, "b", "missed", "2026-03-15T08:00")
    commission = Commission(issuing_unit_id=org.units["city-info"].id, topic="春耕备耕", due_dt=clock.now(),
                            created_by_id=org.users["editor"].id, created_dt=clock.now())
    commission.due_dt = commission.due_dt.replace(year=2026, month=3, day=25)
    db.session.add(commission)
    db.session.flush()
    db.session.add(CommissionTarget(commission_id=commission.id, unit_id=org.units["county-b"].id))
    db.session.commit()
    return org


def test_march_figures_scores_and_ranks(march):
    rows = _rank(march, MARCH)
    a, b = rows["county-a"], rows["county-b"]
    assert (a.submitted, a.adopted, a.adopted_total, a.problem_adopted, a.instructions) == (
        3, {"汇要": 1, "专报": 1}, 2, 1, {"provincial": 1})
    assert a.adoption_rate == pytest.approx(2 / 3)
    assert a.score == 4 + 6 + 2 + 10  # 汇要, 专报, the 报忧 bonus, a provincial 批示
    assert (b.submitted, b.adopted, b.missed, b.commission_missed) == (2, {"汇要": 1}, 1, 1)
    assert b.adoption_rate == pytest.approx(0.5)
    assert b.score == 4 - 5 - 2
    assert (a.rank, b.rank) == (1, 2)


def test_the_month_boundary_is_midnight_in_shanghai(march):
    rows = _rank(march, APRIL)
    assert rows["county-a"].adopted == {"内参": 1} and rows["county-a"].submitted == 0
    assert rows["county-a"].adoption_rate is None
    assert rows["county-a"].score == 5


def test_equal_scores_share_a_rank_and_a_concealed_report_vetoes(march):
    rows = _rank(march, MAY)
    assert [r.rank for r in rows.values()] == [1, 1]
    at("2026-05-20 10:00")
    fault(march, "a", "concealed", "2026-05-10T08:00")
    rows = _rank(march, MAY)
    assert (rows["county-a"].veto, rows["county-a"].rank, rows["county-a"].score) == (True, None, -10)
    assert rows["county-b"].rank == 1
    table = queries.table_rows(queries.month_ranking(march.units["city-info"], MAY))
    assert table[-1][0] == "—" and "一票否决" in table[-1][-1]


def test_a_new_version_scores_from_its_date(org):
    adopted(org, "a", "2026-03-05 10:00", "2026-03-05 11:00", "汇要")
    adopted(org, "a", "2026-03-20 10:00", "2026-03-20 11:00", "汇要")
    at("2026-03-06 09:00")
    values = {"effective_from": "2026-03-16", "comment": "汇要加分提高", "veto_concealed": "1"}
    values.update({f"{g}.{k}": str(v) for g, entries in queries.DEFAULT_RULES.items() if isinstance(entries, dict)
                   for k, v in entries.items()})
    values["adoption.汇要"] = "10"
    operations.save_version(values, org.users["admin"])
    db.session.commit()
    assert _rank(org, MARCH)["county-a"].score == 4 + 10
    assert [v.id is None for v in queries.month_ranking(org.units["city-info"], MARCH).versions] == [True, False]


def test_a_saved_version_is_checked(org):
    with pytest.raises(Exception) as excinfo:
        operations.save_version({"effective_from": "2026-03-16", "adoption.汇要": "多"}, org.users["admin"])
    fields = excinfo.value.fields
    assert fields["adoption.汇要"] == ["请填写数字"] and fields["penalty.late"] == ["此项为必填项"]
    assert db.session.query(ItemInstruction).count() == 0
