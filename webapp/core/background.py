"""Background threads of the embedded default (no Redis): a daemon thread per app and kind of work, woken after
the commits that give it work and looking again every few seconds on its own (notice deliveries, audit sealing)."""
import atexit
import logging
import threading
import weakref

from webapp.extensions import db

log = logging.getLogger(__name__)

_lock = threading.Lock()
_kinds = []  # every Background made, for stop_all


class WokenThread:
    """Runs `work()` in an app context whenever woken, and every `interval` seconds without being woken."""

    def __init__(self, app, name, work, interval):
        self.app, self.work, self.interval = app, work, float(interval)
        self.woken = threading.Event()
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._loop, name=name, daemon=True)

    def _loop(self):
        while not self.stopped.is_set():
            self.woken.clear()  # before the round: a wake during it makes the next round start at once
            with self.app.app_context():
                try:
                    self.work()
                except Exception:
                    log.exception("%s: round failed", self.thread.name)
                finally:
                    db.session.remove()
            self.woken.wait(self.interval)

    def stop(self, timeout=10):
        self.stopped.set()
        self.woken.set()
        self.thread.join(timeout)


class Background:
    """One kind of background work: `wake(app)` / `stop(app)` its thread in each app (kept in app.extensions);
    `interval_setting` names the app setting of its seconds between rounds when nobody wakes it."""

    def __init__(self, name, work, interval_setting, final_round=False):
        self.name, self.work, self.interval_setting = name, work, interval_setting
        # final_round: when the process exits (a `flask` command that committed, a server stopped), stop the thread
        # and run the work once more, so that what the last commits gave it is not lost with a daemon thread.
        self.final_round = final_round
        self.apps = weakref.WeakSet()  # the apps whose thread this process started
        _kinds.append(self)

    def wake(self, app):
        """Wake the app's thread, made and started first when this process has none (or a fork lost it). Its own
        commits do not wake it: its loop looks again anyway."""
        with _lock:
            worker = app.extensions.get(self.name)
            if worker is not None and threading.current_thread() is worker.thread:
                return
            if worker is None or not worker.thread.is_alive():
                interval = app.config[self.interval_setting]
                worker = app.extensions[self.name] = WokenThread(app, self.name, self.work, interval)
                self.apps.add(app)
                worker.thread.start()
                if self.final_round:
                    atexit.register(self._final_round, app, worker)
        worker.woken.set()

    def _final_round(self, app, worker):
        if app.extensions.get(self.name) is not worker:
            return  # stopped already (tests), or replaced after a fork
        self.stop(app)
        with app.app_context():
            try:
                self.work()
            except Exception:
                log.exception("%s: final round failed", self.name)
            finally:
                db.session.remove()

    def stop(self, app):
        """Stop the app's thread, if it runs (tests; shutting down); it finishes its round first."""
        with _lock:
            worker = app.extensions.pop(self.name, None)
        if worker is not None:
            worker.stop()

    def running(self, app):
        return app.extensions.get(self.name) is not None


def stop_all():
    """Stop every background thread of every app in this process, without a final round (the test session's end,
    before its databases are dropped: a round after that would only log that the database is gone)."""
    for kind in list(_kinds):
        for app in list(kind.apps):
            kind.stop(app)
