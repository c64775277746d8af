"""An attachment's row: what was uploaded, by whom, at which step; the bytes live in storage, never here."""
from webapp.core import clock
from webapp.core.types import UTCDateTime
from webapp.extensions import db


class Attachment(db.Model):
    """A file added to an instance (optionally at one of its steps); its token is its only name in URLs."""

    __tablename__ = "attachments"
    __table_args__ = (db.Index("ix_attachments_instance_uploaded", "instance_id", "uploaded_dt"),)

    id = db.Column(db.Integer, primary_key=True)
    token = db.Column(db.String(64), nullable=False, unique=True)
    instance_id = db.Column(db.Integer, db.ForeignKey("process_instances.id"), nullable=False)
    instance = db.relationship("ProcessInstance")
    task_id = db.Column(db.Integer, db.ForeignKey("human_tasks.id"))  # the step it was added at
    task = db.relationship("HumanTask")
    filename = db.Column(db.String(255), nullable=False)  # as uploaded, shown to people only
    content_type = db.Column(db.String(128), nullable=False)
    size_bytes = db.Column(db.BigInteger, nullable=False)
    sha256 = db.Column(db.String(64), nullable=False)
    storage_key = db.Column(db.String(255), nullable=False, unique=True)  # random, never from the filename
    uploaded_by_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False)
    uploaded_by = db.relationship("User")
    uploaded_dt = db.Column(UTCDateTime(), nullable=False, default=clock.now)
    deleted_dt = db.Column(UTCDateTime())  # removed: the row stays for history, the file is gone

    @property
    def size_label(self):
        return size_label(self.size_bytes)


def size_label(size):
    """A size for people: 980 B, 12.3 KB, 4.5 MB (binary units)."""
    for unit, scale in (("MB", 1024 * 1024), ("KB", 1024)):
        if size >= scale:
            value = size / scale
            return f"{value:.0f} {unit}" if value == int(value) or value >= 100 else f"{value:.1f} {unit}"
    return f"{size} B"
