"""Real-browser fixtures: the test app served on a free port, headless Debian chromium driven by Playwright.

Never run `playwright install`: the browser is the system's /usr/bin/chromium.
"""
import re
import threading
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright
from werkzeug.serving import make_server

from tests.conftest import PASSWORD

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
TIMEOUT_MS = 10_000


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the item so fixtures can tell whether the test failed."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


@pytest.fixture
def live_server(app):
    """The session app served in a background thread; yields its base URL (no trailing slash)."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser():
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    except Exception:
        playwright.stop()
        raise
    yield browser
    browser.close()
    playwright.stop()


@pytest.fixture
def page(request, browser, live_server):
    """A fresh context (zh-CN, base URL of the live server) and page; a screenshot is kept when the test fails."""
    context = browser.new_context(locale="zh-CN", base_url=live_server)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    # The Content-Security-Policy allows no inline script or style: the browser reports what it refused, as
    # "Refused to …" or, in newer Chromium, "… violates the following Content Security Policy directive …".
    refused = []
    page.on("console", lambda message: refused.append(f"{page.url}: {message.text}")
            if "Refused to" in message.text or "Content Security Policy" in message.text else None)
    yield page
    failed = any(getattr(getattr(request.node, f"rep_{when}", None), "failed", False) for when in ("setup", "call"))
    if failed:
        ARTIFACTS.mkdir(exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.name)
        try:
            page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
            (ARTIFACTS / f"{name}.html").write_text(page.content(), encoding="utf-8")
        except Exception as exc:  # a screenshot must never hide the test's own failure
            print(f"could not save failure artifacts: {exc}")
    context.close()
    if refused:
        pytest.fail("Content-Security-Policy violations:\n" + "\n".join(refused), pytrace=False)


def login(page, base, username, password=PASSWORD):
    """Log in through the form at `base`/login; ends on the inbox with the user's name in the header."""
    page.goto(f"{base}/login")
    page.locator("#username").fill(username)
    page.locator("#password").fill(password)
    page.locator("form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/$"))
    expect(page.locator("header .me")).to_contain_text(f"用户{username}")


def unfold_menu(page):
    """On a narrow window the menu is folded behind 菜单: unfold it and wait until it stops moving."""
    toggler = page.locator("header nav .navbar-toggler")
    if toggler.is_visible() and toggler.get_attribute("aria-expanded") != "true":
        toggler.click()
        expect(page.locator("#main-nav")).to_have_class(re.compile(r"\bcollapse show\b"))


def navigate(page, group, name):
    """Open a page from the shell's menu: unfold 菜单 on a phone, open the group, click the link."""
    nav = page.locator("header nav")
    unfold_menu(page)
    if group:
        nav.get_by_role("button", name=group).click()
    nav.get_by_role("link", name=name, exact=True).click()


def logout(page):
    """Log out with the header's 退出 button; ends on the login page."""
    unfold_menu(page)
    page.locator("header").get_by_role("button", name="退出").click()
    page.wait_for_url(re.compile(r"/login(\?.*)?$"))
    expect(page.locator("header")).to_have_count(0)
    expect(page.get_by_role("status")).to_contain_text("您已退出登录")
