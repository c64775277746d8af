"""The demo clock: an offset kept in the database so every process sees the same moved time."""
import time
from datetime import timedelta

from flask import current_app
from sqlalchemy import event

from webapp.core import clock
from webapp.extensions import db

from .models import ClockSetting

_CACHE_SECONDS = 2.0


class _OffsetCache:
    def __init__(self, app):
        self.app = app
        self.value = timedelta()
        self.read_at = 0.0

    def __call__(self):
        if time.monotonic() - self.read_at > _CACHE_SECONDS:
            self.value = read_offset(self.app)
            self.read_at = time.monotonic()
        return self.value

    def invalidate(self):
        self.read_at = 0.0


_cache = None


def read_offset(app):
    from sqlalchemy import inspect

    with app.app_context():
        engine = db.engine
        if not inspect(engine).has_table("clock_settings"):
            return timedelta()
        with engine.connect() as conn:
            seconds = conn.execute(db.select(ClockSetting.offset_seconds).where(ClockSetting.id == 1)).scalar()
        return timedelta(seconds=seconds or 0)


def init_app(app):
    global _cache
    if not app.config["DEMO_CLOCK"]:
        clock.set_offset_loader(None)
        return
    _cache = _OffsetCache(app)
    clock.set_offset_loader(_cache)


def advance(delta):
    """Move the shared demo clock forward (demo/dev only); the caller commits."""
    if not current_app.config["DEMO_CLOCK"]:
        raise RuntimeError("演示时钟未启用（生产配置禁止调整时间）")
    setting = db.session.get(ClockSetting, 1)
    if setting is None:
        setting = ClockSetting(id=1, offset_seconds=0)
        db.session.add(setting)
    setting.offset_seconds += delta.total_seconds()
    db.session.flush()
    if _cache is not None:
        _cache.invalidate()
        # Anything reading the clock before the commit (a sealing or delivery thread woken by another commit) reads
        # the old offset through its own connection and caches it: read it again once this one is committed.
        event.listen(db.session(), "after_commit", lambda _session: _cache.invalidate(), once=True)
    return timedelta(seconds=setting.offset_seconds)
