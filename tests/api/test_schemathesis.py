"""schemathesis against /api/v1's own OpenAPI document, with a token of each kind of caller: no server error, and
every answer conforms to the document (status codes, content types, body schemas) — the document is not a promise
the code does not keep."""
import pytest
from flask import g, has_app_context
from hypothesis import HealthCheck, given, settings
from schemathesis import checks
from schemathesis.openapi import from_wsgi

from webapp.api import tokens
from webapp.extensions import db

CALLERS = {  # username -> the scopes their token gets
    "writer_a": ["act", "read"], "verifier_a": ["act", "read"], "dc": ["act", "read"], "handler_a": ["read"],
    "admin": ["act", "admin", "read"],
}
EXAMPLES = 6
# What the document promises and the answers must keep. Not checked: positive/negative data acceptance — the input
# layer is stricter than JSON Schema can say (no control characters, a blank text counts as absent, "12" is a number
# the way a form sends it); tests/inputs fuzzes every field for that, with Chinese messages.
CHECKS = [checks.not_a_server_error, checks.status_code_conformance, checks.content_type_conformance,
          checks.response_schema_conformance, checks.response_headers_conformance, checks.ignored_auth]


@pytest.mark.parametrize("username", sorted(CALLERS))
def test_every_operation_keeps_its_document(app, org, username):
    secret = _token(org, username)
    schema = from_wsgi("/api/v1/openapi.json", _isolated(app))
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 25
    failures = []
    for operation in operations:
        @settings(max_examples=EXAMPLES, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy())
        def run(case):
            response = case.call(headers={"Authorization": f"Bearer {secret}"})
            assert response.status_code < 500, f"{case.method} {case.formatted_path}: {response.status_code}"
            case.validate_response(response, checks=CHECKS, headers={"Authorization": f"Bearer {secret}"})

        try:
            run()
        except Exception as exc:  # collect every operation's failure, not only the first
            failures.append(f"{operation.method.upper()} {operation.path}: {str(exc)[:800]}")
    assert not failures, "\n\n".join(failures)


def _isolated(app):
    """Requests reuse the test's app context: Flask-Login's cached user must not carry over (as IsolatedClient)."""
    def wsgi(environ, start_response):
        if has_app_context():
            g.pop("_login_user", None)
        return app(environ, start_response)
    return wsgi


def _token(org, username):
    _row, secret = tokens.issue(org.users[username], "schemathesis", CALLERS[username], 1)
    db.session.commit()
    return secret
