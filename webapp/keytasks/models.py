"""The yearly key-task ledger (督查台账): its areas, tasks, milestones and the progress report of each checkpoint."""
from webapp.core import clock
from webapp.core.types import UTCDateTime
from webapp.extensions import db

# When the lead units report, per ledger: (month, day) of each checkpoint in the ledger's year.
CHECKPOINT_MODES = {"half_year": "每年两次（7月上旬、12月底）", "quarterly": "每季度末", "monthly": "每月末"}
_MONTH_ENDS = ((1, 31), (2, 28), (3, 31), (4, 30), (5, 31), (6, 30), (7, 31), (8, 31), (9, 30), (10, 31), (11, 30),
               (12, 31))
CHECKPOINT_DAYS = {"half_year": ((7, 10), (12, 31)), "quarterly": ((3, 31), (6, 30), (9, 30), (12, 31)),
                   "monthly": _MONTH_ENDS}
LIGHTS = {"red": "滞后", "yellow": "临近节点", "green": "正常推进", "done": "已完成"}
STAGES = {"contributing": "配合单位报送", "reporting": "牵头单位报送",
          "signing": "单位领导审签", "reviewing": "督查室审核", "accepted": "已审核通过"}
RETURN_REASONS = {"no_progress": "进展不实或无实质进展", "no_milestone": "未对照节点目标说明",
                  "no_cooperation": "缺少配合单位情况", "no_measures": "缺少下一步措施"}


class KeyTaskLedger(db.Model):
    """One year's list of key tasks kept by a supervision office (督查室)."""

    __tablename__ = "keytask_ledgers"
    __table_args__ = (db.UniqueConstraint("unit_id", "year", "title", name="uq_keytask_ledgers_unit_year_title"),)

    id = db.Column(db.Integer, primary_key=True)
    unit_id = db.Column(db.Integer, db.ForeignKey("units.id"), nullable=False, index=True)  # the 督查室
    unit = db.relationship("Unit")
    year = db.Column(db.Integer, nullable=False)
    title = db.Column(db.String(200), nullable=False)
    checkpoint_mode = db.Column(db.String(16), nullable=False, default="half_year")
    created_by_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False)
    created_dt = db.Column(UTCDateTime(), nullable=False, default=clock.now)

    @property
    def checkpoint_label(self):
        return CHECKPOINT_MODES.get(self.checkpoint_mode, self.checkpoint_mode)


class KeyTaskArea(db.Model):
    """An area of a ledger (e.g. 经济发展, 民生保障), in the ledger's order."""

    __tablename__ = "keytask_areas"
    __table_args__ = (db.UniqueConstraint("ledger_id", "name", name="uq_keytask_areas_ledger_name"),)

    id = db.Column(db.Integer, primary_key=True)
    ledger_id = db.Column(db.Integer, db.ForeignKey("keytask_ledgers.id"), nullable=False, index=True)
    position = db.Column(db.Integer, nullable=False, default=0)
    name = db.Column(db.String(100), nullable=False)


class KeyTask(db.Model):
    """One key task: who answers for it (a leader by name), the lead unit, the cooperating units, the targets."""

    __tablename__ = "keytasks"
    __table_args__ = (db.UniqueConstraint("ledger_id", "number", name="uq_keytasks_ledger_number"),)

    id = db.Column(db.Integer, primary_key=True)
    ledger_id = db.Column(db.Integer, db.ForeignKey("keytask_ledgers.id"), nullable=False, index=True)
    ledger = db.relationship("KeyTaskLedger")
    area_id = db.Column(db.Integer, db.ForeignKey("keytask_areas.id"), nullable=False, index=True)
    area = db.relationship("KeyTaskArea")
    position = db.Column(db.Integer, nullable=False, default=0)
    number = db.Column(db.String(16), nullable=False)
    title = db.Column(db.String(300), nullable=False)
    leader_name = db.Column(db.String(100), nullable=False, default="")
    lead_unit_id = db.Column(db.Integer, db.ForeignKey("units.id"), nullable=False, index=True)
    lead_unit = db.relationship("Unit")
    cooperating_unit_ids = db.Column(db.JSON, nullable=False, default=list)
    targets = db.Column(db.Text, nullable=False, default="")
    done_dt = db.Column(UTCDateTime())  # the 督查室 accepted a report as the task's completion


class KeyTaskMilestone(db.Model):
    """A dated step of a task (节点目标); past its date and not done, the task turns red."""

    __tablename__ = "keytask_milestones"

    id = db.Column(db.Integer, primary_key=True)
    task_id = db.Column(db.Integer, db.ForeignKey("keytasks.id"), nullable=False, index=True)
    due_date = db.Column(db.Date, nullable=False)
    text = db.Column(db.String(500), nullable=False)
    done_dt = db.Column(UTCDateTime())


class KeyTaskReport(db.Model):
    """The progress report of one task at one checkpoint, projected from its key_task instance."""

    __tablename__ = "keytask_reports"
    __table_args__ = (db.UniqueConstraint("task_id", "checkpoint", name="uq_keytask_reports_task_checkpoint"),)

    id = db.Column(db.Integer, primary_key=True)
    task_id = db.Column(db.Integer, db.ForeignKey("keytasks.id"), nullable=False, index=True)
    task = db.relationship("KeyTask")
    checkpoint = db.Column(db.Date, nullable=False)
    instance_id = db.Column(db.Integer, db.ForeignKey("process_instances.id"), nullable=False, unique=True)
    stage = db.Column(db.String(16), nullable=False, default="reporting")
    due_dt = db.Column(UTCDateTime(), nullable=False)
    remind_dt = db.Column(UTCDateTime(), nullable=False)
    reminded_dt = db.Column(UTCDateTime())
    overdue_dt = db.Column(UTCDateTime())  # first seen unreported past its due time: stays for the circular
    reported_dt = db.Column(UTCDateTime())  # the lead unit's first submission
    accepted_dt = db.Column(UTCDateTime())
    return_count = db.Column(db.Integer, nullable=False, default=0)
    progress = db.Column(db.Text, nullable=False, default="")
    started_by_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False)
    started_dt = db.Column(UTCDateTime(), nullable=False, default=clock.now)

    @property
    def stage_label(self):
        return STAGES.get(self.stage, self.stage)

    @property
    def on_time(self):
        return self.reported_dt is not None and self.reported_dt <= self.due_dt


class KeyTaskContribution(db.Model):
    """What one cooperating unit sent the lead unit for one checkpoint's report (配合单位报送), projected from its
    step of the key_task instance; one per report and unit, so it is shown and counted once."""

    __tablename__ = "keytask_contributions"
    __table_args__ = (db.UniqueConstraint("report_id", "unit_id", name="uq_keytask_contributions_report_unit"),)

    id = db.Column(db.Integer, primary_key=True)
    report_id = db.Column(db.Integer, db.ForeignKey("keytask_reports.id"), nullable=False, index=True)
    unit_id = db.Column(db.Integer, db.ForeignKey("units.id"), nullable=False)
    unit = db.relationship("Unit")
    progress = db.Column(db.Text, nullable=False, default="")
    problems = db.Column(db.Text, nullable=False, default="")
    next_steps = db.Column(db.Text, nullable=False, default="")
    contributed_by_id = db.Column(db.Integer, db.ForeignKey("users.id"))
    contributed_by = db.relationship("User")
    contributed_dt = db.Column(UTCDateTime(), nullable=False)


class KeyTaskSiteVisit(db.Model):
    """派人督办 of a lagging task: who the 督查室 sent, on which day, what they found and what was agreed."""

    __tablename__ = "keytask_site_visits"

    id = db.Column(db.Integer, primary_key=True)
    task_id = db.Column(db.Integer, db.ForeignKey("keytasks.id"), nullable=False, index=True)
    inspectors = db.Column(db.String(200), nullable=False)
    visit_date = db.Column(db.Date, nullable=False)
    findings = db.Column(db.Text, nullable=False)
    agreed = db.Column(db.Text, nullable=False, default="")
    recorded_by_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False)
    recorded_by = db.relationship("User")
    recorded_dt = db.Column(UTCDateTime(), nullable=False, default=clock.now)


CIRCULAR_STAGES = {"drafting": "督查室起草", "reviewing": "督查室负责人审核", "signing": "分管领导签发",
                   "published": "已签发"}


class KeyTaskCircular(db.Model):
    """督查通报 of one checkpoint, walked through `key_task_circular` (draft, review, sign-off): its figures are
    frozen into the draft at each submission and never recomputed once signed; rows published before the sign-off
    step existed have no instance."""

    __tablename__ = "keytask_circulars"
    __table_args__ = (db.UniqueConstraint("ledger_id", "checkpoint", name="uq_keytask_circulars_ledger_checkpoint"),
                      db.UniqueConstraint("ledger_id", "issue_no", name="uq_keytask_circulars_ledger_issue"))

    id = db.Column(db.Integer, primary_key=True)
    ledger_id = db.Column(db.Integer, db.ForeignKey("keytask_ledgers.id"), nullable=False)
    ledger = db.relationship("KeyTaskLedger")
    checkpoint = db.Column(db.Date, nullable=False)
    instance_id = db.Column(db.Integer, db.ForeignKey("process_instances.id"), unique=True)
    stage = db.Column(db.String(16), nullable=False, default="drafting", server_default="published")
    # [{"title", "columns", "rows", "total"}] as frozen by the last submission of the draft (None while drafting)
    tables = db.Column(db.JSON)
    visits = db.Column(db.JSON)  # the period's 派人督办 as frozen with the tables: [{"number", "title", ...}]
    frozen_dt = db.Column(UTCDateTime())
    summary = db.Column(db.Text, nullable=False, default="", server_default="")  # 总体情况
    area_remarks = db.Column(db.JSON)  # [[area name, remark]] in the ledger's order
    requirements = db.Column(db.Text, nullable=False, default="", server_default="")  # 下一步要求
    remark = db.Column(db.Text, nullable=False, default="")  # the remark of a circular published without sign-off
    drafted_by_id = db.Column(db.Integer, db.ForeignKey("users.id"))
    drafted_by = db.relationship("User", foreign_keys=[drafted_by_id])
    distribution = db.Column(db.JSON)  # {"bao", "song", "fa"}: the 报/送/发 lines as frozen when signed off
    issue_no = db.Column(db.Integer)  # 期号: the ledger's n-th signed circular (the ledger is one year's)
    published_by_id = db.Column(db.Integer, db.ForeignKey("users.id"))  # who signed it off
    published_by = db.relationship("User", foreign_keys=[published_by_id])
    published_dt = db.Column(UTCDateTime())

    @property
    def stage_label(self):
        return CIRCULAR_STAGES.get(self.stage, self.stage)

    @property
    def is_published(self):
        return self.published_dt is not None


PROJECT_STAGES = {"proposing": "立项申请", "approving": "领导审批", "inspecting": "督查实施（分单位）",
                  "closing": "撰写结项报告",
                  "signing": "领导审签", "closed": "已结项"}
NEW_PROJECT_TITLE = "（新立项专项督查）"


class SpecialProject(db.Model):
    """专项督查立项: proposed by a 督查室, approved by its leader, carried out at units, closed with a report."""

    __tablename__ = "keytask_projects"

    id = db.Column(db.Integer, primary_key=True)
    instance_id = db.Column(db.Integer, db.ForeignKey("process_instances.id"), nullable=False, unique=True)
    unit_id = db.Column(db.Integer, db.ForeignKey("units.id"), nullable=False, index=True)  # the 督查室
    proposer_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False)
    title = db.Column(db.String(200), nullable=False, default="")
    scope = db.Column(db.Text, nullable=False, default="")
    unit_ids = db.Column(db.JSON, nullable=False, default=list)  # the units supervised
    findings = db.Column(db.Text, nullable=False, default="")
    rectify_by = db.Column(db.Date)
    report = db.Column(db.Text, nullable=False, default="")
    stage = db.Column(db.String(16), nullable=False, default="proposing")
    approved_dt = db.Column(UTCDateTime())
    closed_dt = db.Column(UTCDateTime())
    created_dt = db.Column(UTCDateTime(), nullable=False, default=clock.now)

    @property
    def stage_label(self):
        return PROJECT_STAGES.get(self.stage, self.stage)


UNIT_STAGES = {"inspecting": "督查中", "rectifying": "整改中", "checking": "整改待验收", "accepted": "整改已验收"}
UNIT_LIGHTS = {"done": "已整改", "red": "逾期", "yellow": "临近期限", "green": "整改中", "none": "未下达整改"}


class SpecialProjectUnit(db.Model):
    """One inspected unit of a 专项督查: the 督查室's findings, the rectification deadline (working days), what the
    unit reported and whether the 督查室 accepted it. Written by the service tasks of its branch of the diagram."""

    __tablename__ = "keytask_project_units"
    __table_args__ = (db.UniqueConstraint("project_id", "unit_id", name="uq_keytask_project_units_project_unit"),)

    id = db.Column(db.Integer, primary_key=True)
    project_id = db.Column(db.Integer, db.ForeignKey("keytask_projects.id"), nullable=False, index=True)
    unit_id = db.Column(db.Integer, db.ForeignKey("units.id"), nullable=False)
    unit = db.relationship("Unit")
    stage = db.Column(db.String(16), nullable=False, default="inspecting")
    findings = db.Column(db.Text, nullable=False, default="")
    requirements = db.Column(db.Text, nullable=False, default="")
    rectify_days = db.Column(db.Integer)
    due_dt = db.Column(UTCDateTime())
    remind_dt = db.Column(UTCDateTime())
    reminded_dt = db.Column(UTCDateTime())
    overdue_dt = db.Column(UTCDateTime())  # the deadline passed with the rectification owed: stays
    rectification = db.Column(db.Text, nullable=False, default="")
    reported_dt = db.Column(UTCDateTime())  # the unit's first rectification report
    return_count = db.Column(db.Integer, nullable=False, default=0)
    check_opinion = db.Column(db.Text, nullable=False, default="")
    accepted_dt = db.Column(UTCDateTime())

    @property
    def stage_label(self):
        return UNIT_STAGES.get(self.stage, self.stage)

    def light(self, now):
        """已整改 / 逾期 / 临近期限 / 整改中, from the clock over the row (never from timer firings)."""
        if self.accepted_dt is not None:
            return "done"
        if self.due_dt is None:
            return "none"
        owed = self.stage == "rectifying"
        if self.overdue_dt is not None or (owed and now > self.due_dt):
            return "red"
        if owed and self.remind_dt is not None and now >= self.remind_dt:
            return "yellow"
        return "green"
