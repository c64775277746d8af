"""The process designer in a real browser.

An admin opens the instruction-case diagram in the editor, hangs a reminder timer on 承办 with the panel,
deploys it as v2; a case started afterwards shows the new reminder armed under its diagram, a case started
before does not. Every OMG MIWG reference model opens in the editor and the viewer and comes back without loss.
Run: /work/venv/bin/python -m pytest tests/browser/test_designer.py -q
"""
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import login, logout
from tests.cases.helpers import new_case
from tests.designer.semantic import semantic_diff

MIWG = sorted((Path(__file__).resolve().parents[1] / "designer" / "miwg").glob("*.bpmn"))  # CC-BY 3.0, see NOTICE.md
REMINDER = "办理中期提醒"
# What bpmn-js cannot carry and the editor does not put back (docs/designer.md): in C.8.1, operations'
# outMessageRef to a message the file never defines (triso:unspecified), and a vendor attribute written twice,
# with and without its prefix, on the same element.
TRISO = "{http://www.trisotech.com/2015/triso/modeling}"
KNOWN_LOSSES = {"C.8.1.bpmn": [f"allowedValues[1]: attribute {TRISO}constraintsType"] * 2
                + ["/outMessageRef[1]"] * 3}


def _open_editor(page, url):
    page.goto(url)
    expect(page.locator("body")).to_have_attribute("data-designer-ready", "true")


def _select(page, element_id):
    # a corner: flows may cross the middle of a step
    page.locator(f'#canvas [data-element-id="{element_id}"]').first.click(position={"x": 6, "y": 6})
    expect(page.locator("#panel .panel-type")).to_have_attribute("title", element_id)  # the id: a tooltip only


def test_admin_adds_a_reminder_that_only_new_cases_get(page, live_server, org):
    old = new_case(org)
    login(page, live_server, "admin")
    page.goto("/admin/designer/")
    page.locator("#processes tr", has_text="instruction_case").get_by_role("link", name="编辑").click()
    expect(page.locator("body")).to_have_attribute("data-designer-ready", "true")

    _select(page, "handling")
    page.locator("#add-reminder").click()
    panel = page.locator("#panel")
    expect(panel.locator(".panel-type")).to_contain_text("边界事件")
    panel.locator("input[name=name]").fill(REMINDER)
    panel.locator("input[name=name]").press("Tab")
    panel.locator("input[name=timer_expression]").fill("'P3D'")
    panel.locator("input[name=timer_expression]").press("Tab")
    expect(panel.locator("select[name=timer_kind]")).to_have_value("reminder")
    expect(panel.locator("input[name=interrupting]")).not_to_be_checked()
    boundary_id = panel.locator(".panel-type").get_attribute("title")

    page.locator("#comment").fill("承办环节增加办理中期提醒")
    page.locator("#deploy").click()
    expect(page.locator("#status")).to_contain_text("已部署为 instruction_case v2", timeout=20_000)

    new = new_case(org)  # started after the deploy: on v2
    logout(page)
    login(page, live_server, "dc")
    page.goto(f"/cases/{new.id}")
    timers = page.locator("#armed-timers")
    expect(timers).to_contain_text(REMINDER)
    expect(page.locator(".diagram-viewer")).to_have_attribute("data-rendered", "true")
    new_timer = page.locator(f'.diagram-viewer [data-element-id="{boundary_id}"]').first
    expect(new_timer).to_have_class(re.compile("gf-timer"))
    expect(page.locator('.diagram-viewer [data-element-id="register"]').first).to_have_class(re.compile("gf-done"))

    page.goto(f"/cases/{old.id}")
    expect(page.locator(".diagram-viewer")).to_have_attribute("data-rendered", "true")
    expect(page.locator("#armed-timers")).to_contain_text("到期前提醒")
    expect(page.locator("#armed-timers")).not_to_contain_text(REMINDER)
    expect(page.locator(f'.diagram-viewer [data-element-id="{boundary_id}"]')).to_have_count(0)


def test_errors_are_shown_on_the_elements_at_fault(page, live_server, org):
    login(page, live_server, "admin")
    _open_editor(page, "/admin/designer/info_report/edit")
    _select(page, "Lane_verifier")
    page.locator("#panel select[name=role]").select_option("")  # a lane with user tasks and no role
    page.locator("#validate").click()
    expect(page.locator("#status")).to_contain_text("校验未通过")
    problem = page.locator("#problem-list li.error", has_text="Lane_verifier").first
    expect(problem).to_be_visible()
    expect(page.locator('#canvas [data-element-id="Lane_verifier"]').first).to_have_class(re.compile("gf-error"))
    page.locator("#comment").fill("去掉角色")
    page.locator("#deploy").click()
    expect(page.locator("#status")).to_contain_text("未部署")


@pytest.mark.parametrize("path", MIWG, ids=[p.name for p in MIWG])
def test_miwg_reference_models_open_and_export_without_loss(page, live_server, org, path):
    xml = path.read_text(encoding="utf-8")
    login(page, live_server, "admin")
    _open_editor(page, "/admin/designer/new")
    page.locator("#upload").set_input_files(str(path))
    expect(page.locator("#status")).to_contain_text(f"已打开文件 {path.name}")
    exported = page.evaluate("GovFlowDesigner.currentXml()")
    diffs = semantic_diff(xml, exported)
    expected = KNOWN_LOSSES.get(path.name, [])
    assert len(diffs) == len(expected), diffs
    assert all(any(e in d for d in diffs) for e in expected), diffs
    # the read-only viewer (as on every instance page) draws it too
    page.goto("/admin/designer/info_report/versions/1")
    expect(page.locator(".diagram-viewer")).to_have_attribute("data-rendered", "true")
    drawn = page.evaluate("""async (xml) => {
        const el = document.createElement('div');
        el.style.height = '400px';
        document.body.append(el);
        const viewer = await GovFlowViewer.render(el, xml);
        return viewer.get('elementRegistry').getAll().length;
    }""", xml)
    assert drawn > 1


def test_a_file_uploaded_from_the_list_opens_in_the_editor(page, live_server, org):
    login(page, live_server, "admin")
    page.goto("/admin/designer/")
    page.locator("#upload-file").set_input_files(str(MIWG[0]))
    expect(page.locator("#status")).to_contain_text(f"已打开文件 {MIWG[0].name}")
    page.locator("#validate").click()
    expect(page.locator("#status")).to_contain_text("校验未通过")
    expect(page.locator("#problem-list li.error").first).to_contain_text("isExecutable")
