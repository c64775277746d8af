"""What changed between two versions of a process: elements added, removed, changed, moved."""
from . import definitions

BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
DI = "{http://www.omg.org/spec/BPMN/20100524/DI}"

TYPE_LABELS = {
    "userTask": "用户任务", "serviceTask": "服务任务", "scriptTask": "脚本任务", "callActivity": "调用子流程",
    "subProcess": "子流程", "startEvent": "开始事件", "endEvent": "结束事件", "boundaryEvent": "边界事件",
    "intermediateCatchEvent": "中间事件", "intermediateThrowEvent": "中间事件", "exclusiveGateway": "排他网关",
    "parallelGateway": "并行网关", "inclusiveGateway": "包容网关", "eventBasedGateway": "事件网关",
    "sequenceFlow": "连线", "lane": "泳道", "process": "流程", "task": "任务", "manualTask": "人工任务",
    "receiveTask": "接收任务", "sendTask": "发送任务", "businessRuleTask": "规则任务",
}
_FIELD_LABELS = {"name": "名称", "timer": "定时表达式", "condition": "条件", "properties": "属性（表单/办理单位等）",
                 "handler": "处理程序", "script": "脚本", "lane": "泳道", "flow": "连线", "attributes": "其他属性",
                 "called": "被调用流程", "default": "默认路径"}


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
            lanes[(ref.text or "").strip()] = lane.get("name") or lane.get("id")
    elements, layout = {}, {}
    for node in root.iter():
        if not isinstance(node.tag, str):
            continue
        if node.tag.startswith(DI) and node.get("bpmnElement"):
            layout[node.get("bpmnElement")] = tuple(
                (c.get("x"), c.get("y"), c.get("width"), c.get("height")) for c in node.iter() if c is not node
                and isinstance(c.tag, str) and _local(c.tag) in ("Bounds", "waypoint"))
            continue
        if not node.tag.startswith(BPMN) or not node.get("id") or _local(node.tag) in (
                "definitions", "collaboration", "laneSet", "timerEventDefinition", "conditionExpression"):
            continue
        aspects = {
            "name": node.get("name") or "",
            "timer": " ".join(f"{_local(t.tag)}:{_text(t)}" for t in node.findall(f"{BPMN}timerEventDefinition/*")),
            "condition": _text(node.find(f"{BPMN}conditionExpression")),
            "default": node.get("default") or "",
            "called": node.get("calledElement") or "",
            "lane": lanes.get(node.get("id"), ""),
            "flow": f"{node.get('sourceRef') or ''}->{node.get('targetRef') or ''}",
            "attributes": tuple(sorted((k, v) for k, v in node.attrib.items()
                                       if k not in _COMPARED_APART)),
        }
        ext = node.find(f"{BPMN}extensionElements")
        if ext is not None:
            for child in ext:
                if not isinstance(child.tag, str):
                    continue
                key = {"serviceTaskOperator": "handler", "properties": "properties"}.get(_local(child.tag), "script")
                aspects[key] = aspects.get(key, "") + _describe(child)
        script = node.find(f"{BPMN}script")
        if script is not None:
            aspects["script"] = aspects.get("script", "") + _text(script)
        elements[node.get("id")] = (_local(node.tag), node.get("name") or "", aspects)
    return elements, layout


def _describe(node):
    parts = [f"{_local(n.tag)}{sorted(n.attrib.items())}{(n.text or '').strip()}"
             for n in node.iter() if isinstance(n.tag, str)]
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
        fields = [_FIELD_LABELS.get(k, k) for k in sorted(old[i][2].keys() | new[i][2].keys())
                  if old[i][2].get(k, "") != new[i][2].get(k, "")]
        if fields or old[i][0] != new[i][0]:
            changed.append({**_entry(i, *new[i][:2]), "fields": fields or ["类型"]})
        elif old_layout.get(i) != new_layout.get(i):
            moved += 1
    key = lambda e: e["id"]  # noqa: E731
    return {"added": sorted(added, key=key), "removed": sorted(removed, key=key),
            "changed": sorted(changed, key=key), "moved": moved}


def summary_text(diff):
    text = f"新增 {len(diff['added'])}，删除 {len(diff['removed'])}，修改 {len(diff['changed'])}"
    return text + (f"，调整位置 {diff['moved']}" if diff["moved"] else "")
