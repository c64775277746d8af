"""The language of a diagram's expressions and scripts: what may be written, and how it runs once checked.

This module imports only the standard library and RestrictedPython, because `sandbox.py` runs this very
file as a child process (`python -I restricted.py`) where `serve()` evaluates under CPU and memory limits.
The server process uses `check()` and `compile_checked()` from here too: validation and run time apply one
checker, so what validation passes is exactly what may run.
"""
import ast
import datetime as _dt
import decimal
import functools
import io
import operator
import os
import pickle
import resource
import signal
import struct
import sys
import traceback
import uuid

from RestrictedPython import compile_restricted_eval, compile_restricted_exec
from RestrictedPython.Guards import guarded_iter_unpack_sequence, guarded_unpack_sequence
from RestrictedPython.transformer import INSPECT_ATTRIBUTES

FILENAME = "<diagram>"
MAX_RANGE = 1_000_000
CPU_SECONDS = 1.0  # per evaluation, in the child; the server kills the child after WALL_SECONDS (sandbox.py)
MEMORY_BYTES = 256 * 1024 * 1024  # address space the child may add to what it holds at start
MAX_RESULT_ITEMS = 200_000  # values a script writes back, counted through every container
MAX_RESULT_CHARS = 8 * 1024 * 1024
MAX_RESULT_DEPTH = 50
MAX_INT_BITS = 4096  # the state is JSON: Python refuses to print ints of more than 4300 digits
MAX_FRAME_BYTES = 64 * 1024 * 1024
NOBODY = 65534


class Refused(Exception):
    """The text is not allowed, or did something not allowed; the message is for the diagram's author."""


class Timeout(BaseException):
    """CPU time ran out. A BaseException, and scripts have no `try`, so nothing in a script catches it."""


# The helpers a diagram may use besides its data. `datetime` keeps the name the previous environment gave
# the module, but only its value types: no `datetime.sys`, no `now()` (time comes from the host's clock).
class _Namespace:
    __slots__ = ("datetime", "date", "time", "timedelta", "timezone")

    def __init__(self):
        self.datetime, self.date, self.time = _dt.datetime, _dt.date, _dt.time
        self.timedelta, self.timezone = _dt.timedelta, _dt.timezone


DATETIME = _Namespace()

_STR = {"lower", "upper", "strip", "lstrip", "rstrip", "split", "rsplit", "splitlines", "startswith", "endswith",
        "find", "rfind", "index", "count", "replace", "join", "isdigit", "isdecimal", "isnumeric", "isalpha",
        "isalnum", "isspace", "islower", "isupper", "title", "capitalize", "casefold", "partition", "rpartition",
        "removeprefix", "removesuffix"}
_DATE = {"year", "month", "day", "isoformat", "replace", "weekday", "isoweekday", "isocalendar", "strftime"}
_TIME = {"hour", "minute", "second", "microsecond", "tzinfo", "isoformat", "replace", "utcoffset"}
# Attributes by exact type of the object (subclasses get none); then by identity for the helper classes.
TYPE_ATTRIBUTES = {
    dict: {"get", "keys", "values", "items", "copy", "pop", "setdefault", "update"},
    list: {"append", "extend", "insert", "pop", "remove", "index", "count", "sort", "reverse", "copy"},
    tuple: {"index", "count"},
    set: {"add", "discard", "remove", "union", "intersection", "difference", "issubset", "issuperset", "copy"},
    frozenset: {"union", "intersection", "difference", "issubset", "issuperset"},
    str: _STR,
    _dt.datetime: _DATE | _TIME | {"date", "time", "astimezone", "timestamp"},
    _dt.date: _DATE,
    _dt.time: _TIME,
    _dt.timedelta: {"days", "seconds", "microseconds", "total_seconds"},
    _dt.timezone: {"utcoffset", "tzname"},
    _Namespace: set(_Namespace.__slots__),
}
CLASS_ATTRIBUTES = {
    _dt.datetime: {"fromisoformat", "combine", "min", "max"},
    _dt.date: {"fromisoformat", "min", "max"},
    _dt.timedelta: {"min", "max"},
    _dt.timezone: {"utc"},
}
ALLOWED_ATTRIBUTES = frozenset().union(*TYPE_ATTRIBUTES.values(), *CLASS_ATTRIBUTES.values())

# Names that reach outside the data, refused on sight so validation names them (none of them exists at run
# time either): introspection, code, I/O, and modules an escape would look for.
DENIED_NAMES = frozenset({
    "open", "eval", "exec", "compile", "globals", "locals", "vars", "dir", "type", "getattr", "setattr",
    "delattr", "hasattr", "breakpoint", "input", "help", "memoryview", "object", "super", "classmethod",
    "staticmethod", "property", "print", "printed", "exit", "quit", "id", "callable", "issubclass", "iter",
    "next", "format", "ascii", "chr", "ord", "bytes", "bytearray", "os", "sys", "subprocess", "builtins",
    "importlib", "operator", "inspect", "ctypes", "gc", "pickle", "marshal", "shutil", "socket", "pathlib",
    "posix", "codecs", "functools", "types", "weakref", "threading", "multiprocessing", "signal", "resource",
})
_FORBIDDEN_NODES = {
    ast.Import: "不允许 import", ast.ImportFrom: "不允许 import",
    ast.FunctionDef: "不允许定义函数（def）", ast.AsyncFunctionDef: "不允许定义函数（def）",
    ast.Lambda: "不允许 lambda", ast.ClassDef: "不允许定义类（class）",
    ast.Try: "不允许 try", ast.Raise: "不允许 raise", ast.With: "不允许 with", ast.AsyncWith: "不允许 with",
    ast.Global: "不允许 global", ast.Nonlocal: "不允许 nonlocal", ast.Yield: "不允许 yield",
    ast.YieldFrom: "不允许 yield", ast.Await: "不允许 await", ast.AsyncFor: "不允许 async for",
    ast.Match: "不允许 match",
}
if hasattr(ast, "TryStar"):
    _FORBIDDEN_NODES[ast.TryStar] = "不允许 try"


class _Checker(ast.NodeVisitor):
    """Chinese reasons for everything the expression language refuses, with the line where it stands."""

    def __init__(self):
        self.problems = []

    def refuse(self, node, reason):
        self.problems.append(f"第 {getattr(node, 'lineno', 1)} 行：{reason}")

    def generic_visit(self, node):
        reason = _FORBIDDEN_NODES.get(type(node))
        if reason:
            self.refuse(node, reason)
        super().generic_visit(node)

    def visit_Name(self, node):
        if node.id.startswith("_"):
            self.refuse(node, f"不允许使用以下划线开头的名称 {node.id}")
        elif node.id in DENIED_NAMES:
            self.refuse(node, f"不允许使用 {node.id}")

    def visit_Attribute(self, node):
        self.generic_visit(node)
        if node.attr.startswith("_") or node.attr in INSPECT_ATTRIBUTES:
            self.refuse(node, f"不允许访问内部属性 .{node.attr}")
        elif node.attr not in ALLOWED_ATTRIBUTES:
            self.refuse(node, f"不允许访问属性 .{node.attr}（可用的属性见流程设计文档）")

    def visit_Constant(self, node):
        if isinstance(node.value, str) and "__" in node.value:
            self.refuse(node, "字符串中不允许出现双下划线 __（可用于访问内部属性）")
        elif isinstance(node.value, bytes):
            self.refuse(node, "不允许 bytes 常量")


@functools.lru_cache(maxsize=2048)
def _compile(source, mode):
    """(code, problems) for `source` in mode "eval" (an expression) or "exec" (a script)."""
    if not isinstance(source, str):
        return None, ("表达式为空或不是文本",)
    try:
        tree = ast.parse(source, FILENAME, mode)
        checker = _Checker()
        checker.visit(tree)
        if checker.problems:
            return None, tuple(checker.problems)
        compiled = (compile_restricted_eval if mode == "eval" else compile_restricted_exec)(source, FILENAME)
    except SyntaxError as exc:
        return None, (f"第 {exc.lineno or 1} 行：不是有效的 Python {'表达式' if mode == 'eval' else '脚本'}"
                      f"（{exc.msg}）",)
    except (RecursionError, MemoryError, ValueError) as exc:  # nesting too deep to parse, NUL characters
        return None, (f"无法解析（{type(exc).__name__}），请简化表达式",)
    if compiled.errors:  # whatever RestrictedPython refuses beyond the rules above
        return None, tuple(f"不允许的写法：{error}" for error in compiled.errors)
    return compiled.code, ()


def check(source, mode):
    """The reasons `source` may not run (an empty list when it may). Validation and run time both call this."""
    return list(_compile(source, mode)[1])


def compile_checked(source, mode):
    code, problems = _compile(source, mode)
    if problems:
        raise Refused("；".join(problems))
    return code


# Guards RestrictedPython's compiled code calls for every attribute, item, iteration and write.
def _getattr_(obj, name):
    allowed = CLASS_ATTRIBUTES.get(obj) if isinstance(obj, type) else TYPE_ATTRIBUTES.get(type(obj))
    if not isinstance(name, str) or name not in (allowed or ()):
        raise Refused(f"不允许访问属性 .{name}")
    return getattr(obj, name)


def _getitem_(obj, key):
    return obj[key]


def _write_(obj):
    if type(obj) in (dict, list):
        return obj
    raise Refused(f"不允许修改 {type(obj).__name__} 对象")


_INPLACE = {"+=": operator.iadd, "-=": operator.isub, "*=": operator.imul, "/=": operator.itruediv,
            "//=": operator.ifloordiv, "%=": operator.imod, "**=": operator.ipow, "<<=": operator.ilshift,
            ">>=": operator.irshift, "|=": operator.ior, "&=": operator.iand, "^=": operator.ixor}


def _inplacevar_(op, target, value):
    return _INPLACE[op](target, value)


def _apply_(fn, *args, **kwargs):
    return fn(*args, **kwargs)


def _range(*args):
    bounds = range(*args)
    try:
        size = len(bounds)
    except OverflowError:
        size = MAX_RANGE + 1
    if size > MAX_RANGE:
        raise Refused(f"range 过大（上限 {MAX_RANGE} 项）")
    return bounds


BUILTINS = {
    "None": None, "True": True, "False": False,
    "abs": abs, "all": all, "any": any, "bool": bool, "dict": dict, "divmod": divmod, "enumerate": enumerate,
    "float": float, "frozenset": frozenset, "int": int, "isinstance": isinstance, "len": len, "list": list,
    "max": max, "min": min, "range": _range, "reversed": reversed, "round": round, "set": set, "sorted": sorted,
    "str": str, "sum": sum, "tuple": tuple, "zip": zip,
    "datetime": DATETIME, "timedelta": _dt.timedelta,
    "_getattr_": _getattr_, "_getitem_": _getitem_, "_getiter_": iter, "_write_": _write_,
    "_inplacevar_": _inplacevar_, "_apply_": _apply_,
    "_iter_unpack_sequence_": guarded_iter_unpack_sequence, "_unpack_sequence_": guarded_unpack_sequence,
}


def run(mode, source, context, external=None):
    """Evaluate an expression (its value) or execute a script (the data it leaves: no functions, no helpers)."""
    code = compile_checked(source, mode)
    namespace = {**(external or {}), **context, "__builtins__": dict(BUILTINS)}
    if mode == "eval":
        return eval(code, namespace)  # noqa: S307 - restricted code object, guarded names only
    exec(code, namespace)  # noqa: S102 - restricted code object, guarded names only
    return {k: v for k, v in namespace.items()
            if not k.startswith("_") and not callable(v) and k not in (external or {})}


_SCALARS = (type(None), bool, int, float, str, _dt.datetime, _dt.date, _dt.time, _dt.timedelta, decimal.Decimal,
            uuid.UUID)


def plain(value):
    """A tree copy of `value` that the server can store as JSON, or Refused: only data, within the limits."""
    budget = {"items": MAX_RESULT_ITEMS, "chars": MAX_RESULT_CHARS}

    def copy(item, depth):
        budget["items"] -= 1
        if budget["items"] < 0 or depth > MAX_RESULT_DEPTH:
            raise Refused(f"结果过大（上限 {MAX_RESULT_ITEMS} 项、{MAX_RESULT_DEPTH} 层）")
        kind = type(item)
        if kind is str:
            budget["chars"] -= len(item)
            if budget["chars"] < 0:
                raise Refused(f"结果过大（文本上限 {MAX_RESULT_CHARS} 字符）")
            return item
        if kind is int and item.bit_length() > MAX_INT_BITS:
            raise Refused("结果中的整数过大")
        if kind in _SCALARS:
            return item
        if kind is dict:
            return {copy(k, depth + 1): copy(v, depth + 1) for k, v in item.items()}
        if kind in (list, tuple, set, frozenset):
            return kind(copy(v, depth + 1) for v in item)
        raise Refused(f"结果只能是数据，不能是 {kind.__name__} 对象")

    return copy(value, 0)


# Pickle between the server and the child carries data only: classes other than these are refused on load.
_LOADABLE = {("datetime", "datetime"), ("datetime", "date"), ("datetime", "time"), ("datetime", "timedelta"),
             ("datetime", "timezone"), ("decimal", "Decimal"), ("uuid", "UUID"), ("uuid", "SafeUUID"),
             ("zoneinfo", "ZoneInfo._unpickle"), ("zoneinfo._zoneinfo", "ZoneInfo._unpickle")}


class _DataUnpickler(pickle.Unpickler):
    def find_class(self, module, name):
        if (module, name) not in _LOADABLE:
            raise pickle.UnpicklingError(f"refused to load {module}.{name}")
        return super().find_class(module, name)


def loads(data):
    return _DataUnpickler(io.BytesIO(data)).load()


def dumps(value):
    return pickle.dumps(value, protocol=5)


def write_frame(stream, payload):
    stream.write(struct.pack(">Q", len(payload)) + payload)
    stream.flush()


def _read_exact(stream, size):
    chunks = []
    while size:
        chunk = stream.read(size)
        if not chunk:
            return None
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def read_frame(stream):
    head = _read_exact(stream, 8)
    if head is None:
        return None
    (size,) = struct.unpack(">Q", head)
    if size > MAX_FRAME_BYTES:
        raise ValueError("frame too large")
    return _read_exact(stream, size)


def _line_of(exc):
    lines = [f.lineno for f in traceback.extract_tb(exc.__traceback__) if f.filename == FILENAME]
    return f"第 {lines[-1]} 行：" if lines else ""


def _reason(exc):
    if isinstance(exc, NameError):
        return f"未定义的名称 {getattr(exc, 'name', None) or exc}"
    if isinstance(exc, KeyError):
        return f"数据中没有键 {str(exc)[:200]}"
    return f"{type(exc).__name__}: {str(exc)[:300]}"


def _on_timeout(signum, frame):
    raise Timeout()


def _answer(request):
    """The reply to one request; after a timeout or memory exhaustion the child exits (the server restarts it)."""
    signal.setitimer(signal.ITIMER_PROF, CPU_SECONDS)
    try:
        mode, source, context, external = loads(request)
        return ("ok", plain(run(mode, source, context, external))), False
    except Timeout:
        return ("timeout", f"运行超过 {CPU_SECONDS:g} 秒 CPU 时间，已中止"), True
    except MemoryError:
        return ("memory", f"占用内存超过 {MEMORY_BYTES // (1024 * 1024)} MB，已中止"), True
    except Refused as exc:
        return ("refused", f"{_line_of(exc)}{exc}"), False
    except RecursionError:
        return ("error", "嵌套过深"), False
    except Exception as exc:  # the script's own error (KeyError, TypeError, …) is a message for its author
        return ("error", f"{_line_of(exc)}{_reason(exc)}"), False
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)


def _limit_resources():
    if os.getuid() == 0:  # root ignores the process limit below: become nobody first (where a container lets it)
        try:
            os.setgroups([])
            os.setgid(NOBODY)
            os.setuid(NOBODY)
        except PermissionError:
            pass
    size = int(open("/proc/self/statm").read().split()[0]) * resource.getpagesize()  # noqa: SIM115
    resource.setrlimit(resource.RLIMIT_AS, (size + MEMORY_BYTES, size + MEMORY_BYTES))
    for limit in (resource.RLIMIT_CORE, resource.RLIMIT_FSIZE, resource.RLIMIT_NPROC):
        resource.setrlimit(limit, (0, 0))


def serve():
    """The child's loop: one request frame in, one reply frame out, until the server closes the pipe."""
    requests = sys.stdin.buffer
    replies = os.fdopen(os.dup(1), "wb")
    os.dup2(os.open(os.devnull, os.O_WRONLY), 1)  # nothing a script causes can write into the reply stream
    os.chdir("/")
    signal.signal(signal.SIGPROF, _on_timeout)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C in a terminal reaches the child too: the server decides
    _limit_resources()
    while True:
        request = read_frame(requests)
        if request is None:
            return
        try:
            reply, finished = _answer(request)
            payload = dumps(reply)
        except (MemoryError, Timeout):
            reply, finished = ("memory", "结果无法传回（内存或时间超限）"), True
            payload = dumps(reply)
        write_frame(replies, payload)
        if finished:
            return


if __name__ == "__main__":
    serve()
