/* The designer's properties panel: edits what GovFlow's engine understands, as SpiffWorkflow extensions.
 *
 * Lanes name a role; user tasks name a form (and unit / assignee / due expressions); service tasks name a
 * registered handler and its parameters; timers carry a Python expression and a kind; flows out of a
 * gateway carry a Python condition or are the default. Unknown extensions are kept as they are.
 */
(function () {
  'use strict';

  const SPIFF = 'http://spiffworkflow.org/bpmn/schema/1.0/core';
  // What the panel calls an element: its kind in Chinese and its name; the raw id only in the tooltip.
  const TYPE_LABELS = {
    'bpmn:UserTask': '人工环节', 'bpmn:ServiceTask': '系统处理', 'bpmn:ScriptTask': '脚本环节', 'bpmn:Task': '环节',
    'bpmn:CallActivity': '调用子流程', 'bpmn:SubProcess': '子流程', 'bpmn:SequenceFlow': '连线',
    'bpmn:ExclusiveGateway': '排他网关', 'bpmn:ParallelGateway': '并行网关', 'bpmn:InclusiveGateway': '包容网关',
    'bpmn:EventBasedGateway': '事件网关', 'bpmn:StartEvent': '开始事件', 'bpmn:EndEvent': '结束事件',
    'bpmn:IntermediateCatchEvent': '中间事件', 'bpmn:IntermediateThrowEvent': '中间事件',
    'bpmn:BoundaryEvent': '边界事件', 'bpmn:Lane': '泳道（角色）', 'bpmn:Participant': '流程池', 'bpmn:Process': '流程',
    'bpmn:TextAnnotation': '注释', 'bpmn:Group': '分组', 'bpmn:DataObjectReference': '数据对象',
    'bpmn:DataStoreReference': '数据存储',
  };
  const TIMER_TYPES = { timeDate: '到期时间（日期表达式）', timeDuration: '时长（如 \'P5D\'）', timeCycle: '循环（如 \'R3/PT1H\'）' };

  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => {
      if (v === undefined || v === null || v === false) return;
      if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
      else if (k === 'text') el.textContent = v;
      else el.setAttribute(k, v === true ? '' : v);
    });
    children.flat().forEach((c) => c && el.append(c));
    return el;
  }

  function createPanel(modeler, container, catalog) {
    const modeling = modeler.get('modeling');
    const moddle = modeler.get('moddle');
    const elementFactory = modeler.get('elementFactory');
    const selection = modeler.get('selection');
    const canvas = modeler.get('canvas');
    let current = null;

    /* ---- SpiffWorkflow extension elements (kept generic so nothing unknown is lost) ---- */
    function extensions(bo) {
      return (bo.extensionElements && bo.extensionElements.get('values')) || [];
    }
    function findExt(bo, type) {
      return extensions(bo).find((v) => v.$type === type);
    }
    function ensureExt(element, type, attrs) {
      const bo = element.businessObject;
      let ext = bo.extensionElements;
      if (!ext) {
        ext = moddle.create('bpmn:ExtensionElements', { values: [] });
        ext.$parent = bo;
        modeling.updateProperties(element, { extensionElements: ext });
      }
      let node = findExt(bo, type);
      if (!node) {
        node = moddle.createAny(type, SPIFF, attrs || {});
        node.$children = [];
        node.$parent = ext;
        ext.get('values').push(node);
      }
      return node;
    }
    function children(node, type) {
      return (node && node.$children || []).filter((c) => c.$type === type);
    }
    function getProperty(bo, name) {
      const found = children(findExt(bo, 'spiffworkflow:properties'), 'spiffworkflow:property').find((p) => p.name === name);
      return found ? found.value : '';
    }
    function setProperty(element, name, value) {
      const props = ensureExt(element, 'spiffworkflow:properties');
      const found = children(props, 'spiffworkflow:property').find((p) => p.name === name);
      if (value) {
        if (found) found.value = value;
        else props.$children.push(moddle.createAny('spiffworkflow:property', SPIFF, { name: name, value: value }));
      } else if (found) {
        props.$children.splice(props.$children.indexOf(found), 1);
      }
      changed(element);
    }
    function operator(bo) {
      return findExt(bo, 'spiffworkflow:serviceTaskOperator');
    }
    function setHandler(element, key) {
      const op = ensureExt(element, 'spiffworkflow:serviceTaskOperator');
      op.id = key;
      if (!op.resultVariable) op.resultVariable = (key.split('.').pop() || 'result') + '_result';
      let params = children(op, 'spiffworkflow:parameters')[0];
      if (!params) {
        params = moddle.createAny('spiffworkflow:parameters', SPIFF, {});
        params.$children = [];
        op.$children = op.$children || [];
        op.$children.push(params);
      }
      const wanted = ((catalog.handlers[key] || {}).params || []).map((p) => p.name);
      params.$children = params.$children.filter((p) => wanted.includes(p.id));
      wanted.forEach((name) => {
        if (!params.$children.find((p) => p.id === name)) {
          params.$children.push(moddle.createAny('spiffworkflow:parameter', SPIFF, { id: name, type: 'any', value: name }));
        }
      });
      changed(element);
    }
    function setParameter(element, name, value) {
      const params = children(operator(element.businessObject), 'spiffworkflow:parameters')[0];
      const found = children(params, 'spiffworkflow:parameter').find((p) => p.id === name);
      if (found) found.value = value;
      changed(element);
    }
    function changed(element) {
      modeling.updateProperties(element, {}); // marks the diagram changed and redraws
    }

    /* ---- timers ---- */
    function timerOf(bo) {
      return (bo.eventDefinitions || []).find((d) => d.$type === 'bpmn:TimerEventDefinition');
    }
    function timerType(definition) {
      return Object.keys(TIMER_TYPES).find((t) => definition[t]) || 'timeDate';
    }
    function setTimer(element, type, body) {
      const definition = timerOf(element.businessObject);
      const update = { timeDate: undefined, timeDuration: undefined, timeCycle: undefined };
      update[type] = moddle.create('bpmn:FormalExpression', { body: body });
      modeling.updateModdleProperties(element, definition, update);
    }

    /* ---- fields ---- */
    function field(label, control, hint) {
      return h('label', { class: 'field' }, h('span', { text: label }), control, hint ? h('small', { class: 'muted', text: hint }) : null);
    }
    function input(value, onchange, attrs) {
      return h('input', Object.assign({ type: 'text', value: value || '', onchange: (e) => onchange(e.target.value.trim()) }, attrs || {}));
    }
    function select(options, value, onchange, attrs) {
      const el = h('select', Object.assign({ onchange: (e) => onchange(e.target.value) }, attrs || {}),
        options.map(([v, label]) => h('option', { value: v, selected: v === value, text: label })));
      if (value && !options.some(([v]) => v === value)) {
        el.prepend(h('option', { value: value, selected: true, text: value + '（未注册）' }));
      }
      return el;
    }
    function datalist(id, values) {
      return h('datalist', { id: id }, values.map(([v, label]) => h('option', { value: v, label: label })));
    }

    function describe(element) {
      const bo = element.businessObject;
      const kind = TYPE_LABELS[element.type] || '流程元素';
      if (element.type === 'bpmn:SequenceFlow') {
        const ends = [element.source, element.target].map((end) => (end && end.businessObject.name) || '未命名');
        const isDefault = element.source && element.source.businessObject.default === bo;
        return kind + '：' + ends.join(' → ') + (isDefault ? '（默认路径）' : '') + (bo.name ? ' · ' + bo.name : '');
      }
      return bo.name ? kind + '：' + bo.name : kind + '（未命名）';
    }

    function common(element) {
      const bo = element.businessObject;
      return [
        h('p', { class: 'panel-type', title: bo.id, text: describe(element) }),
        element.type === 'bpmn:Lane' ? null
          : field('名称', input(bo.name, (v) => modeling.updateLabel(element, v), { name: 'name' })),
      ];
    }

    function processFields(element) {
      const bo = element.businessObject;
      const process = element.type === 'bpmn:Participant' ? bo.processRef : bo;
      if (!process) return [];
      const target = element;
      return [
        h('h3', { text: '流程' }),
        field('流程标识（部署后不可改）', input(process.id, (v) => {
          if (element.type === 'bpmn:Participant') modeling.updateModdleProperties(target, process, { id: v });
          else modeling.updateProperties(target, { id: v });
        }, { name: 'process_id' })),
        field('可执行', h('input', { type: 'checkbox', name: 'executable', checked: process.isExecutable !== false,
          onchange: (e) => modeling.updateModdleProperties(target, process, { isExecutable: e.target.checked }) })),
      ];
    }

    function laneFields(element) {
      const bo = element.businessObject;
      const roles = catalog.roles.map((r) => [r.label, r.label + '（' + r.code + '）']);
      return [
        field('泳道名称 / 角色', select([['', '（非角色泳道：仅放系统环节）']].concat(roles), bo.name || '',
          (v) => modeling.updateLabel(element, v), { name: 'role' }),
        '用户任务按所在泳道分派给该角色；非角色泳道中不能放用户任务。'),
      ];
    }

    function userTaskFields(element) {
      const bo = element.businessObject;
      return [
        h('h3', { text: '用户任务' }),
        field('表单', select([['', '（请选择）']].concat(catalog.forms.map((f) => [f, f])), getProperty(bo, 'form'),
          (v) => setProperty(element, 'form', v), { name: 'form' })),
        field('办理单位（表达式）', input(getProperty(bo, 'unit'), (v) => setProperty(element, 'unit', v),
          { name: 'unit', placeholder: 'unit_id' }), '默认 unit_id'),
        field('指定办理人（表达式，可空）', input(getProperty(bo, 'assignee'), (v) => setProperty(element, 'assignee', v), { name: 'assignee' })),
        field('办理时限（表达式，可空）', input(getProperty(bo, 'due'), (v) => setProperty(element, 'due', v),
          { name: 'due', list: 'gf-timer-vars' })),
      ];
    }

    function serviceTaskFields(element) {
      const bo = element.businessObject;
      const op = operator(bo);
      const key = op ? op.id : '';
      const handlers = Object.entries(catalog.handlers).map(([k, v]) => [k, k + (v.doc ? '：' + v.doc.slice(0, 30) : '')]);
      const rows = [
        h('h3', { text: '服务任务' }),
        field('处理程序', select([['', '（请选择）']].concat(handlers), key, (v) => { if (v) setHandler(element, v); render(element); },
          { name: 'handler' })),
      ];
      if (op) {
        rows.push(field('结果变量', input(op.resultVariable, (v) => { op.resultVariable = v; changed(element); }, { name: 'result_variable' })));
        const params = children(children(op, 'spiffworkflow:parameters')[0], 'spiffworkflow:parameter');
        const spec = (catalog.handlers[key] || {}).params || [];
        params.forEach((p) => {
          const required = (spec.find((s) => s.name === p.id) || {}).required;
          rows.push(field('参数 ' + p.id + (required ? '（必填）' : ''), input(p.value, (v) => setParameter(element, p.id, v),
            { name: 'param_' + p.id })));
        });
      }
      return rows;
    }

    function timerFields(element) {
      const bo = element.businessObject;
      const definition = timerOf(bo);
      const type = timerType(definition);
      const body = definition[type] ? definition[type].body : '';
      const rows = [
        h('h3', { text: '定时' }),
        field('定时方式', select(Object.entries(TIMER_TYPES), type, (v) => { setTimer(element, v, body); render(element); }, { name: 'timer_type' })),
        field('定时表达式（Python）', input(body, (v) => setTimer(element, timerType(definition), v),
          { name: 'timer_expression', list: 'gf-timer-vars', placeholder: "deadlines['remind_at'] 或 'P5D'" }),
          '常量须加引号，如 \'PT2H\'；可用的期限变量见下拉提示。'),
        field('定时类别', select(catalog.timer_kinds.map((k) => [k.code, k.label]), getProperty(bo, 'kind') || 'timer',
          (v) => setProperty(element, 'kind', v), { name: 'timer_kind' })),
      ];
      if (element.type === 'bpmn:BoundaryEvent') {
        rows.push(field('中断当前环节', h('input', { type: 'checkbox', name: 'interrupting', checked: bo.cancelActivity !== false,
          onchange: (e) => modeling.updateProperties(element, { cancelActivity: e.target.checked }) })));
      }
      return rows;
    }

    function flowFields(element) {
      const bo = element.businessObject;
      const source = element.source;
      if (!source || !/Gateway$/.test(source.type) || source.type === 'bpmn:ParallelGateway') return [];
      const isDefault = source.businessObject.default === bo;
      return [
        h('h3', { text: '分支条件' }),
        field('默认路径', h('input', { type: 'checkbox', name: 'default_flow', checked: isDefault,
          onchange: (e) => { modeling.updateProperties(source, { default: e.target.checked ? bo : undefined }); render(element); } })),
        isDefault ? null : field('条件（Python 表达式）', h('textarea', { name: 'condition', rows: 2,
          onchange: (e) => modeling.updateProperties(element, { conditionExpression: e.target.value.trim()
            ? moddle.create('bpmn:FormalExpression', { body: e.target.value.trim() }) : undefined }) },
          bo.conditionExpression ? bo.conditionExpression.body : ''), '例如 decision == "approve"'),
      ];
    }

    function callActivityFields(element) {
      const bo = element.businessObject;
      return [h('h3', { text: '调用子流程' }),
        field('被调用流程标识', input(bo.calledElement, (v) => modeling.updateProperties(element, { calledElement: v }), { name: 'called_element' }))];
    }

    function activityActions(element) {
      return [h('button', { type: 'button', class: 'secondary', id: 'add-reminder', onclick: () => addReminder(element),
        text: '添加提醒定时器' }), h('small', { class: 'muted', text: '在此环节上挂一个不中断的定时，到时调用提醒处理程序。' })];
    }

    /* A non-interrupting timer on the activity, leading to a reminder service task and an end. */
    function addReminder(host) {
      const attached = (host.attachers || []).length;
      const shape = elementFactory.createShape({ type: 'bpmn:BoundaryEvent', eventDefinitionType: 'bpmn:TimerEventDefinition' });
      const boundary = modeling.createShape(shape, { x: host.x + 18 + 44 * attached, y: host.y + host.height }, host, { attach: true });
      modeling.updateProperties(boundary, { cancelActivity: false, name: '提醒' });
      setTimer(boundary, 'timeDuration', "'P5D'");
      setProperty(boundary, 'kind', 'reminder');
      const task = modeling.appendShape(boundary, { type: 'bpmn:ServiceTask' }, { x: boundary.x + 18 + 80, y: boundary.y + 100 });
      modeling.updateLabel(task, '发送提醒');
      const remind = Object.keys(catalog.handlers).find((k) => /remind$/.test(k));
      if (remind) setHandler(task, remind);
      modeling.appendShape(task, { type: 'bpmn:EndEvent' }, { x: task.x + task.width + 80, y: task.y + task.height / 2 });
      selection.select(boundary);
      canvas.scrollToElement(boundary);
    }

    // Sections leave out what does not apply as null: never appended (append(null) would print "null").
    const add = (...parts) => container.append(...parts.flat().filter(Boolean));

    function render(element) {
      current = element;
      container.replaceChildren();
      container.append(datalist('gf-timer-vars', catalog.timer_variables.map((v) => [v.expression, v.label])));
      if (!element) {
        const root = canvas.getRootElement();
        add(h('p', { class: 'muted', text: '选中图中的元素以编辑其属性。' }), processFields(root));
        return;
      }
      const bo = element.businessObject;
      const type = element.type;
      add(common(element));
      if (type === 'bpmn:Participant' || type === 'bpmn:Process') add(processFields(element));
      if (type === 'bpmn:Lane') add(laneFields(element));
      if (type === 'bpmn:UserTask') add(userTaskFields(element));
      if (type === 'bpmn:ServiceTask') add(serviceTaskFields(element));
      if (type === 'bpmn:CallActivity') add(callActivityFields(element));
      if (bo.eventDefinitions && timerOf(bo)) add(timerFields(element));
      if (type === 'bpmn:SequenceFlow') add(flowFields(element));
      if (/Task$|CallActivity|SubProcess/.test(type)) add(activityActions(element));
    }

    modeler.get('eventBus').on('selection.changed', (e) => render(e.newSelection.length === 1 ? e.newSelection[0] : null));
    modeler.get('eventBus').on('import.done', () => render(null));
    return { render: () => render(current), addReminder: addReminder };
  }

  window.GovFlowPanel = { create: createPanel };
})();
