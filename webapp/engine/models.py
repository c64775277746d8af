"""The engine's own tables: definitions, instances and their projections."""
from webapp.core import clock
from webapp.core.types import UTCDateTime
from webapp.extensions import db


class ProcessDefinition(db.Model):
    """One immutable deployed version of a BPMN process."""

    __tablename__ = "process_definitions"
    __table_args__ = (db.UniqueConstraint("process_key", "version"),)

    id = db.Column(db.Integer, primary_key=True)
    process_key = db.Column(db.String(64), nullable=False, index=True)
    version = db.Column(db.Integer, nullable=False)
    name = db.Column(db.String(128), nullable=False)
    bpmn_xml = db.deferred(db.Column(db.Text, nullable=False))  # loaded only when parsed or shown
    sha256 = db.Column(db.String(64), nullable=False)
    is_latest = db.Column(db.Boolean, nullable=False, default=True)
    deployed_by_id = db.Column(db.Integer, db.ForeignKey("users.id"))
    deployed_by = db.relationship("User")
    deployed_dt = db.Column(UTCDateTime(), nullable=False, default=clock.now)
    comment = db.Column(db.Text, nullable=False, default="")


class ProcessInstance(db.Model):
    """A running or finished instance; its state refers to its definition, never embeds it."""

    __tablename__ = "process_instances"
    __table_args__ = (db.Index("ix_process_instances_started_by", "started_by_id", "started_dt"),)  # 我发起的

    id = db.Column(db.Integer, primary_key=True)
    definition_id = db.Column(db.Integer, db.ForeignKey("process_definitions.id"), nullable=False, index=True)
    definition = db.relationship("ProcessDefinition")
    business_key = db.Column(db.String(64), index=True)
    state_json = db.Column(db.Text, nullable=False)
    serializer_version = db.Column(db.String(16), nullable=False)
    lock_version = db.Column(db.Integer, nullable=False, default=1)
    status = db.Column(db.String(16), nullable=False, default="running", index=True)
    unit_id = db.Column(db.Integer, db.ForeignKey("units.id"), index=True)
    secrecy = db.Column(db.SmallInteger, nullable=False, default=0)  # the host's (engine/markings.py)
    urgency = db.Column(db.String(16), nullable=False, default="normal", server_default="normal")
    started_by_id = db.Column(db.Integer, db.ForeignKey("users.id"))
    started_dt = db.Column(UTCDateTime(), nullable=False, default=clock.now)
    ended_dt = db.Column(UTCDateTime())

    __mapper_args__ = {"version_id_col": lock_version}

    STATUS_LABELS = {"running": "办理中", "completed": "已办结", "incident": "异常待处理", "terminated": "已终止"}

    @property
    def status_label(self):
        return self.STATUS_LABELS.get(self.status, self.status)


class HumanTask(db.Model):
    """A user task projected from the workflow: what inboxes and lists read."""

    __tablename__ = "human_tasks"
    __table_args__ = (
        db.Index("ix_human_tasks_inbox", "state", "unit_id", "role"),
        db.Index("ix_human_tasks_assignee", "assignee_id", "state"),
        db.Index("ix_human_tasks_instance_state", "instance_id", "state"),
        db.Index("ix_human_tasks_done", "completed_by_id", "completed_dt"),  # 已办, newest first
        # open emergencies, put on top of every list: either branch of inbox.items.is_emergency is an index range
        db.Index("ix_human_tasks_state_process_urgency", "state", "process_key", "urgency"),
    )

    id = db.Column(db.Integer, primary_key=True)
    instance_id = db.Column(db.Integer, db.ForeignKey("process_instances.id"), nullable=False)
    instance = db.relationship("ProcessInstance")
    # Not unique: a step returned to (退回) or withdrawn (撤回) runs again under the same Spiff task id.
    task_uuid = db.Column(db.String(36), nullable=False, index=True)
    process_key = db.Column(db.String(64), nullable=False)
    step_key = db.Column(db.String(64), nullable=False)
    step_label = db.Column(db.String(128), nullable=False)
    form_key = db.Column(db.String(64))
    role = db.Column(db.String(16), nullable=False)
    unit_id = db.Column(db.Integer, db.ForeignKey("units.id"), nullable=False)
    unit = db.relationship("Unit")
    assignee_id = db.Column(db.Integer, db.ForeignKey("users.id"))
    assignee = db.relationship("User", foreign_keys=[assignee_id])
    state = db.Column(db.String(16), nullable=False, default="open")  # open / completed / cancelled
    title = db.Column(db.String(256), nullable=False, default="")
    secrecy = db.Column(db.SmallInteger, nullable=False, default=0)
    urgency = db.Column(db.String(16), nullable=False, default="normal")
    created_dt = db.Column(UTCDateTime(), nullable=False, default=clock.now)
    due_dt = db.Column(UTCDateTime())
    completed_dt = db.Column(UTCDateTime())
    completed_by_id = db.Column(db.Integer, db.ForeignKey("users.id"))
    completed_by = db.relationship("User", foreign_keys=[completed_by_id])
    outcome = db.Column(db.String(32))
    opinion = db.Column(db.Text)
    claimed_dt = db.Column(UTCDateTime())  # set when a group task was claimed (签收); assignee_id is the claimer
    arrival = db.Column(db.String(16))  # how the task came back: returned / withdrawn / transferred
    arrival_note = db.Column(db.Text)  # the reason given with it
    arrival_by_id = db.Column(db.Integer, db.ForeignKey("users.id"))
    arrival_by = db.relationship("User", foreign_keys=[arrival_by_id])
    # A completed step undone by a return or withdraw: kept for history, never offered as a return target.
    superseded = db.Column(db.Boolean, nullable=False, default=False)

    STATE_LABELS = {"open": "待办", "completed": "已办", "cancelled": "已取消"}
    ARRIVAL_LABELS = {"returned": "被退回", "withdrawn": "已撤回", "transferred": "转办"}


class Timer(db.Model):
    """An armed timer of an instance, indexed by due time; the database is its truth."""

    __tablename__ = "timers"
    __table_args__ = (db.Index("ix_timers_state_due", "state", "due_dt"),)

    id = db.Column(db.Integer, primary_key=True)
    instance_id = db.Column(db.Integer, db.ForeignKey("process_instances.id"), nullable=False, index=True)
    task_uuid = db.Column(db.String(36), nullable=False, unique=True)
    step_key = db.Column(db.String(64), nullable=False)
    step_label = db.Column(db.String(128), nullable=False, default="")
    kind = db.Column(db.String(16), nullable=False, default="timer")
    due_dt = db.Column(UTCDateTime(), nullable=False)
    state = db.Column(db.String(16), nullable=False, default="armed")  # armed / held / fired / cancelled
    fired_dt = db.Column(UTCDateTime())


class InstanceEvent(db.Model):
    """History of an instance: who did what, when, with which data."""

    __tablename__ = "instance_events"

    id = db.Column(db.Integer, primary_key=True)
    instance_id = db.Column(db.Integer, db.ForeignKey("process_instances.id"), nullable=False, index=True)
    event_dt = db.Column(UTCDateTime(), nullable=False, default=clock.now)
    actor_id = db.Column(db.Integer, db.ForeignKey("users.id"))
    actor = db.relationship("User")
    actor_role = db.Column(db.String(16))  # the role the actor acted in
    task_id = db.Column(db.Integer, db.ForeignKey("human_tasks.id"))
    action = db.Column(db.String(32), nullable=False)
    step_key = db.Column(db.String(64))
    step_label = db.Column(db.String(128))
    opinion = db.Column(db.Text)
    data = db.Column(db.JSON)

    ACTION_LABELS = {
        "start": "发起", "complete": "办理", "save_draft": "保存草稿", "timer": "定时触发",
        "incident": "处理异常", "retry": "重试", "signal": "外部事件", "service": "系统处理", "end": "流程结束",
        "claim": "签收", "release": "退回签收", "transfer": "转办", "return": "退回", "withdraw": "撤回",
        "urge": "催办", "copy": "抄送", "attach": "上传附件", "detach": "删除附件",
        "shortcut": "越过核签", "phone": "电话接报", "migrate": "迁移版本", "marking": "变更密级/紧急程度",
        "handover": "人员调整移交", "handover_release": "人员调整退回组内", "discard": "作废",
    }

    @property
    def action_label(self):
        return self.ACTION_LABELS.get(self.action, self.action)


class Incident(db.Model):
    """A failure inside a step (a handler error, a runaway loop) kept visible on the instance."""

    __tablename__ = "incidents"

    id = db.Column(db.Integer, primary_key=True)
    instance_id = db.Column(db.Integer, db.ForeignKey("process_instances.id"), nullable=False, index=True)
    step_key = db.Column(db.String(64))
    message = db.Column(db.Text, nullable=False)
    created_dt = db.Column(UTCDateTime(), nullable=False, default=clock.now)
    resolved_dt = db.Column(UTCDateTime())


class ClockSetting(db.Model):
    """The demo clock's offset, shared by every process through the database."""

    __tablename__ = "clock_settings"

    id = db.Column(db.Integer, primary_key=True)
    offset_seconds = db.Column(db.Float, nullable=False, default=0)
