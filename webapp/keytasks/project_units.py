"""Each inspected unit of a 专项督查 (`ctx.project_units` for its handlers, and the reads of its pages).

The per-unit branches run as a multi-instance call activity; their data is not merged back into the instance, so
each unit's findings, deadline and rectification live in `keytask_project_units`, written by the branch's service
tasks in the step's transaction.
"""

from flask import current_app
from sqlalchemy.orm import joinedload

from webapp.core import clock
from webapp.core.formats import local_dt
from webapp.extensions import db
from webapp.workcal.deadlines import CalendarDataMissing, deadline, reminder_before
from webapp.workcal.queries import load_calendar

from .models import SpecialProject, SpecialProjectUnit


def rectify_moments(start_dt, days):
    """(due, remind) of a rectification of `days` working days from `start_dt` (calendar days when the calendar
    lacks a year): due at the end of that day; reminded KEYTASK_REMIND_WORKING_DAYS working days before, or
    halfway when the deadline is shorter than that."""
    remind_days = current_app.config["KEYTASK_REMIND_WORKING_DAYS"]
    try:
        calendar = load_calendar()
        due = deadline(start_dt, days, "working_days", calendar)
        remind = reminder_before(due, remind_days, "working_days", calendar)
    except CalendarDataMissing:
        due = deadline(start_dt, days, "calendar_days", None)
        remind = reminder_before(due, remind_days, "calendar_days", None)
    if remind <= start_dt:
        remind = start_dt + (due - start_dt) / 2
    return due, remind


class ProjectUnits:
    """The inspected units' rows of one project instance."""

    def __init__(self, instance_id):
        self.instance_id = instance_id

    def _project(self):
        return db.session.query(SpecialProject).filter_by(instance_id=self.instance_id).one()

    def _row(self, unit_id):
        project = self._project()
        row = db.session.query(SpecialProjectUnit).filter_by(project_id=project.id, unit_id=int(unit_id)).one_or_none()
        if row is None:
            row = SpecialProjectUnit(project_id=project.id, unit_id=int(unit_id), stage="inspecting")
            db.session.add(row)
        return row

    def open(self, unit_ids):
        for unit_id in unit_ids:
            self._row(unit_id)
        db.session.flush()

    def findings(self, unit_id, findings, requirements, days):
        """Findings recorded: the deadline is set; returns (due, remind) as ISO text for the diagram's timers."""
        row = self._row(unit_id)
        now = clock.now()
        due, remind = rectify_moments(now, days)
        row.findings, row.requirements, row.rectify_days = findings, requirements, days
        row.due_dt, row.remind_dt, row.stage = due, remind, "rectifying"
        db.session.flush()
        return due.isoformat(), remind.isoformat()

    def reported(self, unit_id, text):
        row = self._row(unit_id)
        row.rectification = text
        row.reported_dt = row.reported_dt or clock.now()
        row.stage = "checking"
        db.session.flush()

    def checked(self, unit_id, decision, opinion):
        row = self._row(unit_id)
        row.check_opinion = opinion
        if decision == "return":
            row.return_count += 1
            row.stage = "rectifying"
        else:
            row.stage, row.accepted_dt = "accepted", clock.now()
        db.session.flush()

    def _mark_owed(self, unit_id, column):
        """A timer fired: when the unit still owes its report, stamp `column` once; returns whether it owes it."""
        row = self._row(unit_id)
        owed = row.stage == "rectifying"
        if owed and getattr(row, column) is None:
            setattr(row, column, clock.now())
        db.session.flush()
        return owed

    def reminded(self, unit_id):
        """The reminder fired: whether the unit still owes its report (then it is reminded)."""
        return self._mark_owed(unit_id, "reminded_dt")

    def overdue(self, unit_id):
        """The deadline passed: an owed report marks the unit overdue (it stays, so a late report counts late)."""
        return self._mark_owed(unit_id, "overdue_dt")


def service(instance_id):
    return ProjectUnits(instance_id)


def units_of(project):
    """The project's inspected units in the order they were named, with their light now."""
    rows = {row.unit_id: row for row in db.session.query(SpecialProjectUnit).filter_by(project_id=project.id)
            .options(joinedload(SpecialProjectUnit.unit))}
    now = clock.now()
    return [(row, row.light(now)) for row in (rows.get(uid) for uid in project.unit_ids or []) if row is not None]


def progress_of(project_ids):
    """{project id: (units whose rectification was accepted, units inspected)}, one grouped count."""
    if not project_ids:
        return {}
    accepted = db.func.sum(db.case((SpecialProjectUnit.accepted_dt.isnot(None), 1), else_=0))
    rows = (db.session.query(SpecialProjectUnit.project_id, accepted, db.func.count(SpecialProjectUnit.id))
            .filter(SpecialProjectUnit.project_id.in_(project_ids)).group_by(SpecialProjectUnit.project_id))
    return {project_id: (int(done or 0), total) for project_id, done, total in rows}


def unit_row(project, unit_id):
    if project is None or unit_id is None:
        return None
    return db.session.query(SpecialProjectUnit).filter_by(project_id=project.id, unit_id=int(unit_id)).one_or_none()


def closing_summary(rows):
    """The closing report's draft: every unit's findings and rectification status."""
    lines = []
    for row, _light in rows:
        due = local_dt(row.due_dt, "%Y-%m-%d") if row.due_dt else "未定"
        lines.append(f"{row.unit.name}：督查发现 {row.findings or '（未记录）'}；整改期限 {due}；"
                     f"整改情况 {row.rectification or '（未报送）'}；状态 {row.stage_label}"
                     f"{'（曾逾期）' if row.overdue_dt else ''}"
                     f"{f'，退回 {row.return_count} 次' if row.return_count else ''}。")
    return "\n".join(lines)
