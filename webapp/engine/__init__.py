"""The workflow engine: the only package that imports SpiffWorkflow, and one that imports no domain.

Its public interface is below; the rest of the app calls these (through the domains' operations) and reads the
projected rows in `engine.models`. Who may act is the policy of `may_act` over the acting person's role, unit
and clearance; who a person is, what a lane's role is and what a service task calls are the host's answers,
given once at start-up with `configure` (see `host.py`).
"""
from .host import configure
from .runner import complete, fire_timers, may_act, record_event, retry, save_draft, signal, start
from .task_actions import (
    claim,
    release,
    return_targets,
    return_to,
    transfer,
    transfer_candidates,
    withdraw,
    withdrawable,
)

__all__ = [
    "claim", "complete", "configure", "fire_timers", "may_act", "record_event", "release", "retry",
    "return_targets", "return_to", "save_draft", "signal", "start", "transfer", "transfer_candidates", "withdraw",
    "withdrawable",
]
