"""What BPMN service tasks call: plain functions registered under a dotted key.

A handler takes a context (`ctx`, given by the host: task data, the clock and a
narrow lookup API) plus the service task's parameters, and returns a
JSON-serialisable dict. Handlers import no Flask and never commit.
"""
REGISTRY = {}


def handler(key):
    """Register a function as the handler for service-task operator `key`."""

    def register(fn):
        if key in REGISTRY:
            raise ValueError(f"handler {key} registered twice")
        REGISTRY[key] = fn
        return fn

    return register


class HandlerError(Exception):
    """A handler's own, user-readable failure."""
