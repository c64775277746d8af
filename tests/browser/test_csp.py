"""The pages whose libraries style from script stay within the CSP (ECharts tooltips, bpmn-js's align menu).

The `page` fixture fails a test on any CSP violation the browser reports.
"""
from playwright.sync_api import expect

from tests.browser.conftest import login
from tests.statistics.conftest import generate


def test_chart_tooltips_need_no_inline_style(page, live_server, org):
    generate(org)
    login(page, live_server, "dc")
    page.goto("/supervision/cockpit")
    expect(page.locator("#charts")).to_have_attribute("data-drawn", "1")
    for chart in ("#chart-lights", "#chart-units", "#chart-trend"):
        page.locator(chart).scroll_into_view_if_needed()
        box = page.locator(chart).bounding_box()
        for dx, dy in ((0.6, 0.5), (0.5, 0.35), (0.8, 0.5)):  # over a slice, a bar, a point: a tooltip opens
            page.mouse.move(box["x"] + box["width"] * dx, box["y"] + box["height"] * dy)
            page.wait_for_timeout(250)


def test_the_align_menu_of_the_designer_needs_no_inline_style(page, live_server, org):
    login(page, live_server, "admin")
    page.goto("/admin/designer/")
    page.locator("#processes tr", has_text="instruction_case").get_by_role("link", name="编辑").click()
    expect(page.locator("body")).to_have_attribute("data-designer-ready", "true")
    page.locator("#canvas").click(position={"x": 5, "y": 5})
    page.keyboard.press("Control+a")  # several elements: the context pad offers 对齐
    page.locator(".djs-context-pad.open .entry svg").first.click()
    expect(page.locator(".bjs-align-elements-menu-entry")).to_have_count(6)
    line = page.locator(".bjs-align-elements-menu-entry svg line").first
    assert line.evaluate("el => getComputedStyle(el).strokeWidth") == "100px"  # drawn by designer.css
