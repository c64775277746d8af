"""What changed between two versions of a process: elements added, removed, changed, moved."""
from operator import itemgetter

from . import definitions

BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
DI = "{http://www.omg.org/spec/BPMN/20100524/DI}"
SPIFF = "{http://spiffworkflow.org/bpmn/schema/1.0/core}"

TYPE_LABELS = {
    "userTask": "用户任务", "serviceTask": "服务任务", "scriptTask": "脚本任务", "callActivity": "调用子流程",
    "subProcess": "子流程", "startEvent": "开始事件", "endEvent": "结束事件", "boundaryEvent": "边界事件",
    "intermediateCatchEvent": "中间事件", "intermediateThrowEvent": "中间事件", "exclusiveGateway": "排他网关",
    "parallelGateway": "并行网关", "inclusiveGateway": "包容网关", "eventBasedGateway": "事件网关",
    "sequenceFlow": "连线", "lane": "泳道", "process": "流程", "participant": "参与者", "messageFlow": "消息流",
    "signal": "信号", "message": "消息", "escalation": "升级事件", "error": "错误定义", "textAnnotation": "注释",
    "task": "任务", "manualTask": "人工任务", "receiveTask": "接收任务", "sendTask": "发送任务",
    "businessRuleTask": "规则任务",
}
_FIELD_LABELS = {"name": "名称", "timer": "定时表达式", "event": "事件定义", "condition": "条件", "form": "表单",
                 "unit": "办理单位", "assignee": "办理人", "due": "办理期限", "kind": "定时类型", "property": "属性",
                 "handler": "处理程序", "parameters": "参数", "script": "脚本", "instructions": "办理说明",
                 "extension": "扩展属性", "lane": "泳道", "flow": "连线", "attributes": "其他属性",
                 "called": "被调用流程", "default": "默认路径", "documentation": "说明", "loop": "多实例"}
_PROPERTY_ASPECTS = {"form", "unit", "assignee", "due", "kind"}
_EVENT_DEFINITIONS = ("signalEventDefinition", "messageEventDefinition", "escalationEventDefinition",
                      "errorEventDefinition", "terminateEventDefinition", "conditionalEventDefinition",
                      "linkEventDefinition", "compensateEventDefinition", "cancelEventDefinition")

_COMPARED_APART = ("id", "name", "default", "calledElement", "sourceRef", "targetRef")


def _text(node):
    return " ".join("".join(node.itertext()).split()) if node is not None else ""


def _local(tag):
    return tag.split("}", 1)[1] if "}" in tag else tag


def _elements(xml):
    """id -> (type, name, {aspect: value}) for every semantic element that has an id; plus id -> DI bounds."""
    root = definitions.safe_tree(xml).getroot()
    lanes = {}
    for lane in root.iter(f"{BPMN}lane"):
        for ref in lane.iter(f"{BPMN}flowNodeRef"):
            lanes[(ref.text or "").strip()] = lane.get("id")  # a renamed lane shows once, on the lane
    elements, layout = {}, {}
    for node in root.iter():
        if not isinstance(node.tag, str):
            continue
        if node.tag.startswith(DI) and node.get("bpmnElement"):
            layout[node.get("bpmnElement")] = tuple(
                (c.get("x"), c.get("y"), c.get("width"), c.get("height")) for c in node.iter() if c is not node
                and isinstance(c.tag, str) and _local(c.tag) in ("Bounds", "waypoint"))
            continue
        if not node.tag.startswith(BPMN) or not node.get("id") or _part_of_parent(_local(node.tag)):
            continue
        aspects = {
            "name": node.get("name") or "",
            "timer": " ".join(f"{_local(t.tag)}:{_text(t)}" for t in node.findall(f"{BPMN}timerEventDefinition/*")),
            "event": _children(node, lambda tag: tag in _EVENT_DEFINITIONS),
            "condition": _text(node.find(f"{BPMN}conditionExpression")),
            "default": node.get("default") or "",
            "called": node.get("calledElement") or "",
            "lane": lanes.get(node.get("id"), ""),
            "flow": f"{node.get('sourceRef') or ''}->{node.get('targetRef') or ''}",
            "attributes": tuple(sorted((k, v) for k, v in node.attrib.items() if k not in _COMPARED_APART)),
            "script": _text(node.find(f"{BPMN}script")),
            "documentation": _text(node.find(f"{BPMN}documentation")),
            "loop": _children(node, lambda tag: tag.endswith("LoopCharacteristics")),
        }
        ext = node.find(f"{BPMN}extensionElements")
        for child in ext if ext is not None else ():
            if isinstance(child.tag, str):
                for key, value in _extension_aspects(child):
                    aspects[key] = aspects.get(key, "") + value
        elements[node.get("id")] = (_local(node.tag), node.get("name") or "", aspects)
    return elements, layout


def _part_of_parent(tag):
    """Elements compared as an aspect of the element holding them (or containers), not on their own."""
    return tag in ("definitions", "collaboration", "laneSet", "conditionExpression", "documentation", "script") \
        or tag.endswith(("EventDefinition", "LoopCharacteristics"))


def _children(node, wanted):
    return " ".join(_describe(c, skip_id=True) for c in node if isinstance(c.tag, str) and wanted(_local(c.tag)))


def _extension_aspects(child):
    """(aspect, text) pairs for one child of extensionElements, so a diff can say which setting changed."""
    tag = _local(child.tag)
    if tag == "properties":
        for prop in child.iter(f"{SPIFF}property"):
            name = prop.get("name") or ""
            yield ("property" if name not in _PROPERTY_ASPECTS else name), f"{name}={prop.get('value')};"
    elif tag == "serviceTaskOperator":
        yield "handler", f"{child.get('id')}->{child.get('resultVariable') or ''}"
        for param in child.iter(f"{SPIFF}parameter"):
            yield "parameters", f"{param.get('id')}={param.get('value')};"
    elif tag in ("preScript", "postScript"):
        yield "script", f"{tag}:{_text(child)}"
    elif tag == "instructionsForEndUser":
        yield "instructions", _text(child)
    else:
        yield "extension", _describe(child)


def _describe(node, skip_id=False):
    """Tags, attributes and text of a subtree; `skip_id`: generated ids of event definitions are no change."""
    parts = [f"{_local(n.tag)}{sorted((k, v) for k, v in n.attrib.items() if not (skip_id and k == 'id'))}"
             f"{(n.text or '').strip()}" for n in node.iter() if isinstance(n.tag, str)]
    return "|".join(parts)


def _entry(element_id, kind, name):
    return {"id": element_id, "type": TYPE_LABELS.get(kind, kind), "name": name}


def diff_summary(old_xml, new_xml):
    """{added, removed, changed (with `fields`), moved}: elements compared by id; moved counts layout-only changes."""
    old, old_layout = _elements(old_xml)
    new, new_layout = _elements(new_xml)
    added = [_entry(i, *new[i][:2]) for i in new if i not in old]
    removed = [_entry(i, *old[i][:2]) for i in old if i not in new]
    changed, moved = [], 0
    for i in old.keys() & new.keys():
        fields = ["类型"] if old[i][0] != new[i][0] else []
        fields += [_FIELD_LABELS.get(k, k) for k in sorted(old[i][2].keys() | new[i][2].keys())
                   if old[i][2].get(k, "") != new[i][2].get(k, "")]
        if fields:
            changed.append({**_entry(i, *new[i][:2]), "fields": list(dict.fromkeys(fields))})
        elif old_layout.get(i) != new_layout.get(i):
            moved += 1
    by_id = itemgetter("id")
    return {"added": sorted(added, key=by_id), "removed": sorted(removed, key=by_id),
            "changed": sorted(changed, key=by_id), "moved": moved}


def summary_text(diff):
    """One line for the versions list: 新增 2，删除 0，修改 1 (，调整位置 n)."""
    text = f"新增 {len(diff['added'])}，删除 {len(diff['removed'])}，修改 {len(diff['changed'])}"
    return text + (f"，调整位置 {diff['moved']}" if diff["moved"] else "")
