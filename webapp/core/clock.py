"""The one source of time for GovFlow, SpiffWorkflow's timers included.

Production reads the system clock. Tests pin it with `set_fixed`. The demo clock
keeps an offset in the database (table `clock_settings`) so web processes and
workers all see the same moved time; it is refused in production configuration.
"""
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Asia/Shanghai")  # stored in UTC, shown and entered in the offices' time

_fixed = None          # tests: a pinned aware datetime
_offset = timedelta()  # demo: loaded from the database
_offset_loader = None  # callable returning the current demo offset, or None


def now():
    """Current time, timezone-aware UTC."""
    if _fixed is not None:
        return _fixed
    offset = _offset_loader() if _offset_loader else _offset
    return datetime.now(UTC) + offset


def local_today():
    """Today's date in the offices' time zone."""
    return now().astimezone(LOCAL_TZ).date()


def set_fixed(moment):
    """Pin the clock (tests). `None` releases it."""
    global _fixed
    if moment is not None and moment.tzinfo is None:
        raise ValueError("clock needs an aware datetime")
    _fixed = moment.astimezone(UTC) if moment else None


def pinned():
    """The pinned moment, or None: lets code that pins the clock for a while give it back as it found it."""
    return _fixed


def advance(delta):
    """Move a pinned clock forward (tests)."""
    set_fixed(now() + delta)


def set_offset_loader(loader):
    global _offset_loader
    _offset_loader = loader
