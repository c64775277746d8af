"""The workflow engine: the only package that imports SpiffWorkflow, and one that imports no domain.

Its public interface is below; the rest of the app calls these (through the domains' operations) and reads the
projected rows in `engine.models`. Who may act is the policy of `may_act` over the acting person's role, unit
and clearance; who a person is, what a lane's role is and what a service task calls are the host's answers,
given once at start-up with `configure` (see `host.py`).

The domains use only this interface and `engine.models`; the engine's own tooling (the designer: definitions,
versions, checks, migration; admin and the workers: timers, scheduling, demo_clock) uses its modules directly.
An import-linter contract in pyproject.toml holds the domains to that.
"""
from .diagram import diagram_state, task_data
from .host import configure
from .projection import open_rows
from .runner import complete, fire_timers, may_act, record_event, retry, save_draft, signal, start, terminate
from .store import lock_instance, lock_instances
from .verbs import (
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
    "claim", "complete", "configure", "diagram_state", "fire_timers", "lock_instance", "lock_instances", "may_act",
    "open_rows", "record_event", "release", "retry", "return_targets", "return_to", "save_draft", "signal", "start",
    "task_data", "terminate", "transfer", "transfer_candidates", "withdraw", "withdrawable",
]
