"""Each creating form posted twice as rendered (a double click, a resent request) creates one thing; a post
without its key, or with a key used for something else, creates nothing and says why."""
import re
from urllib.parse import parse_qsl, urlencode

import pytest

from tests.idempotency.forms import FORMS, instances, submission
from tests.web_helpers import login
from webapp.extensions import db
from webapp.idempotency import FIELD
from webapp.reports.models import InfoItem

REPLAYED = "该表单已提交，未重复创建。"


def _client(app, username):
    client = app.test_client()
    login(client, username)
    return client


def _rendered(app, org, form):
    ctx = form.prepare(org)
    client = _client(app, form.username)
    page = client.get(form.page(ctx))
    assert page.status_code == 200, page.get_data(as_text=True)[:2000]
    body, content_type = submission(form, page.get_data(as_text=True), ctx, org)
    return client, ctx, body, content_type


def _counts(form):
    db.session.expire_all()
    return form.rows(), instances()


@pytest.mark.parametrize("form", FORMS, ids=[f.name for f in FORMS])
def test_the_same_rendered_form_posted_twice_creates_once_and_both_land_on_it(app, org, form):
    client, ctx, body, content_type = _rendered(app, org, form)
    rows, started = _counts(form)

    first = client.post(form.target(ctx), data=body, content_type=content_type)
    second = client.post(form.target(ctx), data=body, content_type=content_type)

    assert first.status_code == second.status_code == 302, (first.get_data(as_text=True)[:2000],
                                                            second.get_data(as_text=True)[:2000])
    assert second.headers["Location"] == first.headers["Location"]
    assert "Idempotent-Replayed" not in first.headers and second.headers["Idempotent-Replayed"] == "true"
    assert _counts(form) == (rows + 1, started + (1 if form.starts_instance else 0))
    assert REPLAYED in client.get(second.headers["Location"]).get_data(as_text=True)


@pytest.mark.parametrize("form", FORMS, ids=[f.name for f in FORMS])
def test_a_creating_form_without_its_key_is_refused_with_400_and_creates_nothing(app, org, form):
    client, ctx, body, content_type = _rendered(app, org, form)
    rows, started = _counts(form)
    without = re.sub(rb"(^|&)" + FIELD.encode() + rb"=[^&]*", b"", body) if "urlencoded" in content_type else \
        re.sub(rb'--[^\r\n]+\r\nContent-Disposition: form-data; name="' + FIELD.encode() + rb'"\r\n\r\n[^\r\n]*\r\n',
               b"", body)
    assert FIELD.encode() not in without

    refused = client.post(form.target(ctx), data=without, content_type=content_type)

    assert refused.status_code == 400
    page = refused.get_data(as_text=True)
    assert "表单缺少防重复提交标识，本次提交未执行" in page
    assert _counts(form) == (rows, started)
    if form.action is None:  # a form of its own page comes back filled in, with a fresh key to submit again
        again = re.search(rf'name="{FIELD}" value="([^"]+)"', page)
        assert again and again.group(1) not in body.decode("utf-8", "replace")


def _changed(body, **fields):
    """The urlencoded body with some fields changed, the rest (the key included) as they were."""
    pairs = [(name, fields.get(name, value)) for name, value in parse_qsl(body.decode(), keep_blank_values=True)]
    return urlencode(pairs).encode()


def test_a_key_reused_with_other_content_or_on_another_form_is_refused_with_422(app, org):
    form = next(f for f in FORMS if f.name == "emergencies.new")
    client, _ctx, body, content_type = _rendered(app, org, form)
    key = dict(parse_qsl(body.decode()))[FIELD]
    assert client.post("/emergencies/new", data=body, content_type=content_type).status_code == 302

    refused = client.post("/emergencies/new", data=_changed(body, title="又一处山体滑坡"), content_type=content_type)
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert "该表单的防重复提交标识已用于另一次内容不同的提交，本次提交未执行" in page
    assert 'value="又一处山体滑坡"' in page  # what was typed comes back, under a fresh key
    assert re.search(rf'name="{FIELD}" value="([^"]+)"', page).group(1) != key

    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    elsewhere = client.post("/reports/new", data={"csrf_token": token, FIELD: key})
    assert elsewhere.status_code == 422 and "已用于另一次内容不同的提交" in elsewhere.get_data(as_text=True)
    db.session.expire_all()
    assert (form.rows(), db.session.query(InfoItem).count()) == (1, 0)


def test_after_a_refused_form_the_same_key_goes_through_once_corrected(app, org):
    form = next(f for f in FORMS if f.name == "emergencies.new")
    client, ctx, body, content_type = _rendered(app, org, form)
    without_title = re.sub(rb"(^|&)title=[^&]*", b"", body)
    assert client.post("/emergencies/new", data=without_title, content_type=content_type).status_code == 422
    assert client.post("/emergencies/new", data=body, content_type=content_type).status_code == 302
    assert client.post("/emergencies/new", data=body, content_type=content_type).headers["Idempotent-Replayed"]
    db.session.expire_all()
    assert form.rows() == 1


def test_the_key_is_each_users_own(app, org):
    """Two writers whose forms happen to carry the same key each create their own item."""
    tokens = {}
    clients = {}
    for username in ("writer_a", "writer_b"):
        clients[username] = _client(app, username)
        tokens[username] = re.search(r'name="csrf_token" value="([^"]+)"',
                                     clients[username].get("/").get_data(as_text=True)).group(1)
    for username, client in clients.items():
        assert "Idempotent-Replayed" not in client.post(
            "/reports/new", data={"csrf_token": tokens[username], FIELD: "same-key-0001"}).headers
    db.session.expire_all()
    assert FORMS[0].rows() == 2
