"""Every main page at a phone's 390×844 and a desk's 1366×900: no page wider than the window (wide tables scroll in
their own wrapper), the navigation reachable, no serious or critical axe-core finding; a screenshot of each page is
kept under test-artifacts/layout/."""
import json
import re
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS, login, logout
from tests.emergencies import conftest as emergency_fixtures
from tests.emergencies.helpers import report
from tests.helpers import act, new_item
from tests.statistics.conftest import generate
from webapp.core import clock
from webapp.engine.models import HumanTask
from webapp.extensions import db
from webapp.reports.operations import create_item

org = emergency_fixtures.org  # the organisation with duty offices: emergencies can be reported

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desk": {"width": 1366, "height": 900}}
SEVERE = ("serious", "critical")


def _data(org):
    """Cases with a history (the desk, cockpit and reports), an item on its way, a draft, and an emergency."""
    cases = generate(org)  # leaves the clock at 2026-04-02 10:00 (Shanghai)
    item = new_item(org, title="某县春耕进展情况及下一步工作安排（含一个很长的标题用来检验表格在手机上的折行）")
    act(org, "verifier_a", item.instance_id, {"decision": "pass"})
    draft, task = create_item(org.users["writer_a"])
    db.session.commit()
    event = (clock.now() - timedelta(minutes=90)).astimezone(clock.LOCAL_TZ)  # the city's 2 hours still run
    emergency = report(org, event.strftime("%Y-%m-%dT%H:%M"))
    return {"case": cases["p2"], "item": item, "draft_task": task, "emergency": emergency}


def _pages(data):
    draft_row = db.session.query(HumanTask).filter_by(instance_id=data["draft_task"].instance_id, state="open").one()
    return {
        "writer_a": [("todo", "/"), ("done", "/done"), ("started", "/started"), ("copied", "/copied"),
                     ("urges", "/urges"), ("compose-new", "/reports/compose"), ("compose", f"/tasks/{draft_row.id}"),
                     ("item", f"/items/{data['item'].instance_id}"), ("reports", "/reports/"),
                     ("emergency-new", "/emergencies/new"), ("emergencies", "/emergencies/"),
                     ("emergency", f"/emergencies/{data['emergency'].id}"),
                     ("sheet-item", f"/sheets/items/{data['item'].id}"),
                     ("sheet-emergency", f"/sheets/emergencies/{data['emergency'].id}")],
        "dc": [("desk", "/supervision/"), ("cockpit", "/supervision/cockpit"), ("cases", "/cases/"),
               ("case", f"/cases/{data['case'].id}"), ("statistics", "/statistics/"),
               ("sheet-case-supervision", f"/sheets/cases/{data['case'].id}/supervision"),
               ("sheet-case-report", f"/sheets/cases/{data['case'].id}/report"),
               ("report-overdue", "/statistics/overdue"), ("report-faults", "/statistics/faults"),
               ("report-monthly", "/statistics/monthly")],
        "editor": [("scoring", "/scoring/"), ("scoring-quarter", "/scoring/quarter"), ("scoring-year", "/scoring/year"),
                   ("scoring-bonuses", "/scoring/bonuses"), ("scoring-awards", "/scoring/awards"),
                   ("emergency-report", "/emergencies/report"),
                   ("commissions", "/commissions/")],
        "admin": [("admin", "/admin/"), ("designer", "/admin/designer/"),
                  ("designer-edit", "/admin/designer/instruction_case/edit"), ("users", "/admin/users"),
                  ("units", "/admin/units")],
    }


def _nav_reachable(page, phone):
    """The menu's groups can be reached: on a phone after unfolding 菜单, on a desk at once."""
    nav = page.locator("header nav")
    toggler = nav.locator(".navbar-toggler")
    if phone:
        expect(toggler).to_be_visible()
        expect(nav.get_by_role("link", name="紧急信息", exact=True)).to_be_hidden()
        toggler.click()
        expect(page.locator("#main-nav")).to_have_class(re.compile(r"\bcollapse show\b"))  # unfolded, not moving
    else:
        expect(toggler).to_be_hidden()
    expect(nav.get_by_role("link", name="紧急信息", exact=True)).to_be_visible()
    nav.get_by_role("button", name="我的工作").click()
    expect(nav.get_by_role("link", name="待办")).to_be_visible()
    if phone:
        toggler.click()  # fold it again: the page is checked as it is first seen
        expect(nav.get_by_role("link", name="紧急信息", exact=True)).to_be_hidden()
    else:
        page.keyboard.press("Escape")


def _severe_findings(page):
    # Through the DevTools protocol: the pages' CSP (script-src 'self') refuses an injected <script> tag, and
    # bypassing the CSP would hide the violations the page fixture reports.
    page.evaluate(AXE.read_text(encoding="utf-8"))
    results = page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations")
    return [{"id": v["id"], "impact": v["impact"], "help": v["help"],
             "nodes": [n["target"] for n in v["nodes"][:5]]} for v in results if v["impact"] in SEVERE]


@pytest.mark.parametrize("size", VIEWPORTS)
def test_every_main_page_fits_the_window_and_passes_axe(size, page, live_server, org):
    data = _data(org)
    page.set_viewport_size(VIEWPORTS[size])
    folder = ARTIFACTS / "layout" / size
    folder.mkdir(parents=True, exist_ok=True)
    problems = []
    for username, pages in _pages(data).items():
        login(page, live_server, username)
        for name, path in pages:
            page.goto(path)
            expect(page.locator("main :is(h1, h2)").first).to_be_visible()
            page.wait_for_load_state("networkidle")
            widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
            page.screenshot(path=str(folder / f"{name}.png"), full_page=True)
            if widths[0] > widths[1]:
                problems.append(f"{name} ({path}): page {widths[0]} px wide in a {widths[1]} px window")
            _nav_reachable(page, size == "phone")
            findings = _severe_findings(page)
            if findings:
                problems.append(f"{name} ({path}): axe {json.dumps(findings, ensure_ascii=False)}")
        logout(page)
    assert not problems, "\n".join(problems)
