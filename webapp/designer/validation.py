"""Validation before deploy: every problem attached to the element at fault, with what to change, never a 500.

Errors stop a deploy; warnings are shown and deployed with. The order: safe, well-formed XML; BPMN; the
schema; what GovFlow's engine needs (executable processes, Python expressions, registered handlers and forms,
lanes that name roles, no data stores, sub-processes that start, no self-calling call activity); then
SpiffWorkflow's own parser; expressions and scripts the sandbox allows (the check the engine runs them under,
`webapp/engine/restricted.py`); bpmnlint's recommended rules as warnings.
"""
import ast
import logging
import re
from dataclasses import dataclass, field

from webapp.engine import checks, definitions, restricted, sandbox

from . import catalog, lint

log = logging.getLogger(__name__)

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
B = f"{{{BPMN_NS}}}"
SPIFF = "{http://spiffworkflow.org/bpmn/schema/1.0/core}"
TIMER_KINDS = ("timeDate", "timeDuration", "timeCycle")
ISO_TEXT = re.compile(r"^\s*(R\d*/)?(P(?!$)[\dYMWDTHS.,]*|\d{4}-\d{2}-\d{2}[T\d:.+\-Z]*)(/.*)?\s*$")
JUEL = re.compile(r"[$#]\{|^\s*=")  # JUEL ${…} / #{…}; FEEL as Camunda 8 writes it, "= expression"
BUILTINS = {name for name in restricted.BUILTINS if not name.startswith("_")}
# Rules that already say an expression cannot be read; the sandbox's verdict on it would only repeat them.
UNREADABLE = {"juel", "condition-syntax", "timer", "timer-quote", "timer-syntax", "timer-value"}


@dataclass
class Problem:
    element_id: str | None
    message: str
    rule: str

    def as_json(self):
        return {"element_id": self.element_id, "message": self.message, "rule": self.rule}


@dataclass
class ValidationReport:
    errors: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    process_ids: list = field(default_factory=list)

    @property
    def ok(self):
        return not self.errors

    def error(self, element_id, message, rule):
        self.errors.append(Problem(element_id, message, rule))

    def warn(self, element_id, message, rule):
        self.warnings.append(Problem(element_id, message, rule))

    def as_json(self):
        return {"errors": [p.as_json() for p in self.errors], "warnings": [p.as_json() for p in self.warnings],
                "process_ids": self.process_ids}


def validate(xml, process_key=None):
    """Check a BPMN document before deploy; `process_key` names the process meant to be started."""
    report = ValidationReport()
    try:
        _validate(report, xml, process_key)
    except Exception as exc:  # a validator bug must still answer with a message, not a 500
        log.exception("validation failed unexpectedly")
        report.error(None, f"校验时发生意外错误（{type(exc).__name__}），请检查文件或联系管理员。", "internal")
    return report


def _label(node):
    name = " ".join((node.get("name") or "").split())
    return f"“{name}”" if name else f" {node.get('id') or ''} "


def _validate(report, xml, process_key):
    data = xml.encode("utf-8") if isinstance(xml, str) else xml
    if not data.strip():
        return report.error(None, "文件为空：请上传 BPMN 2.0 流程图（.bpmn）", "xml")
    if re.search(rb"<!DOCTYPE|<!ENTITY", data[:4096], re.IGNORECASE):
        return report.error(None, "文件含 DOCTYPE/实体声明，出于安全原因拒绝（BPMN 文件不需要它们）", "xml-unsafe")
    try:
        tree = definitions.safe_tree(data)
    except definitions.DefinitionError as exc:
        return report.error(None, str(exc), "xml")
    root = tree.getroot()
    if root.tag != f"{B}definitions":
        return report.error(None, f"不是 BPMN 2.0 文件：根元素应为 definitions（命名空间 {BPMN_NS}），"
                                  f"实际为 {root.tag}", "not-bpmn")
    for element_id, line, message in checks.schema_problems(tree):
        report.error(element_id, f"不符合 BPMN 2.0 规范（第 {line} 行）：{message}", "schema")
    if report.errors:
        return None
    report.process_ids = definitions.process_ids(data)
    _engine_rules(report, root)
    if process_key and process_key not in report.process_ids and not report.errors:
        report.error(None, f"流程图中没有可启动的流程 {process_key}（现有：{'、'.join(report.process_ids) or '无'}）",
                     "process")
    if not report.errors:
        for pid in ([process_key] if process_key else report.process_ids):
            for element_id, message in checks.parse_problems(data, pid):
                report.error(element_id, f"流程引擎无法解析：{message}", "spiff")
    _sandbox_rules(report, root)
    for element_id, message, rule in lint.lint(data.decode("utf-8")):
        report.warn(element_id, message, rule)
    return None


def _engine_rules(report, root):
    processes = {p.get("id"): p for p in root.iter(f"{B}process")}
    if not processes:
        report.error(None, "流程图中没有流程（process）元素", "process")
    for pid, process in processes.items():
        if process.get("isExecutable") == "false":
            report.error(pid, f"流程{_label(process)}未标记为可执行（isExecutable=\"false\"），请在属性中勾选“可执行”",
                         "not-executable")
    known = _known_names(root)
    roles = catalog.roles()
    handlers = catalog.handler_catalog()
    forms = set(catalog.form_keys())
    lane_of = {}
    for lane in root.iter(f"{B}lane"):
        for ref in lane.iter(f"{B}flowNodeRef"):
            lane_of[(ref.text or "").strip()] = lane
    for node in root.iter():
        if not isinstance(node.tag, str) or not node.tag.startswith(B):
            continue
        kind = node.tag[len(B):]
        if kind == "userTask":
            _user_task(report, node, lane_of.get(node.get("id")), roles, forms)
        elif kind == "serviceTask":
            _service_task(report, node, handlers)
        elif kind in ("timerEventDefinition",):
            _timer(report, node, known)
        elif kind == "conditionExpression":
            _condition(report, node)
        elif kind in ("dataStoreReference", "dataStore"):
            report.error(node.get("id"), f"数据存储{_label(node)}没有可执行的实现，流程引擎无法运行它：请删除，"
                                         "或改为服务任务读写数据", "data-store")
        elif kind in ("subProcess", "transaction", "adHocSubProcess"):
            _sub_process(report, node)
        elif kind == "callActivity":
            _call_activity(report, node, processes)
        elif kind == "exclusiveGateway":
            _gateway(report, node, root, known)


def _parse(text, mode="eval"):
    """ast.parse, where nesting too deep for the parser or a NUL character is a SyntaxError like any other."""
    try:
        return ast.parse(text, mode=mode)
    except (RecursionError, MemoryError, ValueError) as exc:
        raise SyntaxError(f"无法解析（{type(exc).__name__}），请简化") from exc


def _sandbox_rules(report, root):
    """Each expression or script the engine would refuse to run, by the same check it runs under."""
    unreadable = {p.element_id for p in report.errors if p.rule in UNREADABLE}
    for element_id, message in sandbox.diagram_problems(root):
        if element_id not in unreadable:
            report.error(element_id, message, "sandbox")


def _user_task(report, node, lane, roles, forms):
    tid = node.get("id")
    if lane is None:
        report.error(tid, f"用户任务{_label(node)}不在任何泳道中：请放入以角色命名的泳道（{'、'.join(roles)}）", "lane")
    elif (lane.get("name") or "").strip() not in roles:
        message = (f"泳道“{lane.get('name') or lane.get('id')}”不对应任何角色，其中的用户任务无法分派："
                   f"请将泳道命名为以下角色之一：{'、'.join(roles)}")
        if not any(p.element_id == lane.get("id") for p in report.errors):
            report.error(lane.get("id"), message, "lane-role")
        lane_name = lane.get("name") or lane.get("id")
        report.error(tid, f"用户任务{_label(node)}所在泳道“{lane_name}”不对应任何角色", "lane-role")
    form = _property(node, "form")
    if form and form not in forms:
        report.error(tid, f"用户任务{_label(node)}的表单 {form} 未注册（可用：{'、'.join(sorted(forms))}）", "form")


def _property(node, name):
    for prop in node.iter(f"{SPIFF}property"):
        if prop.get("name") == name:
            return prop.get("value")
    return None


def _service_task(report, node, handlers):
    tid = node.get("id")
    operator = node.find(f"{B}extensionElements/{SPIFF}serviceTaskOperator")
    if operator is None:
        report.error(tid, f"服务任务{_label(node)}未指定处理程序，请在属性面板中选择（可用：{'、'.join(handlers)}）",
                     "handler")
        return
    key = operator.get("id")
    if key not in handlers:
        report.error(tid, f"服务任务{_label(node)}的处理程序 {key} 未注册（可用：{'、'.join(handlers)}）", "handler")
        return
    given = {p.get("id") for p in operator.iter(f"{SPIFF}parameter")}
    missing = [p["name"] for p in handlers[key]["params"] if p["required"] and p["name"] not in given]
    if missing:
        report.error(tid, f"服务任务{_label(node)}缺少处理程序 {key} 的必填参数：{'、'.join(missing)}",
                     "handler-params")


def _timer(report, definition, known):
    event = definition.getparent()
    eid = event.get("id")
    expressions = [(k, definition.find(f"{B}{k}")) for k in TIMER_KINDS if definition.find(f"{B}{k}") is not None]
    if not expressions:
        report.error(eid, f"定时事件{_label(event)}没有定时表达式，请在属性面板中填写（如 'PT1H'）", "timer")
    for kind, node in expressions:
        text = (node.text or "").strip()
        if not text:
            report.error(eid, f"定时事件{_label(event)}的定时表达式为空", "timer")
        elif JUEL.search(text):
            report.error(eid, f"定时事件{_label(event)}的表达式 {text} 是 JUEL/FEEL 写法，不受支持：表达式需为 Python，"
                              "如 deadlines['due_at'] 或 'P1D'", "juel")
        elif ISO_TEXT.match(text):
            report.error(eid, f"定时事件{_label(event)}的表达式 {text} 未加引号：定时表达式需为 Python 字符串，"
                              f"如 '{text}'（例：'PT1S'）", "timer-quote")
        else:
            _timer_python(report, event, kind, text, known)


def _timer_python(report, event, kind, text, known):
    eid = event.get("id")
    try:
        tree = _parse(text)
    except SyntaxError as exc:
        report.error(eid, f"定时事件{_label(event)}的表达式 {text} 不是有效的 Python 表达式（{exc.msg}）",
                     "timer-syntax")
        return
    if isinstance(tree.body, ast.Constant):
        if not isinstance(tree.body.value, str):
            report.error(eid, f"定时事件{_label(event)}的表达式 {text} 应为字符串，如 'PT1H'", "timer-value")
            return
        problem = checks.timer_constant_problem(kind, tree.body.value)
        if problem:
            sample = {"timeDuration": "'P5D'", "timeCycle": "'R3/PT1H'"}.get(kind, "'2026-12-31T17:00:00+08:00'")
            report.error(eid, f"定时事件{_label(event)}的值 {text} 不是有效的 ISO 8601 {kind}"
                              f"（如 {sample}）：{problem}",
                         "timer-value")
        return
    unknown = sorted({n.id for n in ast.walk(tree) if isinstance(n, ast.Name)} - known)
    if unknown:
        hints = "、".join(catalog.TIMER_VARIABLES)
        report.warn(eid, f"定时事件{_label(event)}的表达式使用了流程中未出现的变量：{'、'.join(unknown)}"
                         f"（可用的期限变量：{hints}）",
                    "timer-variables")


def _condition(report, node):
    flow = node.getparent()
    text = (node.text or "").strip()
    if JUEL.search(text):
        report.error(flow.get("id"), f"连线{_label(flow)}的条件 {text} 是 JUEL/FEEL 写法，不受支持："
                                     "表达式需为 Python 表达式，"
                                     "例如将 ${!approved} 改为 not approved", "juel")
        return
    if text:
        try:
            _parse(text)
        except SyntaxError as exc:
            report.error(flow.get("id"), f"连线{_label(flow)}的条件 {text} 不是有效的 Python 表达式（{exc.msg}）",
                         "condition-syntax")


def _sub_process(report, node):
    if node.get("triggeredByEvent") == "true":
        return
    if node.find(f"{B}startEvent") is None:
        report.error(node.get("id"), f"子流程{_label(node)}没有开始事件，流程引擎无法进入："
                                     "请在子流程内添加一个开始事件",
                     "sub-process-start")


def _call_activity(report, node, processes):
    called = node.get("calledElement")
    own = next((p for p in node.iterancestors(f"{B}process")), None)
    if not called:
        report.error(node.get("id"), f"调用活动{_label(node)}未指定被调用的流程", "call")
    elif own is not None and called == own.get("id"):
        report.error(node.get("id"), f"调用活动{_label(node)}调用了它所在的流程 {called}（直接递归），会无限运行："
                                     "请改为调用其他流程",
                     "recursion")
    elif called not in processes:
        report.error(node.get("id"), f"调用活动{_label(node)}调用的流程 {called} 不在此文件中"
                                     f"（可用：{'、'.join(processes)}）",
                     "call")


def _gateway(report, node, root, known):
    gid = node.get("id")
    outgoing = [f for f in root.iter(f"{B}sequenceFlow") if f.get("sourceRef") == gid]
    if len(outgoing) < 2 or node.get("default"):
        return
    for flow in outgoing:
        condition = flow.find(f"{B}conditionExpression")
        text = (condition.text or "").strip() if condition is not None else ""
        if not text:
            report.warn(gid, f"排他网关{_label(node)}的连线 {flow.get('id')} 没有条件，且网关没有默认路径", "gateway")
            continue
        try:
            names = {n.id for n in ast.walk(_parse(text)) if isinstance(n, ast.Name)}
        except SyntaxError:
            continue
        unknown = sorted(names - known)
        if unknown:
            report.warn(gid, f"排他网关{_label(node)}没有默认路径，且条件使用了流程中未出现的变量：{'、'.join(unknown)}"
                             "（都不满足时流程会出错）", "gateway")


def _known_names(root):
    """Names an expression may use: start data, handler results, form fields, script assignments, builtins."""
    known = set(catalog.START_VARIABLES) | catalog.timer_variable_names() | BUILTINS
    for op in root.iter(f"{SPIFF}serviceTaskOperator"):
        if op.get("resultVariable"):
            known.add(op.get("resultVariable"))
    for name in ("variableName", "resultVariable"):
        for node in root.iter(f"{SPIFF}{name}"):
            known.add((node.text or "").strip())
    for form in catalog.form_keys():
        known |= catalog.form_fields(form)
    for script in root.iter(f"{B}script", f"{SPIFF}preScript", f"{SPIFF}postScript"):
        try:
            tree = _parse(script.text or "", "exec")
        except SyntaxError:
            continue
        known |= {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    return known
