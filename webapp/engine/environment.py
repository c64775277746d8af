"""The script environment: expressions, scripts and the one hook to handlers (call_service)."""
import json

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine

from webapp.core import clock

from . import host, sandbox


class HandlerFailure(WorkflowTaskException):
    """A service handler failed; carries the handler key and a readable message."""

    def __init__(self, message, task, operation):
        super().__init__(message, task=task)
        self.operation = operation
        self.readable = message


class ExpressionFailure(WorkflowTaskException):
    """An expression or script of the diagram was refused, failed or overran (`sandbox.SandboxError`)."""

    def __init__(self, message, task, reason):
        super().__init__(message, task=task)
        self.readable = message
        self.reason = reason

    def __str__(self):
        return self.reason


class HandlerContext:
    """What a handler may use: the task's data (a copy), the clock, and the host's services by name
    (`ctx.org`, `ctx.deadlines`, `ctx.notices`, `ctx.history`; declared by the domains, `Domain.services`)."""

    def __init__(self, task, services, instance_id):
        self.data = dict(task.data)
        self.instance_id = instance_id
        for name, service in services.items():
            setattr(self, name, service)

    @staticmethod
    def now():
        return clock.now()


def _shown(text):
    text = str(text)
    return text if len(text) <= 80 else text[:77] + "…"


class GovFlowScriptEngine(PythonScriptEngine):
    """Script engine bound to one step: knows the instance and the host's lookup API.

    Every expression and script runs in the sandbox (`sandbox.SandboxEnvironment`), also those of diagrams
    deployed before it existed: what it refuses becomes an incident on the step, with the reason in Chinese.
    """

    def __init__(self, instance_id=0, services=None):
        super().__init__(environment=sandbox.SandboxEnvironment())
        self.services = services  # None: the host's services for the instance (benchmarks hand in their own)
        self.instance_id = instance_id

    def validate(self, expression):
        problems = sandbox.check(expression, "eval")
        if problems:
            raise SyntaxError("；".join(problems))

    def evaluate(self, task, expression, external_context=None):
        try:
            return self.environment.evaluate(expression, task.data, external_context)
        except sandbox.SandboxError as exc:
            raise ExpressionFailure(f"表达式 {_shown(expression)} 无法计算：{exc}", task, str(exc)) from exc

    def execute(self, task, script, external_context=None):
        try:
            return self.environment.execute(script, task.data, external_context or {})
        except sandbox.SandboxError as exc:
            raise ExpressionFailure(f"脚本无法运行：{exc}", task, str(exc)) from exc

    def call_service(self, task, operation_name=None, operation_params=None, **kwargs):
        # Replaces the 3.2.0 path whose error handling raises `NameError: script`.
        fn = host.current.handler(operation_name)
        if fn is None:
            raise HandlerFailure(f"未注册的处理程序：{operation_name}", task, operation_name)
        params = {name: p["value"] for name, p in (operation_params or {}).items()}
        try:
            services = self.services if self.services is not None else host.current.services(self.instance_id)
            result = fn(HandlerContext(task, services, self.instance_id), **params)
        except host.current.handler_error as exc:
            raise HandlerFailure(str(exc), task, operation_name) from exc
        except Exception as exc:  # any bug in a handler becomes an incident, not a 500
            message = f"处理程序 {operation_name} 出错：{type(exc).__name__}: {exc}"
            raise HandlerFailure(message, task, operation_name) from exc
        return json.dumps(result if result is not None else {})
