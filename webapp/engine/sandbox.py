"""Where every expression and script of a diagram runs: checked, then evaluated in a child process with limits.

SpiffWorkflow's own environment evaluates with Python's builtins, so a deployed diagram could run anything as
the server's user. `SandboxEnvironment` replaces it for every evaluation SpiffWorkflow makes (gateway
conditions, timers, scripts, pre/post scripts, multi-instance and payload expressions, service parameters) and
for the user-task properties GovFlow evaluates itself. The language is `restricted.py`'s; the child process it
runs in holds no database connection and no secrets, has its CPU time and address space capped, and is killed
when it overruns, so a runaway expression becomes an incident instead of a stuck or swollen worker.
"""
import atexit
import contextlib
import os
import pickle
import select
import subprocess
import sys
import threading
import time

from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment
from SpiffWorkflow.exceptions import WorkflowException

from . import restricted

WALL_SECONDS = 5.0  # the child stops itself after restricted.CPU_SECONDS of CPU; this catches long C calls
STARTUP_SECONDS = 10.0  # a fresh child first starts Python and imports RestrictedPython

BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
SPIFF = "{http://spiffworkflow.org/bpmn/schema/1.0/core}"
# Element text SpiffWorkflow evaluates: tag -> (mode, what it is called in a message).
TEXT_EXPRESSIONS = {
    f"{BPMN}conditionExpression": ("eval", "条件"),
    f"{BPMN}condition": ("eval", "条件"),
    f"{BPMN}timeDate": ("eval", "定时表达式"),
    f"{BPMN}timeDuration": ("eval", "定时表达式"),
    f"{BPMN}timeCycle": ("eval", "定时表达式"),
    f"{BPMN}loopCardinality": ("eval", "多实例数量表达式"),
    f"{BPMN}completionCondition": ("eval", "完成条件"),
    f"{BPMN}loopCondition": ("eval", "循环条件"),
    f"{BPMN}messagePath": ("eval", "消息关联表达式"),
    f"{BPMN}script": ("exec", "脚本"),
    f"{SPIFF}preScript": ("exec", "前置脚本"),
    f"{SPIFF}postScript": ("exec", "后置脚本"),
    f"{SPIFF}messagePayload": ("eval", "消息内容表达式"),
    f"{SPIFF}signalPayload": ("eval", "信号内容表达式"),
}
EVALUATED_PROPERTIES = ("unit", "assignee", "due")  # user-task properties webapp/engine/projection.py evaluates


class SandboxError(WorkflowException):
    """An expression or script was refused, failed, or overran; the message is Chinese and names the cause.

    A WorkflowException, so that where SpiffWorkflow calls the environment directly (ad-hoc completion
    conditions, message correlation) the runner still records an incident.
    """

    def __init__(self, message, kind="error"):
        super().__init__(message)
        self.kind = kind
        self.readable = message

    def __str__(self):
        return self.readable


class _Child:
    """One evaluator process per server process, started on first use and again after it was stopped."""

    def __init__(self):
        self.lock = threading.Lock()
        self.proc = None
        self.owner = None

    def run(self, mode, source, context, external):
        try:
            request = restricted.dumps((mode, source, dict(context), dict(external or {})))
        except (pickle.PicklingError, TypeError, AttributeError) as exc:
            raise SandboxError(f"流程数据无法交给计算进程（{exc}）") from exc
        with self.lock:
            try:
                if self.proc is None or self.owner != os.getpid() or self.proc.poll() is not None:
                    self._start()
                restricted.write_frame(self.proc.stdin, request)
                reply = restricted.loads(self._read_reply(time.monotonic() + WALL_SECONDS))
            except TimeoutError:
                self._stop()
                raise SandboxError(f"运行超过 {WALL_SECONDS:g} 秒，已中止", "timeout") from None
            except (OSError, EOFError, ValueError, pickle.UnpicklingError) as exc:
                self._stop()
                raise SandboxError(f"计算进程异常终止（{type(exc).__name__}），已中止", "crash") from exc
            if reply[0] in ("timeout", "memory"):
                self._stop()  # it exits by itself after these; reap it now
        if reply[0] != "ok":
            raise SandboxError(reply[1], reply[0])
        return reply[1]

    def _start(self):
        if self.owner == os.getpid():
            self._stop()
        # A forked worker (RQ's work horse) inherits its parent's child: leave that one to the parent.
        # An empty environment: the server's settings (database URL, secret key) stay with the server.
        self.proc = subprocess.Popen([sys.executable, "-I", restricted.__file__], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, close_fds=True, start_new_session=True, env={})
        self.owner = os.getpid()
        # The first answer waits for Python to start and import RestrictedPython, not for the caller's text.
        restricted.write_frame(self.proc.stdin, restricted.dumps(("eval", "1", {}, {})))
        self._read_reply(time.monotonic() + STARTUP_SECONDS)

    def _read_reply(self, deadline):
        fd = self.proc.stdout.fileno()
        waiting = select.poll()  # not select(): a busy server's descriptors can pass FD_SETSIZE
        waiting.register(fd, select.POLLIN)
        buffer = b""
        size = None
        while size is None or len(buffer) < size + 8:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not waiting.poll(remaining * 1000):
                raise TimeoutError
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                raise EOFError
            buffer += chunk
            if size is None and len(buffer) >= 8:
                size = int.from_bytes(buffer[:8], "big")
                if size > restricted.MAX_FRAME_BYTES:
                    raise ValueError("reply too large")
        return buffer[8:8 + size]

    def _stop(self):
        proc, self.proc = self.proc, None
        if proc is None or self.owner != os.getpid():
            return
        proc.kill()
        proc.wait()
        for stream in (proc.stdin, proc.stdout):
            with contextlib.suppress(OSError):
                stream.close()


_child = _Child()
atexit.register(lambda: _child._stop())


def check(source, mode):
    """Reasons `source` may not run (empty when it may): `restricted.check`, the one checker."""
    return restricted.check(source, mode)


def _refuse_unchecked(source, mode):
    problems = restricted.check(source, mode)
    if problems:
        raise SandboxError("不允许运行：" + "；".join(problems), "refused")


class SandboxEnvironment(BasePythonScriptEngineEnvironment):
    """SpiffWorkflow's script environment, evaluating in the sandbox. Scripts set variables as before."""

    def evaluate(self, expression, context, external_context=None):
        _refuse_unchecked(expression, "eval")
        return _child.run("eval", expression, context, external_context)

    def execute(self, script, context, external_context=None):
        _refuse_unchecked(script, "exec")
        data = _child.run("exec", script, context, external_context)
        context.clear()
        context.update(data)
        return True

    def call_service(self, context, **kwargs):
        raise NotImplementedError("service tasks go through GovFlowScriptEngine.call_service")


def _element(node):
    """The nearest element with an id, where the editor shows the problem."""
    while node is not None and not node.get("id"):
        node = node.getparent()
    return node


def _label(node):
    name = " ".join((node.get("name") or "").split()) if node is not None else ""
    return f"“{name}”" if name else f" {node.get('id') if node is not None else ''} "


def _sources(root):
    """(element, what, mode, text) for every expression and script in the document that the engine evaluates."""
    for node in root.iter():
        if not isinstance(node.tag, str):
            continue
        if node.tag in TEXT_EXPRESSIONS:
            mode, what = TEXT_EXPRESSIONS[node.tag]
            text = (node.text or "").strip()
            if node.tag == f"{BPMN}condition" and node.getparent().tag != f"{BPMN}conditionalEventDefinition":
                continue
            if text:
                yield _element(node), what, mode, text
        elif node.tag == f"{SPIFF}property" and node.get("name") in EVALUATED_PROPERTIES and node.get("value"):
            yield _element(node), f"属性 {node.get('name')} 的表达式", "eval", node.get("value")
        elif node.tag == f"{SPIFF}parameter" and node.get("value"):
            yield _element(node), f"参数 {node.get('id')} 的表达式", "eval", node.get("value")


def diagram_problems(root):
    """(element id, message) for each expression or script in a BPMN document that may not run."""
    found = []
    for element, what, mode, text in _sources(root):
        problems = restricted.check(text, mode)
        if problems:
            shown = text if len(text) <= 80 else text[:77] + "…"
            found.append((element.get("id") if element is not None else None,
                          f"{_label(element).strip()}的{what} {shown} 不允许运行：{'；'.join(problems)}"))
    return found
