"""What the engine needs from the application, handed in once at start-up by `engine.configure`.

The engine imports no domain and not `auth`: who a lane's role is, who a person is, who else may take a task,
what a service task calls and which services a handler sees are all the host's answers, given here.
"""
from contextlib import nullcontext
from dataclasses import dataclass, field


@dataclass
class Host:
    role_for_lane: object = lambda lane: None  # lane name -> role code, or None when the lane names no role
    secrecy_label: object = str  # secrecy level -> its words (秘密 / 机密 …)
    person: object = lambda user_id: None  # user id -> the person (id, name, roles, unit_id, clearance,
    #                                        is_active_user), or None
    colleagues: object = lambda unit_id, role, secrecy: []  # who may take over a task: active, same unit and
    #                                                       role, cleared for its secrecy; sorted by name
    handler: object = lambda operation: None  # service-task operator -> the handler function, or None
    handler_error: type = field(default=Exception)  # a handler's own, user-readable failure
    services: object = lambda instance_id: {}  # instance id -> {name: service} handed to handlers as ctx.<name>
    observe_step: object = lambda task_row_id: nullcontext()  # a context manager around each submit (metrics)


current = Host()


def configure(**answers):
    """Set the host's answers (start-up; tests may set some again). Unknown names are refused."""
    for name, value in answers.items():
        if not hasattr(current, name):
            raise TypeError(f"unknown host answer: {name}")
        setattr(current, name, value)
