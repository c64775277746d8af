"""Emergency reports (紧急信息), their levels, follow-ups, and the units' reporting record (迟报/漏报/瞒报)."""
from webapp.core import clock
from webapp.core.types import UTCDateTime
from webapp.extensions import db

LEVEL_LABELS = {"county": "县（区）", "city": "市", "province": "省", "centre": "中央"}
STATUS_LABELS = {
    "awaiting_written": "已电话报告，待报文字稿", "signing": "待值班领导核签", "returned": "已退回修改",
    "submitted": "已报送", "held": "本级掌握", "relayed": "已报至中央", "closed": "已终报",
}
FAULT_LABELS = {"late": "迟报", "missed": "漏报", "concealed": "瞒报"}
FOLLOWUP_KINDS = {"followup": "续报", "final": "终报"}


class Emergency(db.Model):
    """One emergency event as reported by a unit; projected from its `emergency_report` instance."""

    __tablename__ = "emergencies"
    __table_args__ = (db.Index("ix_emergencies_unit_event", "unit_id", "event_dt"),)

    id = db.Column(db.Integer, primary_key=True)
    instance_id = db.Column(db.Integer, db.ForeignKey("process_instances.id"), nullable=False, unique=True)
    instance = db.relationship("ProcessInstance")
    unit_id = db.Column(db.Integer, db.ForeignKey("units.id"), nullable=False)  # the reporting unit
    unit = db.relationship("Unit", foreign_keys=[unit_id])
    reporter_id = db.Column(db.Integer, db.ForeignKey("users.id"))
    reporter = db.relationship("User", foreign_keys=[reporter_id])

    title = db.Column(db.String(256), nullable=False, default="")
    event_dt = db.Column(UTCDateTime(), nullable=False)
    place = db.Column(db.String(256), nullable=False, default="")
    summary = db.Column(db.Text, nullable=False, default="")
    casualties = db.Column(db.Text, nullable=False, default="")
    measures = db.Column(db.Text, nullable=False, default="")
    urgency = db.Column(db.String(16), nullable=False, default="urgent")
    secrecy = db.Column(db.SmallInteger, nullable=False, default=0)
    event_time_reason = db.Column(db.Text)  # why an event further back than the setting allows is reported now

    # 先电话后文字: the phone report taken by an upper office, when the case started that way.
    mode = db.Column(db.String(8), nullable=False, default="written")  # written | phone
    phone_dt = db.Column(UTCDateTime())  # the call time stated; the rules count the arrival from it
    phone_entered_dt = db.Column(UTCDateTime())  # when the office entered the call (clock.now() at the post)
    # 补录: the stated call time lies more than GOVFLOW_PHONE_BACKFILL_MINUTES before the entry.
    phone_backfill = db.Column(db.Boolean, nullable=False, default=False, server_default=db.false())
    phone_caller = db.Column(db.String(64))
    phone_number = db.Column(db.String(32))
    phone_summary = db.Column(db.Text)
    phone_taken_by_id = db.Column(db.Integer, db.ForeignKey("users.id"))
    phone_taken_by = db.relationship("User", foreign_keys=[phone_taken_by_id])
    written_dt = db.Column(UTCDateTime())  # when the written report left the unit

    status = db.Column(db.String(20), nullable=False, default="signing", index=True)
    current_step = db.Column(db.String(128))
    next_due_dt = db.Column(UTCDateTime(), index=True)  # the limit the report now travels against
    next_level = db.Column(db.String(16))
    closed_dt = db.Column(UTCDateTime())  # 终报 delivered
    created_dt = db.Column(UTCDateTime(), nullable=False, default=clock.now)
    updated_dt = db.Column(UTCDateTime(), nullable=False, default=clock.now)

    levels = db.relationship("EmergencyLevel", order_by="EmergencyLevel.position", lazy="selectin",
                             back_populates="emergency")

    @property
    def status_label(self):
        return STATUS_LABELS.get(self.status, self.status)

    @property
    def backfill_minutes(self):
        """Minutes from the stated call time to its entry, for a 补录; None otherwise."""
        if not self.phone_backfill or self.phone_entered_dt is None or self.phone_dt is None:
            return None
        return round((self.phone_entered_dt - self.phone_dt).total_seconds() / 60)

    def is_red(self, now=None):
        """At or past the limit of the level it has not yet reached."""
        return self.next_due_dt is not None and (now or clock.now()) >= self.next_due_dt


class EmergencyLevel(db.Model):
    """One level the report must reach (county, city, province, centre): its limit and when it got there."""

    __tablename__ = "emergency_levels"
    __table_args__ = (
        db.UniqueConstraint("emergency_id", "position"),
        db.Index("ix_emergency_levels_unit_reached", "unit_id", "reached_dt"),
    )

    id = db.Column(db.Integer, primary_key=True)
    emergency_id = db.Column(db.Integer, db.ForeignKey("emergencies.id", ondelete="CASCADE"), nullable=False)
    emergency = db.relationship("Emergency", back_populates="levels")
    position = db.Column(db.SmallInteger, nullable=False)
    level = db.Column(db.String(16), nullable=False)  # county | city | province | centre
    unit_id = db.Column(db.Integer, db.ForeignKey("units.id"))  # None for the centre (outside the system)
    unit = db.relationship("Unit", foreign_keys=[unit_id])
    unit_name = db.Column(db.String(128), nullable=False, default="")
    sender_unit_id = db.Column(db.Integer, db.ForeignKey("units.id"))  # who must get it there
    sender_unit = db.relationship("Unit", foreign_keys=[sender_unit_id])
    limit_hours = db.Column(db.Float)  # None: no limit of its own at this level
    due_dt = db.Column(UTCDateTime())
    office_unit_id = db.Column(db.Integer, db.ForeignKey("units.id"))  # the office that received it
    office_unit = db.relationship("Unit", foreign_keys=[office_unit_id])
    route = db.Column(db.String(8))  # info | duty
    reached_dt = db.Column(UTCDateTime())
    reached_via = db.Column(db.String(8))  # phone | written
    written_dt = db.Column(UTCDateTime())
    late_minutes = db.Column(db.Integer)

    @property
    def label(self):
        return LEVEL_LABELS.get(self.level, self.level)


class EmergencyFollowUp(db.Model):
    """A 续报 or 终报, each its own `emergency_followup` instance linked to the first report; also an upper
    office's request for one (要求续报), which has its own deadline."""

    __tablename__ = "emergency_followups"

    id = db.Column(db.Integer, primary_key=True)
    emergency_id = db.Column(db.Integer, db.ForeignKey("emergencies.id", ondelete="CASCADE"), nullable=False,
                             index=True)
    emergency = db.relationship("Emergency", backref=db.backref("followups", order_by="EmergencyFollowUp.id"))
    instance_id = db.Column(db.Integer, db.ForeignKey("process_instances.id"), nullable=False, unique=True)
    kind = db.Column(db.String(8), nullable=False, default="followup")  # followup | final
    body = db.Column(db.Text, nullable=False, default="")
    casualties = db.Column(db.Text, nullable=False, default="")
    measures = db.Column(db.Text, nullable=False, default="")
    author_id = db.Column(db.Integer, db.ForeignKey("users.id"))
    author = db.relationship("User", foreign_keys=[author_id])
    requested_by_id = db.Column(db.Integer, db.ForeignKey("users.id"))
    requested_by = db.relationship("User", foreign_keys=[requested_by_id])
    requested_dt = db.Column(UTCDateTime())
    request_due_dt = db.Column(UTCDateTime())
    request_note = db.Column(db.Text)
    request_overdue = db.Column(db.Boolean, nullable=False, default=False)
    status = db.Column(db.String(12), nullable=False, default="writing")  # requested|writing|signing|delivered
    delivered_dt = db.Column(UTCDateTime())
    created_dt = db.Column(UTCDateTime(), nullable=False, default=clock.now)

    STATUS_LABELS = {"requested": "待续报", "writing": "填报中", "signing": "待核签", "delivered": "已报送"}

    @property
    def kind_label(self):
        return FOLLOWUP_KINDS.get(self.kind, self.kind)

    @property
    def status_label(self):
        return self.STATUS_LABELS.get(self.status, self.status)


class ReportingFault(db.Model):
    """A mark on a unit's record: 迟报 (automatic, with the minutes late), 漏报 or 瞒报 (recorded by an upper
    office). Scoring and circulars read these rows."""

    __tablename__ = "reporting_faults"
    __table_args__ = (
        db.Index("ix_reporting_faults_unit_event", "unit_id", "event_dt"),
        db.UniqueConstraint("emergency_id", "level", "kind"),
    )

    id = db.Column(db.Integer, primary_key=True)
    unit_id = db.Column(db.Integer, db.ForeignKey("units.id"), nullable=False)
    unit = db.relationship("Unit", foreign_keys=[unit_id])
    kind = db.Column(db.String(12), nullable=False)  # late | missed | concealed
    emergency_id = db.Column(db.Integer, db.ForeignKey("emergencies.id", ondelete="SET NULL"))
    emergency = db.relationship("Emergency")
    level = db.Column(db.String(16))
    minutes_late = db.Column(db.Integer)
    event_dt = db.Column(UTCDateTime(), nullable=False)
    title = db.Column(db.String(256), nullable=False, default="")
    description = db.Column(db.Text, nullable=False, default="")
    recorded_by_id = db.Column(db.Integer, db.ForeignKey("users.id"))  # None: recorded by the system
    recorded_by = db.relationship("User", foreign_keys=[recorded_by_id])
    recorded_unit_id = db.Column(db.Integer, db.ForeignKey("units.id"))  # the upper office that found it
    recorded_unit = db.relationship("Unit", foreign_keys=[recorded_unit_id])
    recorded_dt = db.Column(UTCDateTime(), nullable=False, default=clock.now)

    @property
    def kind_label(self):
        return FAULT_LABELS.get(self.kind, self.kind)
