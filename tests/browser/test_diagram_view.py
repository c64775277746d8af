"""An instance's diagram fits the page's width and can be zoomed (放大 / 缩小 / 适合宽度), at a desk and on a phone."""
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import login
from tests.cases.helpers import new_case

VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desk": {"width": 1366, "height": 900}}


def _widths(page):
    """(the diagram's drawn width, the box's width) in CSS pixels."""
    return page.evaluate("""() => {
      const box = document.querySelector('.diagram-viewer');
      const drawn = box.querySelector('.djs-container svg .viewport').getBoundingClientRect();
      return [drawn.width, box.clientWidth];
    }""")


@pytest.mark.parametrize("size", VIEWPORTS)
def test_the_case_diagram_fits_the_width_and_zooms(size, page, live_server, org):
    case = new_case(org)
    page.set_viewport_size(VIEWPORTS[size])
    login(page, live_server, "dc")
    page.goto(f"/cases/{case.id}")
    viewer = page.locator(".diagram-viewer")
    expect(viewer).to_have_attribute("data-rendered", "true")
    drawn, box = _widths(page)
    assert box * 0.8 <= drawn <= box + 1, (drawn, box)  # fitted to the width, not lost in a corner
    fitted = float(viewer.get_attribute("data-zoom"))
    bar = page.locator(".diagram-zoom")
    bar.get_by_role("button", name="放大").click()
    assert float(viewer.get_attribute("data-zoom")) == pytest.approx(fitted * 1.25, rel=0.01)
    bar.get_by_role("button", name="缩小").click()
    bar.get_by_role("button", name="缩小").click()
    assert float(viewer.get_attribute("data-zoom")) < fitted
    bar.get_by_role("button", name="适合宽度").click()
    assert float(viewer.get_attribute("data-zoom")) == pytest.approx(fitted, rel=0.01)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_the_designer_palette_covers_no_step_and_the_panel_names_no_raw_id(page, live_server, org):
    login(page, live_server, "admin")
    page.goto("/admin/designer/instruction_case/edit")
    expect(page.locator("body")).to_have_attribute("data-designer-ready", "true")
    covered = page.evaluate("""() => {
      const palette = document.querySelector('#canvas .djs-palette').getBoundingClientRect();
      return [...document.querySelectorAll('#canvas .djs-shape')].filter((shape) => {
        const r = shape.getBoundingClientRect();
        return r.left < palette.right && r.right > palette.left && r.top < palette.bottom && r.bottom > palette.top;
      }).map((shape) => shape.dataset.elementId);
    }""")
    assert covered == []
    # Every flow selected in turn: the panel names its kind and its two ends, never a raw id or "null".
    ids = page.evaluate("""() => window.GovFlowDesigner.modeler.get('elementRegistry')
      .filter((e) => e.type === 'bpmn:SequenceFlow').map((e) => e.id)""")
    assert len(ids) > 3
    for flow_id in ids:
        page.evaluate("""id => { const m = window.GovFlowDesigner.modeler;
          m.get('selection').select(m.get('elementRegistry').get(id)); }""", flow_id)
        kind = page.locator("#panel .panel-type")
        expect(kind).to_have_attribute("title", flow_id)
        text = page.locator("#panel").inner_text()
        assert kind.inner_text().startswith("连线：") and " → " in kind.inner_text(), kind.inner_text()
        assert flow_id not in text and "null" not in text and "undefined" not in text, (flow_id, text)
