"""The sandbox: known escapes are refused by validation and, in diagrams deployed before it, at run time.

Every escape tries to create a file; run through a real diagram, the step becomes an incident and the file
never appears. Runaway expressions stop with a Chinese reason within seconds, and the diagrams' own
expressions (data, datetime arithmetic, scripts setting variables) still run.
"""
import os
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from lxml import etree

from tests.helpers import act, new_item, open_task
from webapp.core.errors import AppError
from webapp.designer.validation import validate
from webapp.engine import definitions, restricted, runner, sandbox, store
from webapp.engine.diagram import diagram_state
from webapp.engine.models import Incident, ProcessInstance
from webapp.engine.projection import current_data
from webapp.extensions import db

INFO_REPORT = Path("processes/info_report.bpmn")
SYSTEM = "__import__('os').system('touch MARK')"
WRITE = "open('MARK', 'w').write('x')"

# (name, where, text): "eval" goes into a gateway condition, "exec" into a script task. MARK is the file an
# escape would create.
ESCAPES = [
    ("import builtin", "eval", SYSTEM),
    ("subclasses walk", "eval",
     "[c for c in ().__class__.__mro__[1].__subclasses__() if c.__name__ == 'Popen'][0](['touch', 'MARK'])"),
    ("getattr on a dunder", "eval", "getattr(len, '__self__').open('MARK', 'w')"),
    ("function globals via getattr", "eval", "getattr(getattr(len, '__self__'), 'open')('MARK', 'w')"),
    ("builtin's module", "eval", "len.__self__.open('MARK', 'w')"),
    ("str.format field walk", "eval", "'{0.__class__.__init__.__globals__}'.format(decision)"),
    ("str.format without dunders in code", "eval", "('{0.' + '_' * 2 + 'class' + '_' * 2 + '}').format(decision)"),
    ("format_map", "eval", "'{x.__class__}'.format_map({'x': decision})"),
    ("format builtin", "eval", "format(decision, 'x')"),
    ("open", "eval", WRITE),
    ("eval", "eval", f'eval("{SYSTEM}")'),
    ("exec", "eval", "exec(\"import os; os.system('touch MARK')\")"),
    ("compile", "eval", "compile('import os', 'x', 'exec')"),
    ("lambda reaching builtins", "eval", "(lambda f: f('MARK', 'w'))(open)"),
    ("comprehension reaching builtins", "eval", "[b for b in [__builtins__]][0]['open']('MARK', 'w')"),
    ("type", "eval", "type(decision).mro()[1].__subclasses__()"),
    ("vars", "eval", "vars()['__builtins__']['open']('MARK', 'w')"),
    ("globals", "eval", "globals()['__builtins__']['open']('MARK', 'w')"),
    ("locals", "eval", "locals()"),
    ("dir", "eval", "dir(decision)"),
    ("f-string attribute walk", "eval", "f'{decision.__class__.__mro__}'"),
    ("str.__dict__", "eval", "str.__dict__['format']"),
    ("operator.attrgetter", "eval", "operator.attrgetter('__class__')(decision)"),
    ("datetime.sys", "eval", "datetime.sys.modules['os'].system('touch MARK')"),
    ("module attribute walk from a helper", "eval", "datetime.datetime.__module__"),
    ("helper's class to object", "eval", "timedelta.__base__.__subclasses__()"),
    ("generator frame walk", "eval",
     "(x for x in [1]).gi_frame.f_back.f_globals['__builtins__']['open']('MARK', 'w')"),
    ("walrus on builtins", "eval", "(b := __builtins__) and b['open']('MARK', 'w')"),
    ("breakpoint", "eval", "breakpoint()"),
    ("print", "eval", "print(open('/etc/passwd').read())"),
    ("setattr on a helper", "eval", "setattr(datetime, 'sys', 1)"),
    ("host time instead of the clock", "eval", "datetime.datetime.now()"),
    ("import statement", "exec", "import os\nos.system('touch MARK')"),
    ("from import", "exec", "from os import system\nsystem('touch MARK')"),
    ("decorator", "exec", "@open\ndef f():\n    pass"),
    ("class definition", "exec", "class X:\n    pass\ny = X.__subclasses__()"),
    ("generator function frame", "exec",
     "def g():\n    yield 1\nf = g().gi_frame.f_back.f_globals['__builtins__']['open']('MARK', 'w')"),
    ("traceback frame walk", "exec",
     "try:\n    1 / 0\nexcept Exception as e:\n    e.__traceback__.tb_frame.f_back.f_globals['__builtins__']['open']"
     "('MARK', 'w')"),
    ("global declaration", "exec", "global __builtins__\n__builtins__['open']('MARK', 'w')"),
    ("with open", "exec", "with open('MARK', 'w') as f:\n    f.write('x')"),
    ("script calling open", "exec", f"n = 1\nx = {WRITE}"),
]

HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n'
        '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
        'xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="d_escape" '
        'targetNamespace="http://govflow.cn/test">')


def diagram(condition="False", script="ok = 1", inside="", loop=""):
    """start -> script task (`inside` first in it, `loop` after its flows) -> gateway: `condition` leads to `hit`,
    else (default) to `safe`."""
    return (
        f'{HEAD}<bpmn:process id="escape" name="逃逸（测试）" isExecutable="true">'
        '<bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>'
        f'<bpmn:scriptTask id="script" name="脚本">{inside}<bpmn:incoming>f1</bpmn:incoming>'
        f'<bpmn:outgoing>f2</bpmn:outgoing>{loop}'
        f'<bpmn:script>{escape(script)}</bpmn:script></bpmn:scriptTask>'
        '<bpmn:exclusiveGateway id="gw" default="f_safe"><bpmn:incoming>f2</bpmn:incoming>'
        '<bpmn:outgoing>f_hit</bpmn:outgoing><bpmn:outgoing>f_safe</bpmn:outgoing></bpmn:exclusiveGateway>'
        '<bpmn:endEvent id="hit"><bpmn:incoming>f_hit</bpmn:incoming></bpmn:endEvent>'
        '<bpmn:endEvent id="safe"><bpmn:incoming>f_safe</bpmn:incoming></bpmn:endEvent>'
        '<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="script" />'
        '<bpmn:sequenceFlow id="f2" sourceRef="script" targetRef="gw" />'
        f'<bpmn:sequenceFlow id="f_hit" sourceRef="gw" targetRef="hit"><bpmn:conditionExpression>{escape(condition)}'
        '</bpmn:conditionExpression></bpmn:sequenceFlow>'
        '<bpmn:sequenceFlow id="f_safe" sourceRef="gw" targetRef="safe" />'
        '</bpmn:process></bpmn:definitions>'
    )


def carrying(where, text):
    return diagram(condition=text) if where == "eval" else diagram(script=text)


@pytest.fixture
def deploy_unchecked(monkeypatch):
    """Store a version as deploys did before the sandbox existed: no expression check on the way in."""
    def _deploy(process_key, xml):
        with monkeypatch.context() as m:
            m.setattr(sandbox, "diagram_problems", lambda root: [])
            definition, _ = definitions.deploy(process_key, xml, comment="deployed before the sandbox")
        db.session.commit()
        return definition

    return _deploy


def start(org, data=None):
    instance = runner.start("escape", org.users["verifier_a"], {"unit_id": org.users["verifier_a"].unit_id,
                                                                  "title": "escape", "decision": "pass",
                                                                  **(data or {})})
    db.session.commit()
    return instance


def incident_of(instance):
    return db.session.query(Incident).filter_by(instance_id=instance.id).one().message


def test_the_corpus_is_the_size_the_brief_asks_for():
    assert len(ESCAPES) >= 25 and len({name for name, _, _ in ESCAPES}) == len(ESCAPES)


@pytest.mark.parametrize("where, text", [e[1:] for e in ESCAPES], ids=[e[0] for e in ESCAPES])
def test_validation_refuses_each_escape_on_its_element(tmp_path, where, text):
    report = validate(carrying(where, text.replace("MARK", str(tmp_path / "pwned"))))
    problems = [p for p in report.errors if p.rule == "sandbox"]
    assert [p.element_id for p in problems] == ["f_hit" if where == "eval" else "script"]
    assert "不允许" in problems[0].message


@pytest.mark.parametrize("where, text", [e[1:] for e in ESCAPES], ids=[e[0] for e in ESCAPES])
def test_an_escape_deployed_before_the_sandbox_is_refused_when_it_runs(org, deploy_unchecked, tmp_path, where,
                                                                       text):
    mark = tmp_path / "pwned"
    deploy_unchecked("escape", carrying(where, text.replace("MARK", str(mark))))
    instance = start(org)
    assert instance.status == "incident"
    assert "不允许" in incident_of(instance)
    assert not mark.exists()
    assert db.session.get(ProcessInstance, instance.id).status == "incident"


def test_deploy_refuses_an_escape_and_so_does_flask_govflow_deploy(app, tmp_path):
    mark = tmp_path / "pwned"
    xml = diagram(condition=SYSTEM.replace("MARK", str(mark)))
    with pytest.raises(definitions.DefinitionError) as refused:
        definitions.deploy("escape", xml)
    assert refused.value.problems[0][0] == "f_hit" and "不允许" in str(refused.value)
    folder = tmp_path / "processes"
    folder.mkdir()
    (folder / "escape.bpmn").write_text(xml, encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["govflow", "deploy", "--dir", str(folder)])
    assert result.exit_code != 0 and isinstance(result.exception, definitions.DefinitionError)
    db.session.rollback()
    assert definitions.latest("escape") is None and not mark.exists()


def test_the_attack_as_found_on_info_report_becomes_an_incident(org, deploy_unchecked, tmp_path):
    """The reported attack: a condition on 核实审核's gateway shelling out when the next item passed it."""
    mark = tmp_path / "id.txt"
    xml = INFO_REPORT.read_text(encoding="utf-8")
    attack = f"decision == 'return' or __import__('os').system('id > {mark}') == 1"
    deploy_unchecked("info_report", xml.replace(">decision == 'return'<", f">{escape(attack)}<", 1))
    item = new_item(org)
    instance = act(org, "verifier_a", item.instance_id, {"decision": "pass"})
    assert instance.status == "incident" and "__import__" in incident_of(instance)
    assert not mark.exists()


def test_a_unit_expression_writing_files_is_refused_when_the_task_opens(org, deploy_unchecked, tmp_path):
    mark = tmp_path / "unit.txt"
    xml = INFO_REPORT.read_text(encoding="utf-8")
    sign = '<bpmn:userTask id="sign" name="审签">'
    at = xml.index(sign)
    unit = f"open('{mark}', 'w').write('x') and unit_id"
    xml = xml[:at] + xml[at:].replace('value="unit_id"', f'value="{escape(unit)}"', 1)
    deploy_unchecked("info_report", xml)
    item = new_item(org)
    with pytest.raises(AppError) as refused:
        act(org, "verifier_a", item.instance_id, {"decision": "pass"})
    assert "不允许使用 open" in str(refused.value)
    db.session.rollback()
    assert not mark.exists() and open_task(item.instance_id).step_key == "verify"


# Refused only when they run: the text is allowed, what it meets is not.
@pytest.mark.parametrize("where, text, reason", [
    ("eval", "decision.get('x')", "不允许访问属性 .get"),  # an attribute of dicts, asked of a str
    ("exec", "datetime.datetime = decision", "不允许修改"),  # would change the helper for later evaluations
    ("exec", "d = datetime", "结果只能是数据"),  # a helper written back into the instance's data
    ("eval", "len(range(10 ** 12))", "range 过大"),
])
def test_what_the_guards_refuse_at_run_time(org, deploy_unchecked, where, text, reason):
    assert [p for p in validate(carrying(where, text)).errors if p.rule == "sandbox"] == []
    deploy_unchecked("escape", carrying(where, text))
    instance = start(org)
    assert instance.status == "incident" and reason in incident_of(instance)


@pytest.mark.parametrize("where, text, reason", [
    ("eval", "10 ** 10 ** 10 > 0", "已中止"),
    ("eval", "len('x' * 10 ** 10) > 0", "内存"),
    ("exec", "n = 0\nwhile True:\n    n += 1", "CPU 时间"),
    ("exec", "x = []\nwhile True:\n    x.append('y' * 10 ** 6)", "内存"),
    ("exec", "x = [0]\nfor i in range(200):\n    x = [x, x]", "结果过大"),  # 2**200 items once written as JSON
    # 2**60 comparisons inside one C call, where no signal gets through: the server kills the evaluator
    ("exec", "x = [0]\ny = [0]\nfor i in range(60):\n    x = [x, x]\n    y = [y, y]\nsame = x == y",
     f"运行超过 {sandbox.WALL_SECONDS:g} 秒"),
])
def test_runaway_work_is_stopped_with_a_reason_and_the_next_step_still_runs(org, deploy_unchecked, where, text,
                                                                             reason):
    deploy_unchecked("escape", carrying(where, text))
    instance = start(org)
    assert instance.status == "incident" and reason in incident_of(instance)
    deploy_unchecked("escape", diagram(condition="decision == 'pass'"))
    assert start(org).status == "completed"


def test_expressions_and_scripts_still_compute_and_scripts_set_variables(org, deploy_unchecked):
    script = ("due = (datetime.datetime.fromisoformat(start_at) + timedelta(days=3)).isoformat()\n"
              "names = sorted(n.strip().upper() for n in raw)\n"
              "count = len(names)\n"
              "del raw")
    condition = "count == 2 and due.startswith('2026-03-05') and names[0] == 'A' and max(scores) == 9"
    definition = deploy_unchecked("escape", diagram(condition=condition, script=script))
    assert [p for p in validate(definition.bpmn_xml).errors if p.rule == "sandbox"] == []
    instance = start(org, {"start_at": "2026-03-02T09:00:00+08:00", "raw": [" b", "a "], "scores": [3, 9]})
    assert instance.status == "completed", instance.last_incident
    assert "hit" in diagram_state(instance)["completed"]
    data = current_data(store.restore(db.session.get(ProcessInstance, instance.id)))
    assert data["names"] == ["A", "B"] and data["due"] == "2026-03-05T09:00:00+08:00" and "raw" not in data


def timer_first(expression):
    """start -> timer `expression` -> the rest of `diagram()`."""
    xml = diagram()
    return xml.replace(
        '<bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>',
        '<bpmn:outgoing>f0</bpmn:outgoing></bpmn:startEvent><bpmn:intermediateCatchEvent id="wait" name="等待">'
        '<bpmn:incoming>f0</bpmn:incoming><bpmn:outgoing>f1</bpmn:outgoing><bpmn:timerEventDefinition>'
        f'<bpmn:timeDuration>{escape(expression)}</bpmn:timeDuration></bpmn:timerEventDefinition>'
        '</bpmn:intermediateCatchEvent><bpmn:sequenceFlow id="f0" sourceRef="start" targetRef="wait" />',
    ).replace('sourceRef="start" targetRef="script"', 'sourceRef="wait" targetRef="script"')


def sub_process_with(kind, text):
    """`diagram()` whose script task is an embedded sub-process with a pre- or post-script (script tasks and
    plain tasks, which would need a lane, have none)."""
    xml = diagram(inside=f'<bpmn:extensionElements><spiffworkflow:{kind}>{escape(text)}</spiffworkflow:{kind}>'
                         '</bpmn:extensionElements>')
    return xml.replace("<bpmn:scriptTask ", "<bpmn:subProcess ").replace(
        "<bpmn:script>ok = 1</bpmn:script></bpmn:scriptTask>",
        '<bpmn:startEvent id="inner_start" /><bpmn:endEvent id="inner_end" />'
        '<bpmn:sequenceFlow id="inner" sourceRef="inner_start" targetRef="inner_end" /></bpmn:subProcess>')


# Each place SpiffWorkflow evaluates a text, carrying an escape: (build, element the problem is on).
PLACES = {
    "timer": (lambda text: timer_first(text), "wait"),
    "preScript": (lambda text: sub_process_with("preScript", text), "script"),
    "postScript": (lambda text: sub_process_with("postScript", text), "script"),
    "multi-instance cardinality": (lambda text: diagram(loop=(
        '<bpmn:multiInstanceLoopCharacteristics isSequential="true">'
        f'<bpmn:loopCardinality>{escape(text)}</bpmn:loopCardinality></bpmn:multiInstanceLoopCharacteristics>')),
        "script"),
}


@pytest.mark.parametrize("place", PLACES)
def test_every_place_spiffworkflow_evaluates_is_checked_and_sandboxed(org, deploy_unchecked, tmp_path, place):
    build, element = PLACES[place]
    mark = tmp_path / "pwned"
    text = f"open('{mark}', 'w').write('x') or 1"
    if place in ("preScript", "postScript"):
        text = f"n = open('{mark}', 'w').write('x')"
    assert ("不允许使用 open" in " ".join(p.message for p in validate(build(text)).errors if p.element_id == element))
    deploy_unchecked("escape", build(text))
    instance = start(org)
    assert instance.status == "incident" and "不允许使用 open" in incident_of(instance)
    assert not mark.exists()
    harmless = {"timer": "'PT1H'", "multi-instance cardinality": "2"}.get(place, "n = 2")
    deploy_unchecked("escape", build(harmless))
    assert start(org).status == ("running" if place == "timer" else "completed")  # the timer is armed, waiting


def test_the_checker_is_the_one_validation_and_the_engine_share():
    text = "decision.__class__"
    root = etree.fromstring(carrying("eval", text).encode())
    assert sandbox.diagram_problems(root)[0][1].endswith("；".join(restricted.check(text, "eval")))
    with pytest.raises(sandbox.SandboxError) as refused:
        sandbox.SandboxEnvironment().evaluate(text, {"decision": "x"})
    assert restricted.check(text, "eval")[0] in str(refused.value)


def test_a_forked_worker_evaluates_in_an_evaluator_of_its_own():
    """RQ forks a work horse per job: it must not share the parent's pipe to the evaluator."""
    env = sandbox.SandboxEnvironment()
    assert env.evaluate("n + 1", {"n": 1}) == 2
    parents = sandbox._child.proc.pid
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the horse
        try:
            ok = env.evaluate("n * 2", {"n": 21}) == 42 and sandbox._child.proc.pid != parents
        except BaseException:
            ok = False
        os.write(write, b"1" if ok else b"0")
        os._exit(0)
    os.waitpid(pid, 0)
    assert os.read(read, 1) == b"1"
    assert env.evaluate("n + 2", {"n": 1}) == 3 and sandbox._child.proc.pid == parents


@pytest.mark.parametrize("text", ["-" * 100_000 + "1", "x" + ".get" * 3000, "(" * 300 + "1" + ")" * 300],
                         ids=["unary", "attributes", "parentheses"])
def test_text_too_deep_to_parse_is_a_message_not_a_crash(org, deploy_unchecked, text):
    problems = [p for p in validate(diagram(condition=text)).errors if p.element_id == "f_hit"]
    assert problems and all(p.rule != "internal" for p in problems)
    deploy_unchecked("escape", diagram(condition=text))
    assert start(org).status == "incident"
