"""Cursor pagination of /api/v1's lists: keyset walks that never repeat or skip a row when rows come and go between
pages (the inbox's part on top included), tamper-checked cursors refused in Chinese, `next_cursor` null at the end."""
import base64
import json
import random
import zlib
from datetime import timedelta

import pytest

from tests.emergencies.helpers import report
from webapp.api import cursors, tokens
from webapp.cases.operations import register_case
from webapp.core import clock
from webapp.engine.models import HumanTask
from webapp.extensions import db
from webapp.inbox import operations as inbox_operations
from webapp.inbox.models import InstanceCopy
from webapp.notices import operations as notice_operations
from webapp.reports.operations import create_item


def _token(org, username, scopes=("read",)):
    _row, secret = tokens.issue(org.users[username], "游标测试", list(scopes), 1)
    db.session.commit()
    return {"Authorization": f"Bearer {secret}"}


def _get(client, headers, path, **query):
    response = client.get(path, headers=headers, query_string=query)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def _walk(client, headers, path, key, ident=lambda row: row["id"], between=None, **query):
    """Every page of a list by its cursors: the ids in order; `between(page number)` runs after each page."""
    seen, cursor, number = [], None, 0
    while True:
        page = _get(client, headers, path, **query, **({"cursor": cursor} if cursor else {}))
        seen += [ident(row) for row in page[key]]
        cursor, number = page["next_cursor"], number + 1
        if between:
            between(number)
        if cursor is None:
            return seen
        assert number < 50, "the walk does not end"


def _new_items(org, count, writer="writer_a"):
    rows = []
    for _ in range(count):
        _item, row = create_item(org.users[writer])
        rows.append(row.id)
    db.session.commit()
    return rows


def test_the_inbox_walks_by_cursor_in_the_pages_order_to_a_null_next_cursor(app, org):
    headers = _token(org, "writer_a")
    _new_items(org, 7)
    client = app.test_client()
    everything = _get(client, headers, "/api/v1/inbox/todo", limit=100)
    assert everything["next_cursor"] is None
    expected = [t["id"] for t in everything["tasks"]]
    assert len(expected) >= 7
    walked = _walk(client, headers, "/api/v1/inbox/todo", "tasks", limit=2)
    assert walked == expected  # same order, each row once
    first = _get(client, headers, "/api/v1/inbox/todo", limit=2)
    assert len(first["tasks"]) == 2 and isinstance(first["next_cursor"], str)


def test_rows_added_between_pages_shift_nothing(app, org):
    headers = _token(org, "writer_a")
    original = _new_items(org, 6)
    client = app.test_client()
    expected = [t["id"] for t in _get(client, headers, "/api/v1/inbox/todo", limit=100)["tasks"]]
    added = []

    def meanwhile(number):
        if number == 1:  # new tasks, newest first: before the walk's position, never pushing a row to the next page
            added.extend(_new_items(org, 3))

    walked = _walk(client, headers, "/api/v1/inbox/todo", "tasks", between=meanwhile, limit=2)
    assert len(walked) == len(set(walked))  # no row twice
    assert [i for i in walked if i not in added] == expected  # none skipped, in order
    assert set(original) <= set(walked)


def test_the_part_on_top_is_shown_once_even_when_rows_leave_or_join_it(app, org):
    """抄送我的: unread copies on top. One read after it was shown on top is not shown again further down; one copied
    meanwhile (unread: on top now) is shown at its place in the rest."""
    writer, leader = org.users["writer_a"], org.users["leader_a"]
    instances = []
    for _ in range(5):
        item, _row = create_item(writer)
        instances.append(item.instance)
    db.session.flush()
    for instance in instances[:3]:
        inbox_operations.copy_to(instance, writer, [leader.id], [], "请阅")
    db.session.commit()
    for instance in instances[3:]:  # two copies read: below the unread ones
        inbox_operations.copy_to(instance, writer, [leader.id], [], "请阅")
    db.session.query(InstanceCopy).filter(InstanceCopy.instance_id.in_([i.id for i in instances[3:]])).update(
        {"read_dt": clock.now()}, synchronize_session=False)
    db.session.commit()

    headers = _token(org, "leader_a")
    client = app.test_client()
    ident = lambda row: row["instance_id"]  # noqa: E731
    expected = [ident(r) for r in _get(client, headers, "/api/v1/inbox/copied", limit=100)["items"]]
    assert set(expected[:3]) == {i.id for i in instances[:3]}  # unread on top
    late = []

    def meanwhile(number):
        if number == 1:
            shown = _get(client, headers, "/api/v1/inbox/copied", limit=2)["items"]
            db.session.query(InstanceCopy).filter_by(instance_id=ident(shown[0]), user_id=leader.id).update(
                {"read_dt": clock.now()}, synchronize_session=False)  # read: it would now sort below
            item, _row = create_item(writer)
            inbox_operations.copy_to(item.instance, writer, [leader.id], [], "补充")
            late.append(item.instance_id)
            db.session.commit()

    walked = _walk(client, headers, "/api/v1/inbox/copied", "items", ident, between=meanwhile, limit=2)
    assert len(walked) == len(set(walked))
    assert [i for i in walked if i not in late] == expected


def test_a_changed_made_up_or_foreign_cursor_is_a_chinese_400(app, org):
    headers = _token(org, "writer_a")
    _new_items(org, 3)
    client = app.test_client()
    cursor = _get(client, headers, "/api/v1/inbox/todo", limit=1)["next_cursor"]
    body, mac = cursor.split(".")
    position = json.loads(zlib.decompress(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))))
    position["seen"] = []
    forged = base64.urlsafe_b64encode(zlib.compress(json.dumps(position).encode())).rstrip(b"=").decode() + "." + mac
    flipped = cursor[:-2] + ("A" if cursor[-2] != "A" else "B") + cursor[-1]
    for bad in (forged, flipped, "garbage", "a.b.c", "%%%.***", "x" * 9000, cursor.split(".")[0]):
        answer = client.get("/api/v1/inbox/todo", headers=headers, query_string={"cursor": bad})
        assert answer.status_code == 400, (bad[:40], answer.get_data(as_text=True))
        assert answer.mimetype == "application/problem+json"
        problem = answer.get_json()
        assert problem["code"] == "invalid_cursor" and "游标" in problem["detail"]
    # bound to its list, filters and caller
    for path, query, who in (("/api/v1/inbox/done", {}, headers), ("/api/v1/inbox/todo", {"sort": "time"}, headers),
                             ("/api/v1/inbox/todo", {}, _token(org, "writer_a2"))):
        answer = client.get(path, headers=who, query_string={**query, "cursor": cursor})
        assert answer.status_code == 400 and answer.get_json()["code"] == "invalid_cursor", path
    # the cursor itself still works, with another limit too
    assert client.get("/api/v1/inbox/todo", headers=headers, query_string={"cursor": cursor, "limit": 5}).status_code \
        == 200


def test_page_numbers_are_gone_and_the_limit_is_bounded(app, org):
    headers = _token(org, "writer_a")
    client = app.test_client()
    answer = client.get("/api/v1/inbox/todo?page=2", headers=headers)
    assert answer.status_code == 422 and "cursor" in answer.get_json()["fields"]["page"][0]
    for limit in ("0", "101", "abc"):
        answer = client.get(f"/api/v1/inbox/todo?limit={limit}", headers=headers)
        assert answer.status_code == 422 and "每页条数" in json.dumps(answer.get_json(), ensure_ascii=False), limit


def test_notices_cases_and_emergencies_walk_by_cursor(app, org):
    writer = org.users["writer_a"]
    for n in range(5):
        notice_operations.send(f"通知{n}", user_id=writer.id, body="正文")
    db.session.commit()
    headers = _token(org, "writer_a")
    client = app.test_client()
    expected = [n["id"] for n in _get(client, headers, "/api/v1/notices", limit=100)["notices"]]
    assert len(expected) >= 5
    assert _walk(client, headers, "/api/v1/notices", "notices", limit=2) == expected
    unread = _get(client, headers, "/api/v1/notices", limit=1, unread="true")
    foreign = client.get("/api/v1/notices", headers=headers, query_string={"cursor": unread["next_cursor"]})
    assert foreign.status_code == 400  # a cursor of the unread list is not one of the whole list
    cases = [register_case(org.users["dc"])[0] for _ in range(4)]
    cases[1].due_dt, cases[2].due_dt, cases[3].closed_dt = clock.now(), clock.now(), clock.now()  # NULL, equal, closed
    db.session.commit()
    dc = _token(org, "dc")
    everything = [r["id"] for r in _get(client, dc, "/api/v1/cases", limit=100)["cases"]]
    assert len(everything) == 4 and everything[-1] == cases[3].id
    assert _walk(client, dc, "/api/v1/cases", "cases", limit=1) == everything
    for minutes in (30, 30, 90, 200):  # two with the same event time
        report(org, (clock.now() - timedelta(minutes=minutes)).astimezone(clock.LOCAL_TZ).strftime("%Y-%m-%dT%H:%M"))
    everything = [r["id"] for r in _get(client, headers, "/api/v1/emergencies", limit=100)["emergencies"]]
    assert len(everything) >= 4
    assert _walk(client, headers, "/api/v1/emergencies", "emergencies", limit=1) == everything


@pytest.mark.parametrize("tab", ["todo", "started"])
@pytest.mark.parametrize("sort", ["time", "due", "urgency"])
def test_every_sort_walks_whole_with_deadlines_missing_and_equal(app, org, tab, sort):
    """Sorts on computed values (an item's earliest open deadline, its latest urgency), NULL deadlines after the
    others on every database, equal times: the walk is the one-page list, in order."""
    rows = _new_items(org, 7)
    now = clock.now()
    for n, row_id in enumerate(rows):
        task = db.session.get(HumanTask, row_id)
        task.due_dt = None if n % 3 == 0 else now + timedelta(hours=n % 2)  # NULL, and equal deadlines
        task.urgency = ("normal", "urgent", "very_urgent")[n % 3]
        task.created_dt = now  # equal times: the id decides
    db.session.commit()
    headers = _token(org, "writer_a")
    client = app.test_client()
    key = "tasks" if tab == "todo" else "items"
    ident = (lambda row: row["id"]) if tab == "todo" else (lambda row: row["instance_id"])
    everything = [ident(r) for r in _get(client, headers, f"/api/v1/inbox/{tab}", limit=100, sort=sort)[key]]
    assert len(everything) >= 7
    assert _walk(client, headers, f"/api/v1/inbox/{tab}", key, ident, limit=2, sort=sort) == everything


def test_urges_walk_across_their_branches(app, org):
    """催办记录 reads its branches (sent, received by name, received by role) apart: the walk joins them in order."""
    writer = org.users["writer_a"]
    for n in range(6):  # three the writer sends (on their own steps), three they receive (the office's verifier)
        _item, row = create_item(writer)
        db.session.flush()
        sent = inbox_operations.urge(row.id, writer if n < 3 else org.users["verifier_a"], note=f"催办{n}")
        sent.created_dt = clock.now()  # equal times: the id decides
    db.session.commit()
    headers = _token(org, "writer_a")
    client = app.test_client()
    ident = lambda row: (row["instance_id"], row["note"], row["direction"])  # noqa: E731
    everything = [ident(r) for r in _get(client, headers, "/api/v1/inbox/urges", limit=100)["items"]]
    assert len(everything) == 6 and {d for _i, _n, d in everything} == {"sent", "received"}
    assert _walk(client, headers, "/api/v1/inbox/urges", "items", ident, limit=2) == everything
    for direction in ("sent", "received"):
        mine = [ident(r) for r in _get(client, headers, "/api/v1/inbox/urges", limit=100,
                                      direction=direction)["items"]]
        assert len(mine) == 3
        assert _walk(client, headers, "/api/v1/inbox/urges", "items", ident, limit=1, direction=direction) == mine


def test_a_cursor_with_a_thousand_keys_on_top_fits_in_a_url(app):
    keys = sorted(random.Random(25).sample(range(1, 5_000_000), 1000))
    position = {"seen": keys, "rest": True, "after": [{"t": "2026-03-02T08:00:00+00:00"}, 7]}
    with app.test_request_context("/api/v1/inbox/copied"):
        cursor = cursors.encode(cursors.pack_inbox(position), {"type": "info"})
        assert len(cursor) < cursors.MAX_CURSOR
        assert cursors.unpack_inbox(cursors.decode(cursor, {"type": "info"})) == position
