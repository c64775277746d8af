"""How packages hear of each other without importing each other: named blinker signals (as Flask uses).

A signal sent with a process key as sender reaches the receivers a domain connected for that key (its
projector, its task page, who may see its instances) and those connected for any sender. A domain connects its
receivers through its declaration (`core.domain.Domain`), wired once by `create_app`.

The transaction hooks are SQLAlchemy session events (after the flush, at commit, after the commit, on rollback):
`listen_on_session` attaches them once per process.
"""
from blinker import Namespace
from sqlalchemy import event

from webapp.extensions import db

signals = Namespace()

# The engine's steps
instance_projected = signals.signal("instance-projected")  # sender: process key; instance=, data=
task_opened = signals.signal("task-opened")  # sender: process key; row= (a new open task row, with its id)

# What a domain answers for its own instances (sender: process key; first answer wins, see `ask`)
task_page = signals.signal("task-page")  # row= -> template context beside the form ("subject_template")
task_done = signals.signal("task-done")  # row= -> what the flash says after completing it, or None
instance_visible = signals.signal("instance-visible")  # user=, instance_id= -> True when the domain lets see it
instance_link = signals.signal("instance-link")  # instance_id= -> the page of the instance (a path), or None
# What another domain adds to a page (sender: the page's endpoint, e.g. "reports.detail"; obj=, user= -> a dict
# merged into the page's context, see `extras`): the 批示 recorded for scoring on an item's page
page_extras = signals.signal("page-extras")
# The publications an office adopts items into (sender: "reports"; unit_id= -> their names, in order, or None)
publication_choices = signals.signal("publication-choices")
# The publications scoring weighs and lists (sender: "scoring"; unit_id= -> [(name, kind)] of that office's active
# publications in order, or of every office's when unit_id is None; None when no domain keeps publications)
office_publications = signals.signal("office-publications")

# Platform events
calendar_year_ready = signals.signal("calendar-year-ready")  # sender: year; user= -> how many records changed
# An administrator reset a user's password (the account may be in other hands): sender: "auth"; user=, actor=.
# What acts in the user's name without the password (the API's access tokens) is revoked by its owner domain.
credentials_reset = signals.signal("credentials-reset")
# What happened to an office's work, for those outside (webhooks): sender: event name ("item.adopted",
# "case.near_due", "case.overdue", "emergency.late", "circular.published"); facts= a dict of ids, title, unit_id,
# secrecy, step, due_dt and link (a path), sent by the domain in the transaction that made it happen (see `announce`)
office_event = signals.signal("office-event")


def ask(signal, sender, **kwargs):
    """The first non-None answer of the receivers for `sender`, or None."""
    for _receiver, answer in signal.send(sender, **kwargs):
        if answer is not None:
            return answer
    return None


def extras(page, **kwargs):
    """The context every receiver of `page_extras` adds to `page`, merged."""
    merged = {}
    for _receiver, answer in page_extras.send(page, **kwargs):
        merged.update(answer or {})
    return merged


def announce(event, **facts):
    """Tell the receivers of `office_event` that `event` happened (in the caller's transaction)."""
    office_event.send(event, facts=facts)


def listen_on_session(listeners):
    """Attach (event name, function) pairs to every session of `db` (idempotent)."""
    for name, fn in listeners:
        if not event.contains(db.session, name, fn):
            event.listen(db.session, name, fn)


def stop_listening_on_session(listeners):
    """Detach them again (tests)."""
    for name, fn in listeners:
        if event.contains(db.session, name, fn):
            event.remove(db.session, name, fn)
