"""What GovFlow's engine understands in a diagram: roles for lanes, forms, handlers and timer variables.

The editor's properties panel offers these; validation checks a diagram against them.
"""
import inspect

import handlers
from webapp.core import forms
from webapp.core.roles import ROLES

# Variables a timer expression may use, as the diagrams' service tasks compute them (handlers/*.py).
TIMER_VARIABLES = {
    "deadlines['due_at']": "批示件办理期限（含延期）",
    "deadlines['remind_at']": "批示件到期前提醒时间",
    "deadlines['feedback_due_at']": "紧急批示件首次反馈期限",
    "hop['warn_at']": "紧急信息本级时限将至",
    "hop['due_at']": "紧急信息本级报送时限",
    "request_due_at": "续报要求的期限",
    "due_at": "重点任务本期进展报送截止时间",
    "remind_at": "重点任务报送前提醒时间",
    "rectify['due_at']": "专项督查单位整改期限",
    "rectify['remind_at']": "专项督查整改期限前提醒时间",
}

# Names every instance's data has from its start (start forms and projectors), besides the handlers' results.
START_VARIABLES = (
    "title", "unit_id", "secrecy", "urgency", "level", "deadlines", "hop", "decision", "opinion",
)

TIMER_KINDS = {"reminder": "提醒", "deadline": "期限", "feedback": "反馈期限", "timer": "定时"}


def roles():
    """Lane name -> role code: a lane is named by the role's Chinese label."""
    return {label: code for code, label in ROLES.items()}


def form_keys():
    return sorted(forms.known_keys())


def timer_variable_names():
    """The instance variables the timer expressions above start from (deadlines, hop, …)."""
    return {expression.split("[", 1)[0] for expression in TIMER_VARIABLES}


def form_fields(key):
    """The field names of a registered form: the variables a completed task adds to the instance."""
    schema = forms.get(key)
    return set(schema().fields) if schema is not None else set()


def handler_params(fn):
    """(name, required) for each parameter a handler takes after its context."""
    params = list(inspect.signature(fn).parameters.values())[1:]
    return [(p.name, p.default is inspect.Parameter.empty) for p in params]


def handler_catalog():
    """Handler key -> {doc, params: [{name, required}]} for every registered service-task handler."""
    return {
        key: {
            "doc": (inspect.getdoc(fn) or "").split("\n")[0],
            "params": [{"name": n, "required": r} for n, r in handler_params(fn)],
        }
        for key, fn in sorted(handlers.REGISTRY.items())
    }


def as_json():
    """Everything the editor's panel offers, in one document."""
    return {
        "roles": [{"code": c, "label": label} for c, label in ROLES.items()],
        "forms": form_keys(),
        "handlers": handler_catalog(),
        "timer_variables": [{"expression": e, "label": label} for e, label in TIMER_VARIABLES.items()],
        "timer_kinds": [{"code": c, "label": label} for c, label in TIMER_KINDS.items()],
    }
