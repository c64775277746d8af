"""The proof issue 17 asks for: every creating form, and every creating API call with an Idempotency-Key, sent
twice at the same moment by two threads to gunicorn with two workers on PostgreSQL creates exactly one thing,
and both answers point to it (one of them marked as the replay)."""
import contextlib
import http.client
import json
import os
import re
import tempfile
import threading
import urllib.parse
from pathlib import Path

import pytest

from bench import dataset, http_load
from bench.timer_lag import fresh_database
from tests.conftest import PASSWORD
from tests.idempotency.forms import API_CALLS, FORMS, build_org, instances, submission
from webapp.core import clock
from webapp.extensions import db

pytestmark = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="two gunicorn workers racing on one unique index: PostgreSQL only (set DATABASE_URL)")


class Browser:
    """One user's session cookie over fresh connections, so two threads can send with it at once."""

    def __init__(self, port, username):
        self.port, self.cookies = port, {}
        page = self.request("GET", "/login")[2]
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        status, _, _ = self.request("POST", "/login", urllib.parse.urlencode(
            {"username": username, "password": PASSWORD, "csrf_token": token}).encode(),
            {"Content-Type": "application/x-www-form-urlencoded"})
        assert status == 302, f"login of {username}: {status}"
        self.csrf = json.loads(self.request("GET", "/api/session")[2])["csrf_token"]

    def request(self, method, path, body=None, headers=None, keep_cookies=True):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            conn.request(method, path, body, {**(headers or {}),
                                              "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())})
            response = conn.getresponse()
            text = response.read().decode("utf-8", "replace")
        finally:
            conn.close()
        if keep_cookies:
            for header in response.headers.get_all("Set-Cookie") or ():
                name, _, value = header.split(";", 1)[0].partition("=")
                self.cookies[name.strip()] = value
        return response.status, response.headers, text

    def twice_at_once(self, path, body, headers):
        """The same request from two threads released together; their (status, headers, body)."""
        start, answers = threading.Barrier(2), [None, None]

        def send(index):
            start.wait()
            answers[index] = self.request("POST", path, body, headers, keep_cookies=False)

        threads = [threading.Thread(target=send, args=(i,)) for i in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(90)
        assert all(answers), "a request did not come back"
        return answers


@pytest.fixture
def server():
    """A fresh migrated PostgreSQL database with the organisation, and gunicorn -w 2 on it; dropped afterwards."""
    clock.set_fixed(None)  # the gunicorn workers read the system clock
    with contextlib.ExitStack() as stack:
        url = stack.enter_context(fresh_database("postgresql", os.environ["DATABASE_URL"]))
        work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="govflow-idem-")))
        app = dataset.schema(url)
        stack.callback(dataset.dispose, app)
        stack.enter_context(app.app_context())
        org = build_org()
        _proc, port = stack.enter_context(http_load.gunicorn(url, 2, work / "gunicorn.log", work / "attachments"))
        yield org, port


def _counted(rows):
    db.session.expire_all()
    return rows(), instances()


def test_each_creating_form_posted_twice_at_once_creates_one(server):
    org, port = server
    outcomes = {}
    for form in FORMS:
        ctx = form.prepare(org)
        browser = Browser(port, form.username)
        status, _, page = browser.request("GET", form.page(ctx))
        assert status == 200, (form.name, page[:2000])
        body, content_type = submission(form, page, ctx, org)
        rows, started = _counted(form.rows)

        answers = browser.twice_at_once(form.target(ctx), body, {"Content-Type": content_type})

        outcomes[form.name] = {
            "statuses": [status for status, _, _ in answers],
            "same_target": answers[0][1]["Location"] == answers[1][1]["Location"],
            "replays": sum(headers.get("Idempotent-Replayed") == "true" for _, headers, _ in answers),
            "created": tuple(now - then for now, then in zip(_counted(form.rows), (rows, started), strict=True)),
        }
    expected = {form.name: {"statuses": [302, 302], "same_target": True, "replays": 1,
                            "created": (1, 1 if form.starts_instance else 0)} for form in FORMS}
    assert outcomes == expected


def test_each_creating_api_call_sent_twice_at_once_with_one_key_creates_one(server):
    org, port = server
    outcomes = {}
    for name, username, path, payload, rows in API_CALLS:
        browser = Browser(port, username)
        before = _counted(rows)[0]
        answers = browser.twice_at_once(path, json.dumps(payload(org)).encode(), {
            "Content-Type": "application/json", "X-CSRF-Token": browser.csrf, "Idempotency-Key": f"{name}-race-1"})
        outcomes[name] = {
            "statuses": [status for status, _, _ in answers],
            "same_body": json.loads(answers[0][2]) == json.loads(answers[1][2]),
            "replays": sum(headers.get("Idempotent-Replayed") == "true" for _, headers, _ in answers),
            "created": _counted(rows)[0] - before,
        }
    assert outcomes == {name: {"statuses": [201, 201], "same_body": True, "replays": 1, "created": 1}
                        for name, *_ in API_CALLS}
