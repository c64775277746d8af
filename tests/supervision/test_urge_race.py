"""Two 催办 of one step at the same moment (two people, two tabs, a bulk urge beside a single one): one urge is sent,
the other is politely refused; with real threads, on SQLite and PostgreSQL."""
import threading

from lxml import html

from tests.web_helpers import login
from webapp.engine.models import InstanceEvent
from webapp.extensions import db
from webapp.inbox.models import Urge
from webapp.notices.models import Notice
from webapp.supervision import queries


def _post_at_once(app, posts):
    """POST each (client, url, form) in its own thread, all released together; returns the flashed messages."""
    barrier = threading.Barrier(len(posts))
    locations = [None] * len(posts)

    def run(index):
        client, url, form = posts[index]
        barrier.wait()
        response = client.post(url, data=form)
        locations[index] = response.headers.get("Location") or f"status {response.status_code}"

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(posts))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return [_flashes(client, location) for (client, _, _), location in zip(posts, locations, strict=True)]


def _flashes(client, location):
    assert location.startswith("/") or location.startswith("http"), location
    doc = html.fromstring(client.get(location).get_data(as_text=True))
    return " ".join(" ".join(e.text_content().split()) for e in doc.xpath("//*[contains(@class, 'flash')]"))


def _two_supervisors(app):
    clients = [app.test_client(), app.test_client()]
    return clients, [login(clients[0], "dc"), login(clients[1], "dc_low")]


def _urges_and_notices(instance_id):
    db.session.expire_all()
    urges = db.session.query(Urge).filter_by(instance_id=instance_id).count()
    events = db.session.query(InstanceEvent).filter_by(instance_id=instance_id, action="urge").count()
    notices = db.session.query(Notice).filter(Notice.instance_id == instance_id,
                                              Notice.title.startswith("催办「")).count()
    return urges, events, notices


def _one_sent_one_refused(messages, sent):
    assert sorted(sent in m for m in messages) == [False, True], messages
    refused = next(m for m in messages if sent not in m)
    assert "已于" in refused and "分钟后再催办" in refused, messages


def test_two_urges_of_one_task_from_the_inbox_at_once(app, org, cases):
    case = cases["c"]
    task = queries.open_tasks([case.instance_id])[case.instance_id]
    (first, second), tokens = _two_supervisors(app)
    url = f"/tasks/{task.id}/urge"
    messages = _post_at_once(app, [(first, url, {"csrf_token": tokens[0], "note": "一"}),
                                   (second, url, {"csrf_token": tokens[1], "note": "二"})])
    _one_sent_one_refused(messages, "已催办")
    assert _urges_and_notices(case.instance_id) == (1, 1, 1)


def test_two_urges_of_one_case_from_the_desk_at_once(app, org, cases):
    case = cases["c"]
    (first, second), tokens = _two_supervisors(app)
    url = f"/supervision/cases/{case.id}/urge"
    messages = _post_at_once(app, [(first, url, {"csrf_token": tokens[0]}), (second, url, {"csrf_token": tokens[1]})])
    _one_sent_one_refused(messages, "已催办：办理（b县委办公室）")
    assert _urges_and_notices(case.instance_id) == (1, 1, 1)


def test_a_bulk_urge_racing_a_single_urge_urges_the_case_once(app, org, cases):
    case = cases["c"]
    (first, second), tokens = _two_supervisors(app)
    unit = str(org.units["county-b"].id)  # the county's open cases: B and C
    messages = _post_at_once(app, [(first, "/supervision/urge", {"csrf_token": tokens[0], "unit": unit}),
                                   (second, f"/supervision/cases/{case.id}/urge", {"csrf_token": tokens[1]})])
    bulk, single = messages
    assert _urges_and_notices(case.instance_id) == (1, 1, 1)
    assert _urges_and_notices(cases["b"].instance_id) == (1, 1, 1)
    if "已催办：" in single:  # the single urge came first: the bulk urge skipped C
        assert bulk == "已催办 1 件；1 件近期已催办，已跳过。", messages
    else:
        assert "分钟后再催办" in single and bulk == "已催办 2 件。", messages
