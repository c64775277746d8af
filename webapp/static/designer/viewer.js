/* Read-only instance diagram: marks the steps done, the current steps and the armed timers; fits the diagram to
   the width of the page (the box takes the diagram's proportions) and offers 放大 / 缩小 / 适合宽度 buttons; drag to pan. */
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

  const MIN_HEIGHT = 220;
  const ZOOM_STEP = 1.25;

  /* The box gets the diagram's proportions at the page's width (never taller than most of the window), and the
     diagram fills it: fitting the viewport is then fitting the width. Heights go through the CSSOM (CSP). */
  function fitWidth(viewer, container) {
    const canvas = viewer.get('canvas');
    const inner = canvas.viewbox().inner;
    if (inner.width > 0) {
      const wanted = container.clientWidth * (inner.height + 40) / (inner.width + 40);
      const cap = Math.max(MIN_HEIGHT, window.innerHeight * 0.75);
      container.style.height = Math.round(Math.min(cap, Math.max(MIN_HEIGHT, wanted))) + 'px';
      canvas.resized();
    }
    canvas.zoom('fit-viewport', 'auto');
  }

  function zoomBy(viewer, factor) {
    const canvas = viewer.get('canvas');
    canvas.zoom(canvas.zoom() * factor, 'auto');
  }

  function controls(viewer, container) {
    const bar = container.parentElement.querySelector('.diagram-zoom');
    if (!bar) return;
    bar.hidden = false;
    bar.addEventListener('click', (event) => {
      const button = event.target.closest('button[data-zoom]');
      if (!button) return;
      const how = button.dataset.zoom;
      if (how === 'in') zoomBy(viewer, ZOOM_STEP);
      else if (how === 'out') zoomBy(viewer, 1 / ZOOM_STEP);
      else fitWidth(viewer, container);
      container.dataset.zoom = viewer.get('canvas').zoom().toFixed(3);
    });
  }

  /* Draw `xml` into `container`; resolves with the viewer, or rejects with a readable message. */
  async function render(container, xml, state) {
    const viewer = new BpmnJS({ container: container });
    try {
      const result = await viewer.importXML(xml);
      if (state) {
        fitWidth(viewer, container);
        controls(viewer, container);
        mark(viewer, state);
      } else {
        viewer.get('canvas').zoom('fit-viewport');
      }
      container.dataset.zoom = viewer.get('canvas').zoom().toFixed(3);
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
