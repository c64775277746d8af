"""The version diff: elements compared by id, what changed named in words, layout-only moves counted apart."""
from pathlib import Path

import pytest

from webapp.engine import versions
from webapp.engine.definitions import DefinitionError

from .conftest import BPMN_DIR

V1 = (BPMN_DIR / "migration_v1.bpmn").read_text(encoding="utf-8")
V2 = (BPMN_DIR / "migration_v2.bpmn").read_text(encoding="utf-8")
CASE = Path("processes/instruction_case.bpmn").read_text(encoding="utf-8")


def _changed(diff):
    return {c["id"]: c["fields"] for c in diff["changed"]}


def test_the_same_diagram_has_no_differences():
    diff = versions.diff_summary(CASE, CASE)
    assert diff == {"added": [], "removed": [], "changed": [], "moved": 0}
    assert versions.summary_text(diff) == "新增 0，删除 0，修改 0"


def test_added_removed_and_rewired_elements_are_listed_by_id():
    diff = versions.diff_summary(V1, V2)

    assert {(e["id"], e["type"], e["name"]) for e in diff["added"]} == {
        ("nudge", "边界事件", "初审提醒"), ("third", "用户任务", "终审"), ("nudged", "结束事件", ""),
        ("f5", "连线", "")}
    assert [(e["id"], e["type"], e["name"]) for e in diff["removed"]] == [("second", "用户任务", "复审")]
    assert _changed(diff) == {"f2": ["连线"], "f3": ["连线"]}
    assert versions.summary_text(diff) == "新增 4，删除 1，修改 2"


@pytest.mark.parametrize("old, new, element, fields", [
    ('name="初审时限"', 'name="初审期限"', "limit", ["名称"]),
    ("'PT2H'", "'PT4H'", "limit", ["定时表达式"]),
    ('value="test.decide" /></spiffworkflow:properties></bpmn:extensionElements>\n      <bpmn:incoming>f1',
     'value="test.other" /></spiffworkflow:properties></bpmn:extensionElements>\n      <bpmn:incoming>f1',
     "first", ["表单"]),
    ('cancelActivity="true"', 'cancelActivity="false"', "limit", ["其他属性"]),
    ('<bpmn:flowNodeRef>second</bpmn:flowNodeRef></bpmn:lane>',
     '</bpmn:lane><bpmn:lane id="l2" name="分管领导"><bpmn:flowNodeRef>second</bpmn:flowNodeRef></bpmn:lane>',
     "second", ["泳道"]),
    ('<bpmn:sequenceFlow id="f3" sourceRef="second" targetRef="done" />',
     '<bpmn:sequenceFlow id="f3" sourceRef="second" targetRef="done">'
     '<bpmn:conditionExpression>decision == "ok"</bpmn:conditionExpression></bpmn:sequenceFlow>', "f3", ["条件"]),
])
def test_a_changed_element_names_what_changed(old, new, element, fields):
    assert old in V1
    diff = versions.diff_summary(V1, V1.replace(old, new, 1))

    assert _changed(diff)[element] == fields
    assert all(e["id"] == "l2" for e in diff["added"]) and diff["removed"] == []


def test_a_renamed_lane_is_one_change_on_the_lane_not_one_per_step():
    diff = versions.diff_summary(V1, V1.replace('name="办公室主任"', 'name="综合科"'))
    assert _changed(diff) == {"l1": ["名称"]}


def test_a_service_task_tells_its_handler_from_its_parameters():
    handler = CASE.replace('id="cases.remind"', 'id="cases.remind_again"')
    parameter = CASE.replace('<spiffworkflow:parameter id="urgency" type="any" value="urgency" />',
                             '<spiffworkflow:parameter id="urgency" type="any" value="\'urgent\'" />', 1)
    assert handler != CASE and parameter != CASE

    assert _changed(versions.diff_summary(CASE, handler)) == {"remind": ["处理程序"]}
    assert _changed(versions.diff_summary(CASE, parameter)) == {"compute_deadlines": ["参数"]}


def test_moving_an_element_on_the_diagram_only_counts_as_moved():
    bounds = CASE[CASE.index('<bpmndi:BPMNShape id="handling_di"'):]
    bounds = bounds[:bounds.index("/>", bounds.index("<dc:Bounds")) + 2]
    moved = bounds.replace(' x="', ' x="1', 1)
    assert moved != bounds

    diff = versions.diff_summary(CASE, CASE.replace(bounds, moved))

    assert (diff["changed"], diff["moved"]) == ([], 1)
    assert versions.summary_text(diff) == "新增 0，删除 0，修改 0，调整位置 1"


def test_entities_are_never_expanded_into_the_diff(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET", encoding="utf-8")
    hostile = V1.replace('<?xml version="1.0" encoding="UTF-8"?>',
                         f'<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE d [<!ENTITY x SYSTEM "file://{secret}">]>')
    hostile = hostile.replace('<bpmn:userTask id="first" name="初审">', '<bpmn:userTask id="first" name="初审">'
                              "<bpmn:documentation>&x;</bpmn:documentation>")

    diff = versions.diff_summary(V1, hostile)

    assert "TOP-SECRET" not in repr(diff)


def test_malformed_xml_is_a_definition_error():
    with pytest.raises(DefinitionError):
        versions.diff_summary(V1, "<bpmn:definitions")
