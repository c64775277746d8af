"""SpiffWorkflow's own view of a diagram, for the designer's validation: the BPMN schema, the parser, timers."""
import copy

from SpiffWorkflow.bpmn.parser.BpmnParser import BpmnValidator
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition

from . import definitions

_validator = None


def _schema():
    global _validator
    if _validator is None:
        _validator = BpmnValidator()
    return _validator


def _element_at(tree, line):
    """The innermost element with an id that starts at or before `line`: where to attach a schema error."""
    best = None
    for node in tree.getroot().iter():
        if not isinstance(node.tag, str) or node.sourceline is None or node.sourceline > line:
            continue
        if node.get("id"):
            best = node.get("id")
    return best


def schema_problems(tree):
    """(element id, line, message) for each way the document breaks the BPMN 2.0 XML schema."""
    checked = copy.deepcopy(tree)
    validator = _schema()
    validator.preprocess(checked)  # Spiff's own allowance for bpmn-js' correlation expressions
    if validator.validator.validate(checked):
        return []
    return [(_element_at(tree, e.line), e.line, e.message) for e in validator.validator.error_log]


def parse_problems(xml, process_id):
    """(element id, message) when SpiffWorkflow cannot build `process_id` from the document."""
    try:
        definitions.parse_specs(xml, process_id)
    except definitions.DefinitionError as exc:
        problems = exc.problems or [(None, str(exc))]
        return [(element_id or None, message.split("\n")[0]) for element_id, message in problems]
    except Exception as exc:  # the parser's own failures on odd input: still a message, never a 500
        return [(None, f"{type(exc).__name__}: {exc}")]
    return []


def timer_constant_problem(kind, value):
    """None when a constant timer text parses as SpiffWorkflow reads it for that kind, else the reason."""
    try:
        if kind == "timeDuration":
            TimerEventDefinition.parse_iso_duration(value)
        elif kind == "timeCycle":
            TimerEventDefinition.parse_iso_recurring_interval(value)
        else:
            TimerEventDefinition.get_datetime(value)
    except Exception as exc:
        return str(exc) or type(exc).__name__
    return None
