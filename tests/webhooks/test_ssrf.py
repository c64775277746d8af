"""Where a webhook may not go: private, loopback, link-local, reserved addresses, at registration and at delivery."""
import pytest

from tests.web_helpers import once, signed_in
from webapp.extensions import db
from webapp.webhooks import guard
from webapp.webhooks.models import WebhookDelivery, WebhookEndpoint

from .test_delivery import register, start_item

REFUSED = ["http://127.0.0.1/", "http://127.8.9.10:8080/x", "http://10.1.2.3/hook", "https://172.16.0.5/",
           "http://192.168.1.1/", "http://[::1]/", "http://169.254.169.254/latest/meta-data/",
           "http://[::ffff:127.0.0.1]/", "http://[::ffff:a9fe:a9fe]/", "http://0.0.0.0/", "http://[::]/",
           "http://100.64.0.1/", "http://224.0.0.1/", "http://240.0.0.1/", "http://[fe80::1]/", "http://[fc00::1]/",
           "http://localhost/", "http://LOCALHOST./hook"]


@pytest.fixture
def no_allowlist(app):
    before = app.config.get("WEBHOOK_ALLOW_HOSTS")
    app.config["WEBHOOK_ALLOW_HOSTS"] = ""
    yield
    app.config["WEBHOOK_ALLOW_HOSTS"] = before


@pytest.mark.parametrize("url", REFUSED)
def test_private_loopback_link_local_and_reserved_targets_are_refused(app, no_allowlist, url):
    with pytest.raises(guard.UnsafeTarget, match="不允许推送到内网"):
        guard.check(url)


@pytest.mark.parametrize("url, message", [
    ("ftp://example.com/", "http:// 或 https://"), ("file:///etc/passwd", "http:// 或 https://"),
    ("javascript:alert(1)", "http:// 或 https://"), ("http://", "缺少主机名"),
    ("http://user:pw@example.com/", "用户名或密码"), ("http://example.com:99999/", "格式不正确"),
])
def test_only_plain_http_urls(app, no_allowlist, url, message):
    with pytest.raises(guard.UnsafeTarget, match=message):
        guard.check(url)


def test_a_public_address_passes_and_the_allowlist_names_hosts_or_networks(app, no_allowlist):
    target = guard.check("https://93.184.216.34:8443/in?x=1")
    assert (target.scheme, target.host, target.port, target.path, target.ip) == (
        "https", "93.184.216.34", 8443, "/in?x=1", "93.184.216.34")
    app.config["WEBHOOK_ALLOW_HOSTS"] = "10.0.0.0/8, localhost"
    assert guard.check("http://10.1.2.3/hook").ip == "10.1.2.3"
    assert guard.check("http://localhost/").ip in ("127.0.0.1", "::1")
    with pytest.raises(guard.UnsafeTarget):
        guard.check("http://192.168.1.1/")  # not in 10/8
    app.config["WEBHOOK_ALLOW_HOSTS"] = "127.0.0.1"
    assert guard.check("http://[::ffff:127.0.0.1]/").ip == "127.0.0.1"  # mapped: allowed as the IPv4 it names


def test_registration_refuses_them_with_the_reason(app, org, no_allowlist):
    client, token = signed_in(app, "admin")
    response = client.post("/admin/webhooks/new", data={"csrf_token": token, "name": "内网", "events": ["task.opened"],
                                                         "url": "http://169.254.169.254/", **once()})
    assert response.status_code == 422
    assert "不允许推送到内网、本机或保留地址" in response.get_data(as_text=True)
    assert db.session.query(WebhookEndpoint).count() == 0


def test_each_delivery_checks_again(app, org, receiver):
    register(app, receiver.url)  # allowed while 127.0.0.1 is on the allowlist
    app.config["WEBHOOK_ALLOW_HOSTS"] = ""  # taken off (as a DNS answer could change)
    start_item(org)
    from .conftest import wait_for_row

    (row,) = db.session.query(WebhookDelivery).all()
    row = wait_for_row(row.id, "pending", 1)
    assert "不允许推送到内网" in row.last_error and row.last_status is None
    assert receiver.requests == []


def test_the_post_goes_to_the_checked_address_not_a_new_lookup(app, receiver):
    """A name that would resolve elsewhere (or nowhere) is never looked up again: the checked address is used,
    with the URL's host in the Host header."""
    port = int(receiver.url.split(":")[2].split("/")[0])
    target = guard.Target("http", "hooks.example.invalid", port, "/pinned", "127.0.0.1")
    status, text = guard.post(target, b"{}", {"Content-Type": "application/json"})
    assert (status, text) == (200, "好")
    ((path, headers, body),) = receiver.wait_for(1)
    assert (path, headers["Host"], body) == ("/pinned", f"hooks.example.invalid:{port}", b"{}")


def test_redirects_are_not_followed(app, receiver):
    receiver.answers = [302]
    port = int(receiver.url.split(":")[2].split("/")[0])
    status, _text = guard.post(guard.Target("http", "127.0.0.1", port, "/", "127.0.0.1"), b"{}", {})
    assert status == 302 and len(receiver.wait_for(1)) == 1
