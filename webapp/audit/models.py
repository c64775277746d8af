"""The append-only audit trail: entries appended at commit, sealed into a hash chain, and the head row that holds
the chain's end."""
from webapp.core.roles import ROLES
from webapp.core.types import UTCDateTime
from webapp.engine.models import InstanceEvent
from webapp.extensions import db

GENESIS_HASH = "0" * 64  # the prev_hash of entry 1
UNSEALED = db.text("seq IS NULL")


def role_labels(role):
    """The stored role codes as Chinese labels: writer,admin → 信息员、系统管理员."""
    return "、".join(ROLES.get(code, code) for code in (role or "").split(",") if code)


def action_label(action):
    if action in AuditEntry.ACTION_LABELS:
        return AuditEntry.ACTION_LABELS[action]
    if action.startswith("task."):
        return InstanceEvent.ACTION_LABELS.get(action[5:], action)
    return action


class AuditEntry(db.Model):
    """One recorded action. Appended at commit with only its `id` (the append sequence); sealed later: `seq` (the
    chain order, contiguous), `prev_hash` and `hash`, which covers `prev_hash` and every field below."""

    __tablename__ = "audit_entries"
    __table_args__ = (
        db.Index("ix_audit_entries_event_dt", "event_dt"),
        db.Index("ix_audit_entries_user_id", "user_id"),
        db.Index("ix_audit_entries_action", "action"),
        # What the sealer and `verify` look for: the few entries not sealed yet.
        db.Index("ix_audit_entries_unsealed", "id", postgresql_where=UNSEALED, sqlite_where=UNSEALED),
    )

    id = db.Column(db.Integer, primary_key=True)
    seq = db.Column(db.BigInteger, unique=True)  # NULL until sealed
    event_dt = db.Column(UTCDateTime(), nullable=False)
    user_id = db.Column(db.Integer, db.ForeignKey("users.id"))  # users are deactivated, never deleted
    # Snapshots taken when the action happened, so later renames and moves leave the record as it was.
    username = db.Column(db.String(64), nullable=False, default="")
    user_name = db.Column(db.String(64), nullable=False, default="")
    role = db.Column(db.String(128), nullable=False, default="")  # the role acted in, or the user's roles joined
    unit_id = db.Column(db.Integer)
    unit_name = db.Column(db.String(128), nullable=False, default="")
    ip = db.Column(db.String(45))
    action = db.Column(db.String(64), nullable=False)
    target_type = db.Column(db.String(32))
    target_id = db.Column(db.String(64))
    summary = db.Column(db.Text, nullable=False, default="")
    detail = db.Column(db.JSON)
    # The request (or the RQ job's originating request) that wrote the entry, as on its log lines; hashed when set,
    # so entries written before the column existed keep their hashes.
    request_id = db.Column(db.String(64), index=True)
    prev_hash = db.Column(db.String(64))  # NULL until sealed
    hash = db.Column(db.String(64))  # NULL until sealed
    # When the entry was appended (its transaction's commit): `verify` reports entries unsealed for too long. Not
    # hashed: it only tells how long the sealer took.
    appended_dt = db.Column(UTCDateTime())

    ACTION_LABELS = {
        "auth.login": "登录", "auth.login_failed": "登录失败", "auth.logout": "退出登录",
        "item.view_secret": "查看涉密事项", "access.denied": "越权访问被拒绝",
        "admin.calendar.save": "保存工作日历", "admin.rules.save": "保存期限规则", "admin.clock": "调整演示时钟",
        "admin.retry": "重试异常实例", "admin.deploy": "部署流程",
        "admin.audit.export": "导出审计日志", "admin.audit.verify": "校验审计日志",
        "admin.unit.create": "新增单位", "admin.unit.rename": "单位更名", "admin.unit.move": "调整上级单位",
        "admin.unit.deactivate": "停用单位", "admin.user.create": "新增用户", "admin.user.update": "修改用户",
        "admin.user.deactivate": "停用用户", "admin.user.reset_password": "重置密码",
        "admin.user.grant": "授权与密级", "admin.user.unlock": "解除登录锁定", "admin.user.handover": "人员工作移交",
        "admin.migrate": "迁移流程实例", "admin.rollback": "回退流程版本", "admin.scoring.save": "保存考核计分办法",
        "auth.account_locked": "账号临时锁定", "auth.login_locked": "锁定期间尝试登录",
        "auth.rate_limited": "登录过于频繁",
        "auth.password_changed": "修改密码", "auth.password_change_failed": "修改密码失败",
        "auth.policy_changed": "修改安全策略", "auth.session_timeout": "登录超时",
        "auth.sso_refused": "统一身份认证被拒绝",
        "emergency.fault": "登记漏报瞒报", "organisation.import": "批量导入单位和用户",
        "organisation.export": "导出单位和用户", "user.rights": "批量修改密级或角色",
        "keytasks.ledger.create": "建立督查台账", "keytasks.task.add": "新增重点任务",
        "keytasks.import": "导入督查台账", "keytasks.milestone.done": "确认节点完成",
        "keytasks.round.start": "发起重点任务进展报送", "keytasks.site_visit": "重点任务派人督办",
        "keytasks.circular.publish": "签发印发督查通报",
        "webhooks.endpoint_created": "登记推送端点", "webhooks.endpoint_changed": "修改推送端点事件",
        "webhooks.endpoint_enabled": "启用推送端点", "webhooks.endpoint_disabled": "停用推送端点",
        "webhooks.endpoint_deleted": "删除推送端点", "webhooks.delivery_replayed": "重新推送事件",
        "editorial.merge": "综合信息",
    }

    @property
    def is_sealed(self):
        return self.seq is not None

    @property
    def action_label(self):
        return action_label(self.action)

    @property
    def role_labels(self):
        return role_labels(self.role)


class AuditHead(db.Model):
    """The single row (id 1) holding the last sealed seq and hash: locked by the sealer only, never by a request."""

    __tablename__ = "audit_head"

    id = db.Column(db.Integer, primary_key=True)
    last_seq = db.Column(db.BigInteger, nullable=False, default=0)
    last_hash = db.Column(db.String(64), nullable=False, default=GENESIS_HASH)
