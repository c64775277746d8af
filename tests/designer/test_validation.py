"""Validation before deploy: each rejection names the element at fault and what to change; nothing raises."""
from pathlib import Path

import pytest

from webapp.designer.validation import validate
from webapp.engine import definitions

MIWG = Path(__file__).parent / "miwg"
PROCESSES = sorted(Path("processes").glob("*.bpmn"))
HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n'
        '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
        'xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="d" targetNamespace="http://govflow.cn/test">')


def diagram(body, lane="办公室主任", executable="true", extra=""):
    """A one-process document: start -> `body` elements (ids a, b, …) -> end, every node in one lane."""
    return (f'{HEAD}{extra}<bpmn:process id="p" name="测试" isExecutable="{executable}">'
            f'<bpmn:laneSet id="ls"><bpmn:lane id="lane1" name="{lane}"><bpmn:flowNodeRef>t</bpmn:flowNodeRef>'
            f'</bpmn:lane></bpmn:laneSet><bpmn:startEvent id="s" />{body}</bpmn:process></bpmn:definitions>')


USER_TASK = ('<bpmn:userTask id="t" name="审核"><bpmn:extensionElements><spiffworkflow:properties>'
             '<spiffworkflow:property name="form" value="{form}" /></spiffworkflow:properties></bpmn:extensionElements>'
             '</bpmn:userTask>')


def timer(expression, kind="timeDuration"):
    return (f'<bpmn:intermediateCatchEvent id="wait" name="等待"><bpmn:timerEventDefinition>'
            f'<bpmn:{kind}>{expression}</bpmn:{kind}></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>')


def problems(report, kind="errors"):
    return {(p.element_id, p.rule) for p in getattr(report, kind)}


def messages(report):
    return " ".join(p.message for p in report.errors)


@pytest.mark.parametrize("path", PROCESSES, ids=[p.name for p in PROCESSES])
def test_govflows_own_processes_have_no_errors(path):
    report = validate(path.read_text(encoding="utf-8"))
    assert report.errors == []
    assert report.process_ids


@pytest.mark.parametrize("xml, rule, words", [
    ("", "xml", "文件为空"),
    ("<bpmn:definitions", "xml", "XML 格式错误"),
    ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]><a>&lol2;</a>',
     "xml-unsafe", "DOCTYPE"),
    ('<?xml version="1.0"?><note><to>x</to></note>', "not-bpmn", "不是 BPMN 2.0 文件"),
    (HEAD + '<bpmn:process id="p" isExecutable="true"><bpmn:userTask id="t"><bpmn:bogus/></bpmn:userTask>'
     '</bpmn:process></bpmn:definitions>', "schema", "不符合 BPMN 2.0 规范"),
])
def test_what_is_not_safe_bpmn_is_refused_with_a_reason(xml, rule, words):
    report = validate(xml)
    assert rule in {p.rule for p in report.errors}
    assert words in messages(report)


def test_a_huge_file_is_refused_before_parsing():
    report = validate(diagram("<!--" + "x" * definitions.MAX_BPMN_BYTES + "-->"))
    assert "文件过大" in messages(report)


def test_a_process_marked_not_executable_is_refused_on_the_process():
    report = validate(diagram(USER_TASK.format(form="reports.review"), executable="false"))
    assert ("p", "not-executable") in problems(report)
    assert "isExecutable" in messages(report) and "可执行" in messages(report)


def test_a_service_task_needs_a_registered_handler_and_its_parameters():
    unnamed = validate(diagram('<bpmn:serviceTask id="svc" name="归档" />'))
    assert ("svc", "handler") in problems(unnamed) and "未指定处理程序" in messages(unnamed)
    unknown = validate(diagram('<bpmn:serviceTask id="svc"><bpmn:extensionElements><spiffworkflow:serviceTaskOperator '
                               'id="cases.nope" /></bpmn:extensionElements></bpmn:serviceTask>'))
    assert ("svc", "handler") in problems(unknown) and "cases.nope" in messages(unknown)
    missing = validate(diagram('<bpmn:serviceTask id="svc"><bpmn:extensionElements><spiffworkflow:serviceTaskOperator '
                               'id="cases.remind" /></bpmn:extensionElements></bpmn:serviceTask>'))
    assert ("svc", "handler-params") in problems(missing) and "deadlines" in messages(missing)


def test_a_lane_that_names_no_role_is_refused_on_the_lane_and_its_tasks():
    report = validate(diagram(USER_TASK.format(form="reports.review"), lane="财务部"))
    assert {("lane1", "lane-role"), ("t", "lane-role")} <= problems(report)
    assert "信息员" in messages(report)  # says which names would do


def test_a_user_task_must_name_a_registered_form():
    report = validate(diagram(USER_TASK.format(form="no.such_form")))
    assert ("t", "form") in problems(report)


@pytest.mark.parametrize("expression, kind, rule, words", [
    ("R6/P1D", "timeCycle", "timer-quote", "定时表达式需为 Python 字符串，如 'R6/P1D'"),
    ("PT1S", "timeDuration", "timer-quote", "定时表达式需为 Python 字符串"),
    ("'3 days'", "timeDuration", "timer-value", "ISO 8601"),
    ("'P1D' +", "timeDuration", "timer-syntax", "不是有效的 Python 表达式"),
    ("${dueDate}", "timeDate", "juel", "JUEL/FEEL"),
    ("", "timeDuration", "timer", "为空"),
])
def test_a_timer_expression_that_does_not_evaluate_is_refused(expression, kind, rule, words):
    report = validate(diagram(USER_TASK.format(form="reports.review") + timer(expression, kind)))
    assert ("wait", rule) in problems(report)
    assert words in messages(report)


def test_timer_expressions_on_known_variables_pass_and_unknown_ones_warn():
    good = validate(diagram(USER_TASK.format(form="reports.review") + timer("deadlines['remind_at']", "timeDate")))
    assert not good.errors and ("wait", "timer-variables") not in problems(good, "warnings")
    odd = validate(diagram(USER_TASK.format(form="reports.review") + timer("due_when", "timeDate")))
    assert not odd.errors and ("wait", "timer-variables") in problems(odd, "warnings")


def test_juel_conditions_are_refused_on_the_flow():
    body = ('<bpmn:exclusiveGateway id="g" default="f2" /><bpmn:endEvent id="e1" /><bpmn:endEvent id="e2" />'
            '<bpmn:sequenceFlow id="f0" sourceRef="s" targetRef="g" />'
            '<bpmn:sequenceFlow id="f1" sourceRef="g" targetRef="e1"><bpmn:conditionExpression>${!approved}'
            '</bpmn:conditionExpression></bpmn:sequenceFlow><bpmn:sequenceFlow id="f2" sourceRef="g" targetRef="e2" />')
    report = validate(diagram(body))
    assert ("f1", "juel") in problems(report)
    assert "not approved" in messages(report)


def test_a_gateway_without_default_on_unknown_variables_warns():
    body = ('<bpmn:exclusiveGateway id="g" /><bpmn:endEvent id="e1" /><bpmn:endEvent id="e2" />'
            '<bpmn:sequenceFlow id="f0" sourceRef="s" targetRef="g" />'
            '<bpmn:sequenceFlow id="f1" sourceRef="g" targetRef="e1"><bpmn:conditionExpression>mood == "ok"'
            '</bpmn:conditionExpression></bpmn:sequenceFlow>'
            '<bpmn:sequenceFlow id="f2" sourceRef="g" targetRef="e2"><bpmn:conditionExpression>decision == "no"'
            '</bpmn:conditionExpression></bpmn:sequenceFlow>')
    report = validate(diagram(body))
    assert ("g", "gateway") in problems(report, "warnings")
    assert "mood" in " ".join(p.message for p in report.warnings)


def test_data_stores_and_sub_processes_without_start_are_refused():
    body = ('<bpmn:dataStoreReference id="ds" name="档案库" /><bpmn:subProcess id="sp" name="内部流转">'
            '<bpmn:task id="inner" /></bpmn:subProcess>')
    report = validate(diagram(body))
    assert {("ds", "data-store"), ("sp", "sub-process-start")} <= problems(report)


def test_a_call_activity_calling_its_own_process_is_refused():
    report = validate(diagram('<bpmn:callActivity id="again" name="再来一次" calledElement="p" />'))
    assert ("again", "recursion") in problems(report)
    missing = validate(diagram('<bpmn:callActivity id="other" calledElement="elsewhere" />'))
    assert ("other", "call") in problems(missing) and "elsewhere" in messages(missing)


def test_what_spiffworkflow_cannot_parse_is_refused_on_its_element():
    body = ('<bpmn:scriptTask id="calc" name="计算"><bpmn:script>x = </bpmn:script></bpmn:scriptTask>'
            '<bpmn:sequenceFlow id="f0" sourceRef="s" targetRef="calc" /><bpmn:sequenceFlow id="f1" sourceRef="calc" '
            'targetRef="nowhere" />')
    report = validate(diagram(body))
    assert report.errors
    assert any(p.rule in ("spiff", "schema") for p in report.errors)


def test_bpmnlint_recommended_rules_are_warnings():
    report = validate(diagram(USER_TASK.format(form="reports.review")))
    lint = [p for p in report.warnings if p.rule.startswith("bpmnlint/")]
    assert any(p.rule == "bpmnlint/no-disconnected" and p.element_id == "t" for p in lint)
    assert any("孤立元素" in p.message for p in lint)


# (file, element id, rule) for what each OMG MIWG reference model cannot run as drawn.
MIWG_EXPECTED = [
    ("A.1.0.bpmn", "WFP-6-", "not-executable"),
    ("A.3.0.bpmn", "_1ae31d1b-2559-4f78-a3ec-47986a49db48", "sub-process-start"),
    ("B.1.0.bpmn", "DS1373655174514", "data-store"),
    ("C.1.1.bpmn", "archiveInvoice", "handler"),
    ("C.3.0.bpmn", "Bpmn_BoundaryEvent_sS9gABqGEeWDuOtG0oS24A", "timer-quote"),
    ("C.3.0.bpmn", "_cd6f230f-13c3-4027-aa3e-57de601a1ab2", "sub-process-start"),
    ("C.4.0.bpmn", "_d367181e-c25a-407e-a5fb-817a27698a30", "data-store"),
    ("C.9.0.bpmn", "SequenceFlow_ApplicationAccepted", "juel"),
    ("C.9.1.bpmn", "BoundaryEvent_1", "timer-quote"),
    ("C.9.2.bpmn", "StartTimerEvent_AcceleratedDecision", "timer-quote"),
    ("C.9.2.bpmn", "CallActivity_RequestDocument", "call"),
]


@pytest.mark.parametrize("path", sorted(MIWG.glob("*.bpmn")), ids=lambda p: p.name)
def test_every_miwg_model_gets_messages_never_an_exception(path):
    report = validate(path.read_bytes())
    assert report.errors, "none of the reference models runs as drawn"
    assert all(p.message and p.rule != "internal" for p in report.errors + report.warnings)
    for name, element_id, rule in MIWG_EXPECTED:
        if name == path.name:
            assert (element_id, rule) in problems(report)
