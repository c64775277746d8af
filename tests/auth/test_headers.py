"""Security headers on every kind of response, and templates without the inline code the CSP would block."""
import re
from pathlib import Path

import pytest

from tests.web_helpers import login

TEMPLATES = Path(__file__).resolve().parents[2] / "webapp" / "templates"
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; font-src 'self' data:; "
       "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")


def _assert_secured(response):
    assert response.headers["Content-Security-Policy"] == CSP
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in response.headers  # plain HTTP in development


@pytest.mark.parametrize("path, status", [("/login", 200), ("/", 302), ("/static/app.css", 200),
                                          ("/no-such-page", 404), ("/api/tasks", 401)])
def test_every_response_carries_the_headers(app, path, status):
    response = app.test_client().get(path)
    assert response.status_code == status
    _assert_secured(response)


def test_pages_and_refusals_of_a_logged_in_user_carry_them(app, org):
    client = app.test_client()
    token = login(client, "writer_a")
    _assert_secured(client.get("/"))
    _assert_secured(client.get("/admin/"))  # 403
    _assert_secured(client.post("/logout", data={"csrf_token": "wrong" + token}))  # 400


INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I), "inline <script>"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "event handler attribute"),
    (re.compile(r"\sstyle\s*=", re.I), "style attribute"),
    (re.compile(r"<style", re.I), "<style> block"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
]


@pytest.mark.parametrize("template", sorted(TEMPLATES.rglob("*.html")), ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_templates_hold_no_inline_code(template):
    text = template.read_text(encoding="utf-8")
    found = [f"{what}: {m.group(0)!r}" for pattern, what in INLINE for m in pattern.finditer(text)]
    assert not found, found


def test_json_config_blocks_cannot_close_their_script(app, org):
    """A value holding `</script>` stays inside the designer's JSON block (tojson escapes <, > and &)."""
    client = app.test_client()
    login(client, "admin")
    html = client.get("/admin/designer/new?upload=1").get_data(as_text=True)
    blocks = re.findall(r'<script type="application/json"[^>]*>(.*?)</script>', html, re.S)
    assert blocks and all("<" not in block for block in blocks)
