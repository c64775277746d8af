/* The process editor: bpmn-js modeler, open/download files, validate and deploy with problems on the diagram. */
(function () {
  'use strict';

  /* bpmn-js draws its align-elements icons with style attributes, which the CSP refuses: hand them out without
     (designer.css gives the same look). */
  function withoutStyleAttributes(modeler) {
    const strip = (html) => html.replace(/ style="[^"]*"/g, '');
    const pad = modeler.get('alignElementsContextPadProvider', false);
    if (pad) {
      const entries = pad.getMultiElementContextPadEntries.bind(pad);
      pad.getMultiElementContextPadEntries = (elements) => {
        const found = entries(elements);
        Object.values(found).forEach((entry) => { if (entry.html) entry.html = strip(entry.html); });
        return found;
      };
    }
    const menu = modeler.get('alignElementsMenuProvider', false);
    if (menu) {
      const entries = menu.getPopupMenuEntries.bind(menu);
      menu.getPopupMenuEntries = (target) => {
        const found = entries(target);
        Object.values(found).forEach((entry) => { if (entry.imageHtml) entry.imageHtml = strip(entry.imageHtml); });
        return found;
      };
    }
  }

  const config = JSON.parse(document.getElementById('designer-config').textContent);
  const statusEl = document.getElementById('status');
  const problemsEl = document.getElementById('problems');
  const listEl = document.getElementById('problem-list');

  const BLANK = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI"
  xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI"
  xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="Definitions_new" targetNamespace="http://govflow.cn/bpmn">
  <bpmn:process id="new_process" name="新流程" isExecutable="true">
    <bpmn:startEvent id="start" name="开始" />
  </bpmn:process>
  <bpmndi:BPMNDiagram id="BPMNDiagram_new">
    <bpmndi:BPMNPlane id="BPMNPlane_new" bpmnElement="new_process">
      <bpmndi:BPMNShape id="start_di" bpmnElement="start"><dc:Bounds x="180" y="160" width="36" height="36" /></bpmndi:BPMNShape>
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
</bpmn:definitions>`;

  const modeler = new BpmnJS({ container: '#canvas' });
  withoutStyleAttributes(modeler);
  const panel = GovFlowPanel.create(modeler, document.getElementById('panel'), config.catalog);
  const canvas = modeler.get('canvas');
  const registry = modeler.get('elementRegistry');
  const overlays = modeler.get('overlays');
  let marked = [];
  let original = null; // the document as opened: what bpmn-js cannot draw is put back from it on export
  let fileName = (config.process_key || 'process') + '.bpmn';

  function status(text, kind) {
    statusEl.textContent = text;
    statusEl.className = 'designer-status ' + (kind || '');
  }

  /* Fit the diagram into the canvas to the right of the palette, which floats over the canvas's left edge:
     the palette never covers the first lane. */
  function fitBesidePalette() {
    canvas.zoom('fit-viewport');
    const container = canvas.getContainer();
    const palette = container.querySelector('.djs-palette');
    if (!palette) return;
    const reserve = palette.getBoundingClientRect().right - container.getBoundingClientRect().left + 12;
    const box = canvas.viewbox();
    const inner = box.inner;
    if (!inner.width || !inner.height) return;
    const scale = Math.min(1, (container.clientWidth - reserve - 12) / inner.width,
      (container.clientHeight - 24) / inner.height);
    canvas.viewbox({ x: inner.x - reserve / scale, y: inner.y - 12 / scale,
      width: container.clientWidth / scale, height: container.clientHeight / scale });
  }

  async function open(xml, source) {
    clearProblems();
    try {
      const result = await modeler.importXML(xml);
      original = new DOMParser().parseFromString(xml, 'application/xml');
      fitBesidePalette();
      const warnings = result.warnings.length ? `（${result.warnings.length} 处导入提示，见浏览器控制台）` : '';
      result.warnings.forEach((w) => console.warn(w.message));
      status(`已打开${source}${warnings}`, 'ok');
      document.body.dataset.designerReady = 'true';
    } catch (err) {
      status(`无法打开${source}：${err.message}`, 'error');
      document.body.dataset.designerReady = 'error';
    }
  }

  const DI = 'http://www.omg.org/spec/BPMN/20100524/DI';

  /* bpmn-js drops the diagram shapes of what it cannot draw (a process outside the collaboration's pools, an
   * edge between two diagram elements) and marks every exclusive gateway; restore both from the opened file,
   * so third-party diagrams come back as they were. */
  function keepOriginalDi(xml) {
    if (!original || original.querySelector('parsererror')) return xml;
    const out = new DOMParser().parseFromString(xml, 'application/xml');
    const ids = new Set(Array.from(out.querySelectorAll('[id]'), (e) => e.getAttribute('id')));
    const planes = Array.from(out.getElementsByTagNameNS(DI, 'BPMNPlane'));
    for (const el of Array.from(original.getElementsByTagNameNS(DI, '*'))) {
      const id = el.getAttribute('id');
      const copy = id && ids.has(id) ? out.querySelector(`[id="${CSS.escape(id)}"]`) : null;
      if (copy && copy.namespaceURI === DI) {
        if (el.localName === 'BPMNShape' && !el.hasAttribute('isMarkerVisible')) copy.removeAttribute('isMarkerVisible');
        for (const attr of Array.from(el.attributes)) { // e.g. messageVisibleKind, which bpmn-js does not keep
          if (!attr.name.startsWith('xmlns') && !copy.hasAttributeNS(attr.namespaceURI, attr.localName)) {
            copy.setAttributeNS(attr.namespaceURI, attr.name, attr.value);
          }
        }
      }
      if (!['BPMNShape', 'BPMNEdge'].includes(el.localName) || (id && ids.has(id))) continue;
      const ref = el.getAttribute('bpmnElement');
      if (ref && !ids.has(ref)) continue; // its element was deleted in the editor
      const planeRef = el.parentNode.getAttribute && el.parentNode.getAttribute('bpmnElement');
      const plane = planes.find((p) => p.getAttribute('bpmnElement') === planeRef);
      if (!plane) continue;
      plane.appendChild(out.importNode(el, true));
    }
    const known = new Set(Array.from(original.getElementsByTagNameNS(DI, 'BPMNPlane'), (p) => p.getAttribute('bpmnElement')));
    for (const diagram of Array.from(out.getElementsByTagNameNS(DI, 'BPMNDiagram'))) {
      const plane = diagram.getElementsByTagNameNS(DI, 'BPMNPlane')[0];
      // the empty drill-down planes bpmn-js adds for collapsed sub-processes
      if (plane && !plane.children.length && !known.has(plane.getAttribute('bpmnElement')) && original.getElementsByTagNameNS(DI, 'BPMNDiagram').length) {
        diagram.remove();
      }
    }
    const text = new XMLSerializer().serializeToString(out);
    return text.startsWith('<?xml') ? text : '<?xml version="1.0" encoding="UTF-8"?>\n' + text;
  }

  async function currentXml() {
    const { xml } = await modeler.saveXML({ format: true });
    return keepOriginalDi(xml);
  }

  function clearProblems() {
    marked.forEach(([id, cls]) => canvas.removeMarker(id, cls));
    marked = [];
    overlays.remove({ type: 'gf-problem' });
    listEl.replaceChildren();
    problemsEl.hidden = true;
  }

  function showProblems(errors, warnings) {
    clearProblems();
    const add = (problem, kind) => {
      const id = problem.element_id;
      const known = id && registry.get(id);
      const li = document.createElement('li');
      li.className = kind;
      li.dataset.element = id || '';
      li.textContent = `${kind === 'error' ? '错误' : '提示'}${id ? '［' + id + '］' : ''}：${problem.message}`;
      if (known) {
        li.tabIndex = 0;
        li.addEventListener('click', () => { modeler.get('selection').select(known); canvas.scrollToElement(known); });
        const cls = kind === 'error' ? 'gf-error' : 'gf-warning';
        canvas.addMarker(id, cls);
        marked.push([id, cls]);
        const badge = document.createElement('div');
        badge.className = 'gf-problem-badge ' + kind;
        badge.title = problem.message;
        badge.textContent = kind === 'error' ? '!' : '?';
        overlays.add(id, 'gf-problem', { position: { top: -10, right: 10 }, html: badge });
      }
      listEl.append(li);
    };
    errors.forEach((p) => add(p, 'error'));
    warnings.forEach((p) => add(p, 'warning'));
    problemsEl.hidden = !(errors.length || warnings.length);
  }

  async function post(url, body) {
    const response = await fetch(url, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'X-CSRF-Token': config.csrf_token },
      body: JSON.stringify(body),
    });
    let data = {};
    try { data = await response.json(); } catch (err) { data = { message: `服务器返回 ${response.status}` }; }
    return { ok: response.ok, status: response.status, data: data };
  }

  function fieldMessages(data) {
    return Object.entries(data.fields || {}).map(([k, v]) => `${k}：${[].concat(v).join('；')}`).join('；');
  }

  async function validate() {
    status('正在校验…');
    const { ok, data } = await post(config.validate_url, { xml: await currentXml(), process_key: config.process_key });
    if (!ok) return status(data.message + ' ' + fieldMessages(data), 'error');
    showProblems(data.errors, data.warnings);
    status(data.errors.length ? `校验未通过：${data.errors.length} 处错误，${data.warnings.length} 处提示。`
      : `校验通过${data.warnings.length ? `，${data.warnings.length} 处提示` : ''}。`, data.errors.length ? 'error' : 'ok');
  }

  async function deploy() {
    const comment = document.getElementById('comment').value.trim();
    if (!comment) {
      document.getElementById('comment').focus();
      return status('请先填写版本说明。', 'error');
    }
    status('正在校验并部署…');
    const { ok, data } = await post(config.deploy_url, { xml: await currentXml(), comment: comment, process_key: config.process_key });
    if (!ok) {
      showProblems(data.errors || [], data.warnings || []);
      return status(`未部署：${data.message}${data.fields ? ' ' + fieldMessages(data) : ''}`, 'error');
    }
    showProblems([], data.warnings);
    config.process_key = data.process_key;
    const link = document.createElement('a');
    link.href = data.versions_url;
    link.textContent = '查看版本';
    status(data.created ? `已部署为 ${data.process_key} v${data.version}：新发起的流程将使用此版本。`
      : `与当前版本 v${data.version} 相同，未生成新版本。`, 'ok');
    statusEl.append(' ', link);
  }

  async function download() {
    const blob = new Blob([await currentXml()], { type: 'application/xml' });
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = fileName;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  }

  const upload = document.getElementById('upload');
  upload.addEventListener('change', async () => {
    const file = upload.files[0];
    if (!file) return;
    if (file.size > 2 * 1024 * 1024) return status('文件过大（上限 2048 KB）。', 'error');
    fileName = file.name;
    await open(await file.text(), `文件 ${file.name}`);
    upload.value = '';
  });
  document.getElementById('validate').addEventListener('click', validate);
  document.getElementById('deploy').addEventListener('click', deploy);
  document.getElementById('download').addEventListener('click', download);

  async function start() {
    if (config.source_url) {
      const response = await fetch(config.source_url, { credentials: 'same-origin' });
      if (!response.ok) return status(`流程图加载失败（${response.status}）`, 'error');
      await open(await response.text(), '已部署的版本');
    } else {
      const uploaded = config.open_upload && sessionStorage.getItem('govflow-upload');
      if (uploaded) {
        sessionStorage.removeItem('govflow-upload');
        const file = JSON.parse(uploaded);
        fileName = file.name;
        await open(file.xml, `文件 ${file.name}`);
      } else {
        await open(BLANK, '空白流程');
      }
    }
  }

  window.GovFlowDesigner = { modeler: modeler, panel: panel, open: open, currentXml: currentXml, validate: validate };
  start();
})();
