"""Receivers of the platform's events (wired by the domain's declaration): a delivery for each endpoint that asked.

A secret item's event (secrecy > 0) carries the event, its time and ids only: never a title, a unit's name, a
step or a link text. Otherwise: ids, title, unit, step, due time and the link of its page.
"""
from flask import current_app

from webapp.auth.models import Unit
from webapp.core import clock, links
from webapp.extensions import db

from . import delivery, queries


def absolute(path):
    """The link of a page for another system: GOVFLOW_SERVER_NAME in front when it is set (as jobs' links)."""
    config = current_app.config
    if not path or not config.get("SERVER_NAME") or "://" in path:
        return path
    return f"{config.get('PREFERRED_URL_SCHEME') or 'http'}://{config['SERVER_NAME']}{path}"


def _iso(value):
    return value.isoformat() if value is not None else None


def payload(event, facts):
    ids = {name: facts[name] for name in ("task_id", "instance_id", "object_id") if facts.get(name) is not None}
    base = {"event": event, "occurred_at": clock.now().isoformat(), "kind": facts.get("kind"), **ids}
    if int(facts.get("secrecy") or 0) > 0:
        return {**base, "restricted": True}
    unit = db.session.get(Unit, facts["unit_id"]) if facts.get("unit_id") else None
    link = facts.get("link")
    if link is None and facts.get("instance_id") and facts.get("process_key"):
        link = links.instance_page(facts["process_key"], facts["instance_id"])
    extra = {"minutes_late": facts["minutes_late"]} if facts.get("minutes_late") is not None else {}
    return {**base, "restricted": False, "title": facts.get("title") or "",
            "unit": {"id": unit.id, "name": unit.name} if unit else None, "step": facts.get("step"),
            "due_at": _iso(facts.get("due_dt")), "link": absolute(link), **extra}


def _deliver(event, facts):
    endpoints = queries.subscribed(event, facts.get("unit_id"))
    if endpoints:
        delivery.create(endpoints, event, payload(event, facts))


def task_opened(_process_key, row, **_kwargs):
    """A step opened (`hooks.task_opened`)."""
    _deliver("task.opened", {"kind": "task", "task_id": row.id, "instance_id": row.instance_id,
                             "title": row.title, "unit_id": row.unit_id, "secrecy": row.secrecy,
                             "step": row.step_label, "due_dt": row.due_dt,
                             "link": links.path_for("inbox.task", row_id=row.id)})


def office_event(event, facts):
    """item.adopted, case.near_due, case.overdue, emergency.late, circular.published (`hooks.office_event`)."""
    _deliver(event, facts)
