"""Writes of instruction cases and deadline rules; each flushes, the request or job commits."""
from dataclasses import asdict

from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from webapp import audit, engine
from webapp.core import clock
from webapp.core.errors import NotAllowed
from webapp.engine.models import HumanTask, ProcessInstance
from webapp.extensions import db

from . import deadlines
from .models import LEVELS, NEW_CASE_TITLE, CaseCounter, DeadlineRule, InstructionCase, SiteVisit
from .process import PROCESS_KEY

RECOMPUTE_SIGNAL = "deadline_recompute"


def _next_case_no():
    """DB<year>-<n>: one atomic upsert, so two registrations at the same moment never get the same number."""
    year = clock.local_today().year
    dialect = db.session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    statement = insert(CaseCounter).values(year=year, last_no=1)
    statement = statement.on_conflict_do_update(
        index_elements=[CaseCounter.year], set_={"last_no": CaseCounter.last_no + 1}
    ).returning(CaseCounter.last_no)
    number = db.session.execute(statement).scalar_one()
    return f"DB{year}-{number:04d}"


def register_case(user):
    """A 督查室 member starts a case in their office; returns (case, the registration task row)."""
    if not user.has_role("supervisor"):
        raise NotAllowed("只有督查室可以登记批示件。")
    data = {"unit_id": user.unit_id, "registrar_id": user.id, "case_no": _next_case_no(),
            "title": NEW_CASE_TITLE, "secrecy": 0, "urgency": "normal"}
    instance = engine.start(PROCESS_KEY, user, data, business_key=data["case_no"])
    task = db.session.query(HumanTask).filter_by(instance_id=instance.id, state="open").one()
    return db.session.query(InstructionCase).filter_by(instance_id=instance.id).one(), task


def record_site_visit(case, values, user):
    """派人督办 recorded by the office that registered the case; it shows on the case's timeline as a history row
    (the day of the visit, who went, what they found) beside the table row the desk and reports can count."""
    if not (user.has_role("supervisor") and user.unit_id == case.unit_id):
        raise NotAllowed("只有督办本件的督查室可以记录派人督办。")
    if case.closed_dt is not None:
        raise NotAllowed("批示件已办结归档，不能再记录派人督办。")
    visit = SiteVisit(case_id=case.id, recorded_by_id=user.id, recorded_dt=clock.now(), **values)
    db.session.add(visit)
    db.session.flush()
    engine.record_event(case.instance_id, "site_visit", user, step_key="site_visit", step_label="派人督办",
                        opinion=values["findings"],
                        data={"visit_id": visit.id, "inspectors": values["inspectors"],
                              "visit_date": values["visit_date"].isoformat()})
    db.session.flush()
    return visit


def save_rule(level, values, user):
    """An admin's deadline rule for one level (cases registered from now on use it), with its audit entry."""
    before = asdict(deadlines.rule_for(level))
    rule = db.session.get(DeadlineRule, level) or DeadlineRule(level=level)
    for name, value in values.items():
        setattr(rule, name, value)
    rule.updated_by_id = user.id
    rule.updated_dt = clock.now()
    db.session.add(rule)
    db.session.flush()
    audit.record("admin.rules.save", summary=f"保存“{LEVELS[level]}”批示件办理期限规则", target_type="deadline_rule",
                 target_id=level, detail={"before": before, "after": asdict(deadlines.rule_for(level))}, user=user)
    return rule


def recompute_unknown_deadlines(user=None):
    """After an admin adds a calendar year: every case waiting for it computes its deadline and arms its timers."""
    waiting = (db.session.query(InstructionCase.instance_id)
               .join(ProcessInstance, ProcessInstance.id == InstructionCase.instance_id)
               .filter(InstructionCase.deadline_known.is_(False), ProcessInstance.status == "running").all())
    engine.lock_instances(instance_id for (instance_id,) in waiting)  # several locks: all first, in id order
    return sum(engine.signal(instance_id, RECOMPUTE_SIGNAL, user) for (instance_id,) in waiting)


def on_calendar_year_ready(_year, user=None):
    """A calendar year became usable (`hooks.calendar_year_ready`): cases waiting for it get their deadlines."""
    return recompute_unknown_deadlines(user)
