"""The case row projected from its instance, and the admin-editable deadline rules."""
from webapp.core import clock
from webapp.core.types import UTCDateTime
from webapp.extensions import db

NEW_CASE_TITLE = "（新登记批示件）"  # the title of a case until its registration form is first saved
LEVELS = {"central": "中央领导批示", "provincial": "省领导批示", "city": "市领导批示"}
STAGES = {
    "registering": "登记", "assigning": "交办", "handling": "办理中", "extension": "延期审批",
    "signing": "领导签发", "reviewing": "督查室审核", "archived": "已办结",
}
RETURN_REASONS = {
    "facts_unclear": "事实不清", "cause_not_found": "原因未查明", "no_remedy": "未提出整改措施",
    "not_formal_doc": "未以正式文件报送", "wrong_signer": "签发领导不符合要求",
}


class InstructionCase(db.Model):
    """One 批示件, kept in step with its instance by the projector (process.py)."""

    __tablename__ = "instruction_cases"
    __table_args__ = (
        db.Index("ix_instruction_cases_stage_due", "stage", "due_dt"),
        db.Index("ix_instruction_cases_closed_due", "closed_dt", "due_dt"),  # the dashboard: open cases by deadline
        # one office's desk: its open cases in deadline order, read in index order (bench/read_paths.py)
        db.Index("ix_instruction_cases_open_unit_due", "unit_id", "due_dt", "id",
                 postgresql_where=db.text("closed_dt IS NULL"), sqlite_where=db.text("closed_dt IS NULL")),
        db.Index("ix_instruction_cases_lead_assigned", "lead_unit_id", "assigned_dt"),  # monthly tables
    )

    id = db.Column(db.Integer, primary_key=True)
    instance_id = db.Column(db.Integer, db.ForeignKey("process_instances.id"), nullable=False, unique=True)
    instance = db.relationship("ProcessInstance")
    case_no = db.Column(db.String(32), nullable=False, unique=True)
    unit_id = db.Column(db.Integer, db.ForeignKey("units.id"), nullable=False, index=True)  # the 督查室
    unit = db.relationship("Unit", foreign_keys=[unit_id])
    registrar_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False)
    registrar = db.relationship("User")

    title = db.Column(db.String(256), nullable=False, default="")
    source_leader = db.Column(db.String(128), nullable=False, default="")
    level = db.Column(db.String(16))
    instruction = db.Column(db.Text, nullable=False, default="")
    instruction_date = db.Column(db.Date)
    urgency = db.Column(db.String(16), nullable=False, default="normal")
    secrecy = db.Column(db.SmallInteger, nullable=False, default=0)
    lead_unit_id = db.Column(db.Integer, db.ForeignKey("units.id"), index=True)
    lead_unit = db.relationship("Unit", foreign_keys=[lead_unit_id])
    assist_unit_ids = db.Column(db.JSON, nullable=False, default=list)
    requirements = db.Column(db.Text, nullable=False, default="")

    stage = db.Column(db.String(16), nullable=False, default="registering")
    registered_dt = db.Column(UTCDateTime(), nullable=False, default=clock.now)
    assigned_dt = db.Column(UTCDateTime())
    deadline_known = db.Column(db.Boolean)  # None: not assigned yet; False: a calendar year is missing
    missing_year = db.Column(db.Integer)
    due_dt = db.Column(UTCDateTime())
    remind_dt = db.Column(UTCDateTime())
    feedback_due_dt = db.Column(UTCDateTime())
    original_due_dt = db.Column(UTCDateTime())
    extension_limit_dt = db.Column(UTCDateTime())
    extensions = db.Column(db.JSON, nullable=False, default=list)
    rule_text = db.Column(db.String(200))  # the rule of its 交办, e.g. "15工作日内办结，到期前3自然日提醒…"

    reminded_dt = db.Column(UTCDateTime())
    overdue_dt = db.Column(UTCDateTime())  # first seen past its deadline: stays for the reports
    first_feedback_dt = db.Column(UTCDateTime())
    feedback_missed = db.Column(db.Boolean, nullable=False, default=False)
    progress_count = db.Column(db.Integer, nullable=False, default=0)
    return_count = db.Column(db.Integer, nullable=False, default=0)
    closed_dt = db.Column(UTCDateTime(), index=True)
    # The handling unit's latest 办理反馈 (progress, closing report or extension request), for the dashboard.
    last_report_dt = db.Column(UTCDateTime())
    last_report_kind = db.Column(db.String(16))
    last_report_text = db.Column(db.String(500))
    updated_dt = db.Column(UTCDateTime(), nullable=False, default=clock.now)

    ALERT_LABELS = {"red": "已超期", "yellow": "临近到期", "green": "正常", "unknown": "期限待定",
                    "pending": "未交办", "closed": "已办结"}

    @property
    def alert(self):
        """red: past its current deadline; yellow: reminded; unknown: a calendar year is missing."""
        if self.closed_dt is not None:
            return "closed"
        if self.deadline_known is None:
            return "pending"
        if not self.deadline_known:
            return "unknown"
        if self.overdue_dt is not None and self.overdue_dt >= self.due_dt:
            return "red"
        if self.reminded_dt is not None:
            return "yellow"
        return "green"

    @property
    def alert_label(self):
        return self.ALERT_LABELS[self.alert]

    @property
    def level_label(self):
        return LEVELS.get(self.level, "")

    @property
    def stage_label(self):
        return STAGES.get(self.stage, self.stage)

    @property
    def was_overdue(self):
        return self.overdue_dt is not None

    @property
    def closed_on_time(self):
        return self.closed_dt is not None and self.overdue_dt is None


class SiteVisit(db.Model):
    """派人督办: the supervision office went on site to a stalled case; who went, when, what they found."""

    __tablename__ = "case_site_visits"

    id = db.Column(db.Integer, primary_key=True)
    case_id = db.Column(db.Integer, db.ForeignKey("instruction_cases.id"), nullable=False, index=True)
    case = db.relationship("InstructionCase")
    inspectors = db.Column(db.String(200), nullable=False)
    visit_date = db.Column(db.Date, nullable=False)
    findings = db.Column(db.Text, nullable=False)
    recorded_by_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False)
    recorded_by = db.relationship("User")
    recorded_dt = db.Column(UTCDateTime(), nullable=False, default=clock.now)


class DeadlineRule(db.Model):
    """How long a case of one level may take; rows override the shipped defaults (deadlines.DEFAULT_RULES)."""

    __tablename__ = "deadline_rules"

    level = db.Column(db.String(16), primary_key=True)
    finish_amount = db.Column(db.Integer, nullable=False)
    finish_unit = db.Column(db.String(16), nullable=False)
    remind_amount = db.Column(db.Integer, nullable=False)
    remind_unit = db.Column(db.String(16), nullable=False)
    feedback_amount = db.Column(db.Integer)  # urgent cases: first feedback due; empty = no such rule
    feedback_unit = db.Column(db.String(16))
    extension_cap_amount = db.Column(db.Integer, nullable=False)
    extension_cap_unit = db.Column(db.String(16), nullable=False)
    updated_by_id = db.Column(db.Integer, db.ForeignKey("users.id"))
    updated_by = db.relationship("User")
    updated_dt = db.Column(UTCDateTime(), nullable=False, default=clock.now)


class CaseCounter(db.Model):
    """The last case number given out in a year (督办编号 DB<year>-<n>), incremented atomically."""

    __tablename__ = "case_counters"

    year = db.Column(db.Integer, primary_key=True, autoincrement=False)
    last_no = db.Column(db.Integer, nullable=False)
