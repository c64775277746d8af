/* Read-only instance diagram: marks the steps done, the current steps and the armed timers. */
(function () {
  'use strict';

  function mark(viewer, state) {
    const canvas = viewer.get('canvas');
    const registry = viewer.get('elementRegistry');
    const add = (ids, marker) => (ids || []).forEach((id) => { if (registry.get(id)) canvas.addMarker(id, marker); });
    add(state.completed, 'gf-done');
    add(state.current, 'gf-current');
    add(state.timers, 'gf-timer');
    const overlays = viewer.get('overlays');
    const section = viewer.get('canvas').getContainer().closest('.instance-diagram');
    (section ? section.querySelectorAll('tr[data-element][data-due]') : []).forEach((row) => {
      if (!registry.get(row.dataset.element)) return;
      const label = document.createElement('div');
      label.className = 'gf-due';
      label.textContent = row.dataset.due;
      overlays.add(row.dataset.element, { position: { bottom: -4, left: -30 }, html: label });
    });
  }

  /* Draw `xml` into `container`; resolves with the viewer, or rejects with a readable message. */
  async function render(container, xml, state) {
    const viewer = new BpmnJS({ container: container });
    try {
      const result = await viewer.importXML(xml);
      viewer.get('canvas').zoom('fit-viewport');
      if (state) mark(viewer, state);
      container.dataset.rendered = 'true';
      container.dataset.warnings = String(result.warnings.length);
      return viewer;
    } catch (err) {
      container.dataset.rendered = 'error';
      container.textContent = '流程图无法显示：' + err.message;
      throw err;
    }
  }

  async function init() {
    for (const el of document.querySelectorAll('.diagram-viewer[data-source]')) {
      const response = await fetch(el.dataset.source, { credentials: 'same-origin' });
      if (!response.ok) {
        el.textContent = '流程图加载失败（' + response.status + '）';
        continue;
      }
      const state = JSON.parse(el.dataset.state || '{}');
      render(el, await response.text(), state).catch(() => {});
    }
  }

  window.GovFlowViewer = { render: render };
  document.addEventListener('DOMContentLoaded', init);
})();
