"""The roles of domain.md; a BPMN lane names one of them by its Chinese label or code."""

ROLES = {
    "writer": "信息员",
    "verifier": "办公室主任",
    "leader": "分管领导",
    "principal": "主要领导",
    "editor": "上级编辑",
    "duty": "总值班室",
    "supervisor": "督查室",
    "handler": "承办单位",
    "admin": "系统管理员",
    "secadmin": "安全保密管理员",
    "auditor": "安全审计员",
}
# 三员分立: the three administrators; no account holds two of them (docs/security.md).
ADMIN_ROLES = ("admin", "secadmin", "auditor")

_BY_LABEL = {label: code for code, label in ROLES.items()}

SECRECY_LEVELS = {0: "公开", 1: "内部", 2: "秘密"}
URGENCY_LEVELS = {"normal": "一般", "urgent": "紧急", "very_urgent": "特急"}
IMPORTANCE_LEVELS = {"general": "一般信息", "important": "重要信息"}


def role_code(lane_name):
    """The role code a lane stands for, or None when the lane maps to no role."""
    if lane_name in ROLES:
        return lane_name
    return _BY_LABEL.get(lane_name)


def secrecy_label(level):
    """The words of a secrecy level (秘密 …)."""
    return SECRECY_LEVELS.get(level, str(level))
