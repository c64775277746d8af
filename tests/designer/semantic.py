"""Semantic equality of two BPMN documents: what an export must keep, whatever the prefixes and formatting.

Compared: every element (namespace URI + local name) by its id, or by its place under its parent when it has
none; its attributes by namespace URI (xmlns declarations and prefixes ignored); its text; diagram bounds and
waypoints. Counted as equal, because BPMN defines them so: an attribute left out that equals the
schema's default; numbers written differently (11.0 and 11); runs of white space in names and text (CR LF as
written by Windows tools); `formalExpression`
and `expression` with xsi:type tFormalExpression; xsi:type itself.
"""
import re

from lxml import etree

XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"
BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
DEFAULTS = {  # BPMN 2.0 XSD / DI defaults (attribute -> default value)
    "isCollection": "false", "completionQuantity": "1", "startQuantity": "1", "isForCompensation": "false",
    "gatewayDirection": "Unspecified", "eventGatewayType": "Exclusive", "isSequential": "false",
    "instantiate": "false", "isInterrupting": "true", "cancelActivity": "true", "parallelMultiple": "false",
    "implementation": "##unspecified", "triggeredByEvent": "false", "isClosed": "false", "processType": "None",
    "associationDirection": "None", "expressionLanguage": "http://www.w3.org/1999/XPath",
    "typeLanguage": "http://www.w3.org/2001/XMLSchema", "textFormat": "text/plain", "testBefore": "false",
    "waitForCompletion": "true", "isUnlimited": "false", "ordering": "Parallel", "behavior": "All",
    "method": "##unspecified", "isImmediate": "true", "itemKind": "Information",
}
NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


def _text(value):
    return " ".join((value or "").split())


def _tag(node):
    return f"{BPMN}expression" if node.tag == f"{BPMN}formalExpression" else node.tag


def _attrs(node):
    out = {}
    for key, value in node.attrib.items():
        if key == XSI_TYPE or DEFAULTS.get(key) == value:
            continue
        out[key] = repr(round(float(value), 2)) if NUMBER.match(value.strip()) else _text(value)
    return out


def _index(xml):
    root = etree.fromstring(xml.encode("utf-8") if isinstance(xml, str) else xml)
    found = {}

    def walk(node, path):
        counts = {}
        for child in node:
            if not isinstance(child.tag, str):
                continue
            tag = _tag(child)
            key = child.get("id")
            if key is None:
                counts[tag] = counts.get(tag, 0) + 1
                key = f"{path}/{tag.split('}')[-1]}[{counts[tag]}]"
            found[key] = (tag, _attrs(child), _text(child.text))
            walk(child, key)

    found["<root>"] = (_tag(root), _attrs(root), "")
    walk(root, root.get("id") or "root")
    return found


def semantic_diff(xml_a, xml_b):
    """Readable differences between two BPMN documents; empty when they are semantically equal."""
    a, b = _index(xml_a), _index(xml_b)
    diffs = [f"missing {key}: {a[key][0]}" for key in a if key not in b]
    diffs += [f"added {key}: {b[key][0]}" for key in b if key not in a]
    for key in a.keys() & b.keys():
        (tag_a, attrs_a, text_a), (tag_b, attrs_b, text_b) = a[key], b[key]
        if tag_a != tag_b:
            diffs.append(f"{key}: element {tag_a} became {tag_b}")
        for name in attrs_a.keys() | attrs_b.keys():
            if attrs_a.get(name) != attrs_b.get(name):
                diffs.append(f"{key}: attribute {name} {attrs_a.get(name)!r} -> {attrs_b.get(name)!r}")
        if text_a != text_b:
            diffs.append(f"{key}: text {text_a[:60]!r} -> {text_b[:60]!r}")
    return sorted(diffs)
