"""How values read in Chinese pages and messages: times in Asia/Shanghai, codes as their labels."""
from datetime import datetime

from .clock import LOCAL_TZ
from .roles import SECRECY_LEVELS


def local_dt(value, fmt="%Y-%m-%d %H:%M"):
    return value.astimezone(LOCAL_TZ).strftime(fmt) if value else ""


def iso_local(value, fmt="%Y-%m-%d %H:%M"):
    """An ISO timestamp kept in instance data, shown in local time."""
    return local_dt(datetime.fromisoformat(value), fmt) if value else ""


DECISIONS = {
    "pass": "通过", "return": "退回", "adopt": "采用", "reject": "不采用", "assign": "交办",
    "progress": "进展反馈", "close": "报结", "extension": "申请延期", "approve": "批准", "refuse": "不批准",
    "sign": "签发", "accept": "审核通过",
}


def secrecy_choices(user):
    """The levels a user may mark something with: none above their own clearance (the server refuses them too)."""
    return [(level, label) for level, label in SECRECY_LEVELS.items() if level <= user.clearance]
