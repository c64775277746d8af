"""The hash chain: `flask audit verify` passes an intact log and names the first entry changed, missing or unlinked."""
import pytest

from tests.audit.helpers import entries, sql, verify_cli
from webapp import audit
from webapp.audit.chain import chain_hash, check, verify
from webapp.extensions import db


def append(count, start=1):
    """`count` entries, one commit each, as the system."""
    for n in range(start, start + count):
        audit.record("test.append", summary=f"第 {n} 次记录", detail={"n": n, "值": [n, n / 2, None, "≥"]})
        db.session.commit()


@pytest.fixture
def log(app, org):
    append(6)
    assert verify_cli(app) == (0, "审计日志完整：6 条\n")
    return entries()


def test_an_empty_log_is_intact(app):
    assert verify_cli(app) == (0, "审计日志完整：0 条\n")


def test_a_changed_summary_is_named(app, log):
    sql("UPDATE audit_entries SET summary = '已被改写' WHERE seq = 3")
    code, output = verify_cli(app)
    assert code == 1 and f"第 3 条记录（id {log[2].id}）的内容被改动" in output and "此前 2 条完整" in output


def test_a_changed_detail_is_named(app, log):
    db.session.query(type(log[0])).filter_by(seq=5).update({"detail": {"n": 50}})
    db.session.commit()
    code, output = verify_cli(app)
    assert code == 1 and "第 5 条记录" in output and "内容被改动" in output


def test_a_deleted_entry_is_named_as_the_gap(app, log):
    sql("DELETE FROM audit_entries WHERE seq = 4")
    code, output = verify_cli(app)
    assert code == 1 and "第 4 条记录缺失（其后的记录从第 5 条开始）" in output


def test_a_rewritten_entry_with_a_recomputed_hash_breaks_the_next_link(app, log):
    third = log[2]
    fields = {column: getattr(third, column) for column in ("seq", "event_dt", "user_id", "username", "user_name",
                                                            "role", "unit_id", "unit_name", "ip", "action",
                                                            "target_type", "target_id", "detail")}
    fields["summary"] = "伪造的内容"
    sql("UPDATE audit_entries SET summary = :summary, hash = :hash WHERE seq = 3", summary=fields["summary"],
        hash=chain_hash(third.prev_hash, fields))
    code, output = verify_cli(app)
    assert code == 1 and "第 4 条记录" in output and "链接断开" in output


def test_a_deleted_last_entry_is_found_through_the_head(app, log):
    sql("DELETE FROM audit_entries WHERE seq = 6")
    code, output = verify_cli(app)
    assert code == 1 and "第 6 条至第 6 条记录缺失" in output


@pytest.mark.parametrize("statement, message", [
    ("UPDATE audit_head SET last_hash = 'ffff'", "链尾记录（audit_head）与第 6 条记录的哈希不符"),
    ("DELETE FROM audit_head", "链尾记录（audit_head）缺失"),
])
def test_a_tampered_head_is_named(app, log, statement, message):
    sql(statement)
    code, output = verify_cli(app)
    assert code == 1 and message in output


def test_a_head_moved_back_over_the_last_entry_is_named(app, log):
    sql("UPDATE audit_head SET last_seq = 5, last_hash = :hash", hash=log[4].hash)
    code, output = verify_cli(app)
    assert code == 1 and "第 6 条起的记录不在链尾记录（audit_head）之内" in output


def test_verify_reads_in_pages_and_finds_the_break_on_a_later_page(app, org):
    append(11)
    assert check(page_size=2).count == 11
    sql("UPDATE audit_entries SET target_id = 'x' WHERE seq = 8")
    broken = verify(page_size=2)
    assert (broken.seq, broken.reason) == (8, "changed")


def test_appends_go_on_after_a_verify(app, log):
    append(2, start=7)
    assert [e.seq for e in entries()] == list(range(1, 9))
    assert verify_cli(app) == (0, "审计日志完整：8 条\n")
