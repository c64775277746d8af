"""An office's publications (《临江信息》, 专报, 领导参阅…) and their numbered issues (期) with the items in them."""
from webapp.core.types import UTCDateTime
from webapp.extensions import db
from webapp.reports.schemas import PUBLICATIONS

KINDS = {"regular": "综合信息刊物", "special": "专报", "reference": "领导参阅", "digest": "汇要", "internal": "内参",
         "upward": "上报件"}
FREQUENCIES = {"irregular": "不定期", "weekly": "每周", "ten_days": "每旬", "monthly": "每月", "quarterly": "每季度"}
SIGNERS = {"leader": "分管领导", "principal": "主要领导（秘书长）"}
# The list every information office used before publications were its own (reports.schemas.PUBLICATIONS, which
# scoring still weighs by name): each office starts with these, by name, so items adopted before keep theirs.
DEFAULT_KINDS = {"汇要": "digest", "内参": "internal", "上报": "upward", "重要信息": "regular", "专报": "special",
                 "领导参阅": "reference"}
DEFAULTS = tuple((name, DEFAULT_KINDS.get(name, "regular")) for name in PUBLICATIONS)
ISSUE_STAGES = {"editing": "编辑中", "reviewing": "科长审核", "signing": "待签发", "signed": "已签发"}


class Publication(db.Model):
    """A publication of an information office, configured by its editors."""

    __tablename__ = "publications"
    __table_args__ = (db.UniqueConstraint("unit_id", "name", name="uq_publications_unit_name"),)

    id = db.Column(db.Integer, primary_key=True)
    unit_id = db.Column(db.Integer, db.ForeignKey("units.id"), nullable=False)
    unit = db.relationship("Unit")
    name = db.Column(db.String(32), nullable=False)  # what items store as their publication (InfoItem.publication)
    kind = db.Column(db.String(16), nullable=False, default="regular")
    frequency = db.Column(db.String(16), nullable=False, default="irregular")
    numbered_per_year = db.Column(db.Boolean, nullable=False, default=True)  # 期号 starts again each year
    signer_role = db.Column(db.String(16), nullable=False, default="leader")  # who signs an issue off
    # 报/送/发 lines printed at the foot of an issue; recipients are the units told in-app when one is signed
    bao = db.Column(db.String(500), nullable=False, default="")
    song = db.Column(db.String(500), nullable=False, default="")
    fa = db.Column(db.String(500), nullable=False, default="")
    recipient_unit_ids = db.Column(db.JSON)
    position = db.Column(db.Integer, nullable=False, default=0)
    active = db.Column(db.Boolean, nullable=False, default=True)

    @property
    def kind_label(self):
        return KINDS.get(self.kind, self.kind)

    @property
    def frequency_label(self):
        return FREQUENCIES.get(self.frequency, self.frequency)

    @property
    def signer_label(self):
        return SIGNERS.get(self.signer_role, self.signer_role)


class PublicationIssue(db.Model):
    """One issue (期) of a publication, walked through `publication_issue`; numbered and frozen when signed."""

    __tablename__ = "publication_issues"
    __table_args__ = (db.UniqueConstraint("publication_id", "year", "number", name="uq_publication_issues_number"),)

    id = db.Column(db.Integer, primary_key=True)
    publication_id = db.Column(db.Integer, db.ForeignKey("publications.id"), nullable=False, index=True)
    publication = db.relationship("Publication")
    instance_id = db.Column(db.Integer, db.ForeignKey("process_instances.id"), nullable=False, unique=True)
    stage = db.Column(db.String(16), nullable=False, default="editing")
    editor_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False)
    editor = db.relationship("User", foreign_keys=[editor_id])
    year = db.Column(db.Integer)  # of the sign-off (local)
    number = db.Column(db.Integer)  # 期号, given at sign-off under the publication's lock
    secrecy = db.Column(db.SmallInteger, nullable=False, default=0)
    urgency = db.Column(db.String(16), nullable=False, default="normal")
    distribution = db.Column(db.JSON)  # {"bao", "song", "fa", "recipient_unit_ids"} frozen at sign-off
    masthead = db.Column(db.String(32))  # the publication's name as printed, frozen at sign-off
    issuer = db.Column(db.String(128))  # the office's name as printed (编印单位), frozen at sign-off
    signed_by_id = db.Column(db.Integer, db.ForeignKey("users.id"))
    signed_by = db.relationship("User", foreign_keys=[signed_by_id])
    signed_dt = db.Column(UTCDateTime())
    created_dt = db.Column(UTCDateTime(), nullable=False)

    @property
    def stage_label(self):
        return ISSUE_STAGES.get(self.stage, self.stage)

    @property
    def is_signed(self):
        return self.signed_dt is not None

    @property
    def title(self):  # what the audit log names when a secret issue is read
        return self.label

    @property
    def label(self):
        """《临江信息》2026年第37期 (or the draft's name before it has a number)."""
        if self.number is None:
            return f"《{self.publication.name}》（待签发）"
        return f"《{self.masthead or self.publication.name}》{self.year}年第{self.number}期"


class IssueEntry(db.Model):
    """An adopted item in an issue: its place, the editor's headline and 编者按."""

    __tablename__ = "publication_issue_entries"
    __table_args__ = (db.UniqueConstraint("issue_id", "item_id", name="uq_publication_issue_entries_item"),)

    id = db.Column(db.Integer, primary_key=True)
    issue_id = db.Column(db.Integer, db.ForeignKey("publication_issues.id", ondelete="CASCADE"), nullable=False,
                         index=True)
    issue = db.relationship("PublicationIssue", backref=db.backref("entries", order_by="IssueEntry.position"))
    item_id = db.Column(db.Integer, db.ForeignKey("info_items.id"), nullable=False, index=True)
    item = db.relationship("InfoItem")
    position = db.Column(db.Integer, nullable=False)
    headline = db.Column(db.String(200), nullable=False, default="")
    note = db.Column(db.Text, nullable=False, default="")  # 编者按
    body = db.Column(db.Text)  # the item's text as printed, frozen at sign-off (None before)
    unit_name = db.Column(db.String(128))  # the reporting unit as printed, frozen at sign-off
