"""The public API's pages in a real browser: the documentation (Swagger UI from npm, under the CSP) and issuing a
token on the 访问令牌 page, then calling the API with it."""
import re

from playwright.sync_api import expect

from tests.browser.conftest import login


def test_the_docs_page_renders_every_endpoint_within_the_csp(page, live_server, org):
    page.goto("/api/v1/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("GovFlow 公共接口")
    expect(page.locator(".opblock-summary-path", has_text="/api/v1/tasks/{row_id}/complete")).to_have_count(1)
    page.locator(".opblock-summary-path", has_text="/api/v1/me").first.click()
    expect(page.locator(".opblock-body").first).to_be_visible()


def test_a_token_issued_on_the_page_is_shown_once_and_works(page, live_server, org):
    login(page, live_server, "writer_a")
    page.goto("/settings/tokens")
    page.locator("#name").fill("政务微信机器人")
    page.locator("#token-form button[type=submit]").click()
    secret = page.locator("#token-secret").inner_text().strip()
    assert re.fullmatch(r"gf_[A-Za-z0-9_-]{40}", secret)
    answer = page.request.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert answer.status == 200 and answer.json()["username"] == "writer_a"
    page.goto("/settings/tokens")
    expect(page.locator("#token-secret")).to_have_count(0)
    row = page.locator("#token-list tr", has_text="政务微信机器人")
    expect(row).to_contain_text("有效")
    row.get_by_role("button", name="吊销").click()
    expect(page.locator("#token-list tr", has_text="政务微信机器人")).to_contain_text("已吊销")
    assert page.request.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).status == 401
