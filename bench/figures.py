"""The fixed, greppable form of every benchmark figure: one `name value unit` line each.

    grep -h '^figure ' bench-*.log

`name` is dotted (`engine.sqlite.ratio`), `value` a plain number, `unit` one word (`items/s`, `ms`, `MB`,
`ratio`, `count`).
"""
import os
from contextlib import contextmanager

PREFIX = "figure"


def emit(name, value, unit):
    """Print one figure line; floats get three significant decimals at most."""
    text = f"{value:.3f}".rstrip("0").rstrip(".") if isinstance(value, float) else str(value)
    print(f"{PREFIX} {name} {text} {unit}", flush=True)


def rss_mb(pid):
    """Resident set size of a process in MB (VmRSS from /proc), or None when it is gone."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def children(pid):
    """The pids of a process's direct children (gunicorn's workers under its arbiter)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", encoding="ascii") as stat:
                    if int(stat.read().rsplit(")", 1)[1].split()[1]) == pid:
                        found.append(int(entry))
            except (OSError, ValueError, IndexError):
                continue
    return found


@contextmanager
def statements_counted(engine, this_thread_only=False):
    """Count the SQL statements `engine` runs inside the block: `with statements_counted(e) as count: ...`,
    then `count[0]`. `this_thread_only`: those of the calling thread (the request path, not a background
    thread such as the audit sealer)."""
    import threading

    from sqlalchemy import event

    count = [0]
    caller = threading.get_ident()

    def counted(*_args):
        if not this_thread_only or threading.get_ident() == caller:
            count[0] += 1

    event.listen(engine, "before_cursor_execute", counted)
    try:
        yield count
    finally:
        event.remove(engine, "before_cursor_execute", counted)
