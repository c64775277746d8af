"""The information item: fields people filter and sort on, projected from its instance; 综合 merges of items."""
from fractions import Fraction

from webapp.core.clock import LOCAL_TZ
from webapp.core.types import UTCDateTime
from webapp.extensions import db


class InfoItem(db.Model):
    __tablename__ = "info_items"
    __table_args__ = (
        db.Index("ix_info_items_unit_created", "unit_id", "created_dt"),
        db.Index("ix_info_items_target_status", "target_unit_id", "status"),
        db.Index("ix_info_items_unit_submitted", "unit_id", "submitted_dt"),  # monthly statistics
        db.Index("ix_info_items_unit_feedback", "unit_id", "feedback_dt"),
    )

    id = db.Column(db.Integer, primary_key=True)
    instance_id = db.Column(db.Integer, db.ForeignKey("process_instances.id"), nullable=False, unique=True)
    instance = db.relationship("ProcessInstance")
    unit_id = db.Column(db.Integer, db.ForeignKey("units.id"), nullable=False)
    unit = db.relationship("Unit", foreign_keys=[unit_id])
    author_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False, index=True)
    author = db.relationship("User")
    target_unit_id = db.Column(db.Integer, db.ForeignKey("units.id"))
    target_unit = db.relationship("Unit", foreign_keys=[target_unit_id])
    title = db.Column(db.String(256), nullable=False, default="")
    body = db.Column(db.Text, nullable=False, default="")
    source_unit = db.Column(db.String(128), nullable=False, default="")
    category = db.Column(db.String(32), nullable=False, default="")
    urgency = db.Column(db.String(16), nullable=False, default="normal")
    importance = db.Column(db.String(16), nullable=False, default="general")
    secrecy = db.Column(db.SmallInteger, nullable=False, default=0)
    event_dt = db.Column(UTCDateTime())
    status = db.Column(db.String(16), nullable=False, default="draft", index=True)
    current_step = db.Column(db.String(128))
    outcome = db.Column(db.String(16))
    publication = db.Column(db.String(64))
    editor_remark = db.Column(db.Text)
    receipt_no = db.Column(db.String(32))
    commission_id = db.Column(db.Integer, db.ForeignKey("commissions.id"), index=True)  # answers a 约稿
    problem_report = db.Column(db.Boolean, nullable=False, default=False)  # 报忧: an honest report of a problem
    # 转报: a copy an information office sent up to the office above after adopting the item below. Written once,
    # when the forwarded item is created: the item it was forwarded from (one forward per item and level), the
    # chain's first item and unit (who every level's adoption and 批示 is credited to) and the forwarding office.
    forwarded_from_id = db.Column(db.Integer, db.ForeignKey("info_items.id"), unique=True)
    forwarded_from = db.relationship("InfoItem", remote_side=[id], foreign_keys=[forwarded_from_id])
    origin_item_id = db.Column(db.Integer, db.ForeignKey("info_items.id"), index=True)
    origin_unit_id = db.Column(db.Integer, db.ForeignKey("units.id"), index=True)
    origin_unit = db.relationship("Unit", foreign_keys=[origin_unit_id])
    forwarder_unit_id = db.Column(db.Integer, db.ForeignKey("units.id"), index=True)
    submitted_dt = db.Column(UTCDateTime())
    feedback_dt = db.Column(UTCDateTime())
    created_dt = db.Column(UTCDateTime(), nullable=False)
    updated_dt = db.Column(UTCDateTime(), nullable=False)

    UNTITLED = "（未命名草稿）"
    STATUS_LABELS = {
        "draft": "采编中", "returned": "已退回", "verifying": "待核实", "signing": "待审签",
        "principal": "待主要领导审签", "editing": "已上报待采用", "adopted": "已采用",
        "rejected": "未采用", "discarded": "已作废", "merged": "已综合",
    }
    OUTCOME_LABELS = {"adopt": "采用", "reject": "不采用", "return": "退回修改", "merge": "综合"}

    def form_values(self):
        """The compose form's values, for a draft or a returned item."""
        local = self.event_dt.astimezone(LOCAL_TZ).strftime("%Y-%m-%dT%H:%M") if self.event_dt else ""
        return {"title": self.title if self.title != self.UNTITLED else "", "body": self.body,
                "category": self.category, "urgency": self.urgency, "importance": self.importance,
                "secrecy": self.secrecy, "event_time": local, "source_unit": self.source_unit,
                "problem_report": self.problem_report}

    @property
    def chain_root_id(self):
        """The first item of its 转报 chain (itself when it was not forwarded)."""
        return self.origin_item_id or self.id

    @property
    def credited_unit_id(self):
        """The unit every level's adoption of this item is credited to: where the chain started."""
        return self.origin_unit_id or self.unit_id

    @property
    def status_label(self):
        return self.STATUS_LABELS.get(self.status, self.status)


class ItemMerge(db.Model):
    """综合: one source item merged by an information office into its combined item, with the source unit's share
    (basis points of 100 %); the combined item's adoption and 批示 are credited to each source unit by its share."""

    __tablename__ = "info_item_merges"

    FULL = 10000  # the shares of one combined item sum to this (100 %)

    id = db.Column(db.Integer, primary_key=True)
    combined_item_id = db.Column(db.Integer, db.ForeignKey("info_items.id"), nullable=False, index=True)
    combined_item = db.relationship("InfoItem", foreign_keys=[combined_item_id])
    source_item_id = db.Column(db.Integer, db.ForeignKey("info_items.id"), nullable=False, unique=True)
    source_item = db.relationship("InfoItem", foreign_keys=[source_item_id])
    unit_id = db.Column(db.Integer, db.ForeignKey("units.id"), nullable=False, index=True)  # the source's unit
    share_bp = db.Column(db.Integer, nullable=False)
    token = db.Column(db.String(40), nullable=False, unique=True)  # lets the source's 编辑处理 check know it
    merged_by_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False)
    merged_dt = db.Column(UTCDateTime(), nullable=False)

    @classmethod
    def share_text(cls, share_bp):
        """A share as people say it: 1/3 when it is (near enough) a simple fraction, else a percentage."""
        fraction = Fraction(share_bp, cls.FULL).limit_denominator(12)
        if fraction.denominator > 1 and abs(float(fraction) * cls.FULL - share_bp) < 1:
            return f"{fraction.numerator}/{fraction.denominator}"
        return f"{share_bp / 100:g}%"
