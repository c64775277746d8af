"""SpiffWorkflow's timers read GovFlow's clock (`webapp.core.clock`), so pinned and demo time move them too."""
from datetime import datetime

from SpiffWorkflow.bpmn.specs.event_definitions import timer

from webapp.core import clock


class _SpiffDatetime(datetime):
    """Stand-in for `datetime` inside SpiffWorkflow's timer module."""

    @classmethod
    def now(cls, tz=None):
        current = clock.now()
        return current.astimezone(tz) if tz else current.astimezone().replace(tzinfo=None)


def install():
    """Point SpiffWorkflow's timer module at the clock (called once at start-up)."""
    timer.datetime = _SpiffDatetime
