"""Issue 17's proof: every route × every person × own unit / other unit / above clearance, GET and POST: no leak.

A person outside an endpoint's allowed set gets 401/403/404 (or the login page), never the object; no response
to anyone carries the title of an object they may not read; a refused POST changes no row. The matrix
(matrix.py) covers every rule of `app.url_map`.
"""
import io
import json

import pytest
from openpyxl import load_workbook
from pdfminer.high_level import extract_text
from pdfminer.psparser import PSException
from sqlalchemy import text

from tests.web_helpers import once
from webapp.extensions import db

from .matrix import EXCLUDED, KNOWN_LEAKS, MATRIX
from .world import ANONYMOUS, NAMES

REFUSED = {401, 403, 404}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSRF_REFUSAL = "页面已过期"
# Rows a refused request may add: the audit log records refusals and sign-ins.
UNWATCHED = {"audit_entries", "audit_head"}
WATCHED_COLUMNS = {
    "process_instances": "id, lock_version, status, secrecy",
    "human_tasks": "id, state, assignee_id, claimed_dt, completed_by_id",
    "info_items": "id, status, secrecy, title, target_unit_id",
    "instruction_cases": "id, secrecy, title, closed_dt, due_dt",
    "emergencies": "id, status, secrecy, title",
    "attachments": "id, deleted_dt",
    "case_month_tables": "id, confirmed_dt",
    "instance_copies": "id, read_dt",
}


def test_every_endpoint_is_in_the_matrix(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    missing = sorted(endpoints - set(MATRIX) - set(EXCLUDED))
    stale = sorted((set(MATRIX) | set(EXCLUDED)) - endpoints)
    assert not missing, (f"endpoints without an entry in tests/access/matrix.py MATRIX: {missing}; add one saying "
                         "what fills its URL and who may use it")
    assert not stale, f"MATRIX or EXCLUDED names endpoints that no longer exist: {stale}; remove them"


def _xfail(endpoint, name):
    reason = KNOWN_LEAKS.get((endpoint, name))
    return [pytest.mark.xfail(strict=True, reason=reason)] if reason else []


def _params():
    params = []
    for endpoint, entry in MATRIX.items():
        if entry.get is None and entry.post is None:
            continue
        for name in [n for kind in entry.kinds for n in NAMES[kind]] or [None]:
            params.append(pytest.param(endpoint, name, id=f"{endpoint}[{name}]" if name else endpoint,
                                       marks=_xfail(endpoint, name)))
    # A known leak on a page without URL arguments (a list) is checked apart, so the rest of the page still is.
    for endpoint, name in KNOWN_LEAKS:
        if not MATRIX[endpoint].kinds:
            params.append(pytest.param(endpoint, name, id=f"{endpoint}[title:{name}]", marks=_xfail(endpoint, name)))
    return params


def _url(app, endpoint, obj, world):
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    values = {arg: obj.ids[arg] for arg in rule.arguments if arg in obj.ids} if obj is not None else {}
    entry = MATRIX[endpoint]
    if entry.query:
        values.update(entry.query(world, obj))
    return app.url_map.bind("localhost").build(endpoint, values)


def _text(response):
    """What a person reads in the response: JSON unescaped, a workbook's cells, a PDF's text, a page's text."""
    if response.is_json:
        return json.dumps(response.get_json(), ensure_ascii=False)
    if response.mimetype == XLSX:
        book = load_workbook(io.BytesIO(response.get_data()), read_only=True)
        return "\n".join(str(cell) for sheet in book for row in sheet.iter_rows(values_only=True) for cell in row)
    if response.mimetype == "application/pdf":  # a sheet; an uploaded file may be no real PDF: read its bytes
        try:
            return extract_text(io.BytesIO(response.get_data()))
        except PSException:
            return response.get_data().decode("utf-8", "replace")
    return response.get_data(as_text=True)


def to_login(response):
    return response.status_code == 302 and response.headers["Location"].startswith("/login")


def fingerprint():
    """Row counts of every table but the audit log's, and the columns a write on an object would move."""
    tables = [t.name for t in db.metadata.sorted_tables if t.name not in UNWATCHED]
    counts = db.session.execute(text("SELECT " + ", ".join(f"(SELECT count(*) FROM {t})" for t in tables))).one()
    rows = {name: db.session.execute(text(f"SELECT {columns} FROM {name} ORDER BY id")).all()
            for name, columns in WATCHED_COLUMNS.items()}
    return dict(zip(tables, counts, strict=True)), rows


def _changes(before, after):
    counts = [f"{t}: {before[0][t]}→{after[0][t]}" for t in before[0] if before[0][t] != after[0][t]]
    rows = [t for t in before[1] if before[1][t] != after[1][t]]
    return counts + [f"{t} rows changed" for t in rows]


class Checker:
    """Sends one endpoint's requests for one target as every person and collects what went wrong."""

    def __init__(self, app, world, clients, endpoint, target):
        self.world, self.clients, self.endpoint = world, clients, endpoint
        self.entry = MATRIX[endpoint]
        self.title_only = target is not None and not self.entry.kinds  # a known leak on a list, checked apart
        self.obj = world.objects[target] if target is not None and not self.title_only else None
        self.target = target
        self.url = _url(app, endpoint, self.obj, world)
        others = {name for (ep, name) in KNOWN_LEAKS if ep == endpoint and name != target}
        self.skip = others if not self.title_only else set()
        self.failures = []
        self.state = None  # the rows' fingerprint after the last POST

    def fail(self, person, method, message):
        case = self.case_of(person)
        self.failures.append(f"{method} {self.url} as {person.username} ({case}): {message}")

    def case_of(self, person):
        obj = self.obj
        if person.username == ANONYMOUS:
            return "signed out"
        if obj is None:
            return "no object"
        if person.clearance < obj.secrecy:
            return "above clearance"
        return "own unit" if person.unit == obj.unit else "other unit"

    def leaked(self, person, response):
        if self.title_only:
            titled = self.world.objects[self.target]
            return [titled.name] if person.username not in titled.readers and titled.title in _text(response) else []
        if self.entry.reads_all and self.entry.reads_all(person, self.obj, self.world):
            return []
        body = _text(response)
        return [name for title, name in self.world.forbidden_titles(person.username, self.skip).items()
                if title in body]

    def get(self, person):
        client, _token = self.clients[person.username]
        response = client.get(self.url)
        allowed = self.entry.get(person, self.obj, self.world) if person.username != ANONYMOUS else (
            self.endpoint == "auth.login" or (self.entry.public and self.entry.get(person, self.obj, self.world)))
        self.judge(person, "GET", response, allowed)

    def judge(self, person, method, response, allowed):
        status = response.status_code
        if status >= 500:
            self.fail(person, method, f"answered {status}")
        if leaks := self.leaked(person, response):
            self.fail(person, method, f"answered {status} with the title of {', '.join(leaks)}")
        if self.title_only:
            return
        if allowed is True and (status not in (200, 302) or to_login(response)):
            self.fail(person, method, f"allowed, but answered {status}")
        if allowed is False and status not in REFUSED and not to_login(response):
            self.fail(person, method, f"not allowed, but answered {status}")

    def send_post(self, person):
        """The entry's POST as the person, with their CSRF token; JSON errors, so a refusal shows its status."""
        client, token = self.clients[person.username]
        body = self.entry.body(self.world, person, self.obj) if self.entry.body else {}
        if self.entry.json:
            response = client.post(self.url, json=body, headers={"X-CSRF-Token": token, "Accept": "application/json"})
        else:
            response = client.post(self.url, data={**once(), **body, "csrf_token": token},
                                   headers={"Accept": "application/json"}, content_type="multipart/form-data")
        db.session.expire_all()
        return response

    def post(self, person):
        """A POST by someone the matrix refuses: refused, and not one row moved."""
        if self.title_only or (person.username != ANONYMOUS
                               and self.entry.post(person, self.obj, self.world) is not False):
            return
        if self.state is None:
            self.state = fingerprint()
        before = self.state
        response = self.send_post(person)
        after = self.state = fingerprint()  # the next POST's "before": nothing else writes in between
        if response.status_code == 400 and CSRF_REFUSAL in _text(response):
            self.fail(person, "POST", "the CSRF token was refused: the matrix's POST proves nothing")
        if changes := _changes(before, after):
            self.fail(person, "POST", f"answered {response.status_code} and changed {'; '.join(changes)}")
        self.judge(person, "POST", response, False)


@pytest.mark.parametrize(("endpoint", "target"), _params())
def test_no_leak(app, world, clients, endpoint, target):
    checker = Checker(app, world, clients, endpoint, target)
    for person in world.people.values():
        if checker.entry.get is not None:
            checker.get(person)
        if checker.entry.post is not None:
            checker.post(person)
    assert not checker.failures, f"{len(checker.failures)} leaks:\n" + "\n".join(checker.failures)
