"""What the inbox keeps beside the engine's rows: copies for information (抄送), urges (催办), common phrases."""
from webapp.core import clock
from webapp.core.types import UTCDateTime
from webapp.extensions import db


class InstanceCopy(db.Model):
    """An item copied to a user for information; a copy to a unit is one row per user of the unit."""

    __tablename__ = "instance_copies"
    __table_args__ = (
        db.UniqueConstraint("instance_id", "user_id"),
        db.Index("ix_instance_copies_user_created", "user_id", "created_dt"),
        db.Index("ix_instance_copies_user_read", "user_id", "read_dt"),  # the unread count on every page
    )

    id = db.Column(db.Integer, primary_key=True)
    instance_id = db.Column(db.Integer, db.ForeignKey("process_instances.id"), nullable=False)
    instance = db.relationship("ProcessInstance")
    user_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False)
    user = db.relationship("User", foreign_keys=[user_id])
    via_unit_id = db.Column(db.Integer, db.ForeignKey("units.id"))  # set when copied to the whole unit
    via_unit = db.relationship("Unit")
    sender_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False)
    sender = db.relationship("User", foreign_keys=[sender_id])
    note = db.Column(db.Text, nullable=False, default="")
    created_dt = db.Column(UTCDateTime(), nullable=False, default=clock.now)
    read_dt = db.Column(UTCDateTime())


class Urge(db.Model):
    """A reminder sent to whoever holds an open task (催办); at most one per task per URGE_INTERVAL_MINUTES."""

    __tablename__ = "urges"
    __table_args__ = (
        db.Index("ix_urges_task_created", "task_id", "created_dt"),
        db.Index("ix_urges_sender_created", "sender_id", "created_dt"),
        db.Index("ix_urges_target", "target_unit_id", "target_role", "created_dt"),
        db.Index("ix_urges_target_user", "target_user_id", "created_dt"),
    )

    id = db.Column(db.Integer, primary_key=True)
    instance_id = db.Column(db.Integer, db.ForeignKey("process_instances.id"), nullable=False, index=True)
    task_id = db.Column(db.Integer, db.ForeignKey("human_tasks.id"), nullable=False)
    task = db.relationship("HumanTask")
    sender_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False)
    sender = db.relationship("User", foreign_keys=[sender_id])
    # Who was urged, as the task stood: its assignee, else every user of the role in the unit.
    target_unit_id = db.Column(db.Integer, db.ForeignKey("units.id"), nullable=False)
    target_role = db.Column(db.String(16), nullable=False)
    target_user_id = db.Column(db.Integer, db.ForeignKey("users.id"))
    target_user = db.relationship("User", foreign_keys=[target_user_id])
    notify_leader = db.Column(db.Boolean, nullable=False, default=False)
    note = db.Column(db.Text, nullable=False, default="")
    created_dt = db.Column(UTCDateTime(), nullable=False, default=clock.now)


class OpinionPhrase(db.Model):
    """A user's own common opinion phrase (常用语), offered before the built-in ones."""

    __tablename__ = "opinion_phrases"

    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(db.Integer, db.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    text = db.Column(db.String(200), nullable=False)
    position = db.Column(db.Integer, nullable=False, default=0)
