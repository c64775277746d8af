"""`flask govflow doctor` (or `python -m webapp.ops.doctor` when the app refuses to start): checks a configuration
and names what is wrong, one Chinese + English line each; exit code 1 when any check is an error.

The app is built as it would start (`create_app()` from the environment). When that refuses, the refusal is the
first error and the remaining checks run on the same settings with the start-up refusal lifted, so one run names
everything that needs fixing.
"""
import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from werkzeug.utils import import_string

from webapp.config import SECRET_KEY_MIN_LENGTH, Config, ConfigError, _check_secret_key, _security_settings

ERROR, WARNING, OK = "ERROR", "WARN", "OK"
LENIENT = {"GOVFLOW_ENV": "development", "DEMO_CLOCK": False}  # only to run the other checks after a refusal
PLACEHOLDER_SECRET = "doctor-placeholder-never-used-to-sign-anything"
METRICS_TOKEN_MIN_LENGTH = 24


@dataclass(frozen=True)
class Finding:
    level: str
    zh: str
    en: str

    def line(self):
        return f"{self.level:5} {self.zh} / {self.en}"


def _build(overrides):
    """(app, refusal): the app as configured, or a lenient one and the reason the real one was refused."""
    # The factory by name, as gunicorn and the systemd units name it: the doctor builds apps like a server does,
    # and the app (whose `flask govflow doctor` this is) is not imported back by what it wires.
    create_app = import_string("webapp:create_app")

    try:
        return create_app(overrides), None
    except ConfigError as exc:
        refusal = str(exc)
    lenient = {**(overrides or {}), **LENIENT}
    if not (overrides or {}).get("SECRET_KEY") and not os.environ.get("SECRET_KEY"):
        lenient["SECRET_KEY"] = PLACEHOLDER_SECRET
    app = create_app(lenient)
    # Put back what the lenient start hid, so the checks judge the settings as written.
    restored = (*LENIENT, "ATTACHMENT_DIR")  # the development start fills in a default attachment directory
    intended = {**{key: getattr(Config, key) for key in restored}, **(overrides or {})}
    app.config.update({key: intended[key] for key in restored})
    _security_settings(app.config, intended["GOVFLOW_ENV"] == "production", overrides)
    return app, refusal


def examine(overrides=None):
    """Every finding for the configuration (the environment, plus `overrides` as create_app takes them)."""
    try:
        app, refusal = _build(overrides)
    except ConfigError as exc:
        return [Finding(ERROR, f"配置无效，应用无法启动：{exc}", f"configuration refused at start: {exc}")]
    findings = []
    if refusal:
        findings.append(Finding(ERROR, f"应用拒绝以此配置启动：{refusal}", f"the app refuses to start: {refusal}"))
    with app.app_context():
        for check in CHECKS:
            findings.extend(check(app.config))
    return findings


# --- settings ------------------------------------------------------------------------------------------------------

def _production(cfg):
    return cfg["GOVFLOW_ENV"] == "production"


def check_environment(cfg):
    if _production(cfg):
        return [Finding(OK, "运行环境为 production", "GOVFLOW_ENV is production")]
    return [Finding(WARNING, f"GOVFLOW_ENV 为 {cfg['GOVFLOW_ENV']}，生产环境应设为 production",
                    f"GOVFLOW_ENV is {cfg['GOVFLOW_ENV']!r}, set production on production machines")]


def _level(cfg):
    """What a production requirement is when it fails: an error in production, a warning elsewhere."""
    return ERROR if _production(cfg) else WARNING


def check_secret_key(cfg):
    key = cfg.get("SECRET_KEY")
    if key == PLACEHOLDER_SECRET:
        key = None
    try:
        _check_secret_key(key)
    except ConfigError:
        return [Finding(_level(cfg),
                        f"SECRET_KEY 未设置或强度不足：至少 {SECRET_KEY_MIN_LENGTH} 个随机字符，不得使用示例值",
                        f"SECRET_KEY missing or weak: use at least {SECRET_KEY_MIN_LENGTH} random characters "
                        "(python -c 'import secrets; print(secrets.token_hex(32))')")]
    return [Finding(OK, "SECRET_KEY 强度合格", "SECRET_KEY is strong enough")]


def check_database_kind(cfg):
    if cfg["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        return [Finding(OK, "数据库为 PostgreSQL", "DATABASE_URL is PostgreSQL")]
    return [Finding(_level(cfg), "DATABASE_URL 不是 PostgreSQL（SQLite 仅用于单机演示）",
                    "DATABASE_URL is not PostgreSQL (SQLite is for the embedded demo only)")]


def check_demo_clock(cfg):
    if cfg.get("DEMO_CLOCK") and _production(cfg):
        return [Finding(ERROR, "生产环境必须关闭演示时钟：GOVFLOW_DEMO_CLOCK=0",
                        "set GOVFLOW_DEMO_CLOCK=0 in production")]
    return []


def check_cookies(cfg):
    if cfg.get("SESSION_COOKIE_SECURE"):
        return [Finding(OK, "会话 Cookie 仅经 HTTPS 发送", "session cookie is Secure")]
    return [Finding(_level(cfg), "会话 Cookie 未设置 Secure：生产环境须经 HTTPS 访问并开启（GOVFLOW_COOKIE_SECURE）",
                    "SESSION_COOKIE_SECURE is off: serve over HTTPS and leave GOVFLOW_COOKIE_SECURE unset or 1")]


def check_proxy_fix(cfg):
    if cfg.get("PROXY_FIX"):
        hops = cfg["PROXY_FIX"]
        return [Finding(OK, f"信任 {hops} 层反向代理的转发头", f"PROXY_FIX trusts {hops} proxy hop(s)")]
    if not _production(cfg):
        return []
    return [Finding(WARNING, "GOVFLOW_PROXY_FIX 为 0：在 nginx 之后应设为 1，否则审计日志记录的是代理地址",
                    "GOVFLOW_PROXY_FIX is 0: behind nginx set it to 1, or the audit log records the proxy's address")]


def check_hsts(cfg):
    if _production(cfg) and not cfg.get("HSTS_SECONDS"):
        return [Finding(WARNING, "未发送 HSTS 头（GOVFLOW_HSTS_SECONDS=0）", "HSTS is off (GOVFLOW_HSTS_SECONDS=0)")]
    return []


def check_ops_settings(cfg):
    findings = []
    token = cfg.get("METRICS_TOKEN")
    if token and len(token) < METRICS_TOKEN_MIN_LENGTH:
        findings.append(Finding(WARNING, f"METRICS_TOKEN 过短（少于 {METRICS_TOKEN_MIN_LENGTH} 个字符）",
                                f"METRICS_TOKEN is shorter than {METRICS_TOKEN_MIN_LENGTH} characters"))
    if _production(cfg) and cfg.get("LOG_FORMAT") != "json":
        findings.append(Finding(WARNING, "建议设置 LOG_FORMAT=json，便于日志平台按请求编号检索",
                                "set LOG_FORMAT=json so the log platform can search by request id"))
    return findings


# --- what the settings point at ------------------------------------------------------------------------------------

def check_database(cfg):
    from . import health

    try:
        health.check_database()
    except Exception as exc:
        return [Finding(ERROR, f"无法连接数据库：{type(exc).__name__}", f"database unreachable: {_short(exc)}")]
    findings = [Finding(OK, "数据库可连接", "database reachable")]
    try:
        health.check_migrations()
        findings.append(Finding(OK, "数据库结构为最新版本", "migrations at head"))
    except Exception:
        findings.append(Finding(ERROR, "数据库结构不是最新版本：请执行 flask --app webapp db upgrade",
                                f"migrations not at head (database {sorted(_db_heads())}, code "
                                f"{sorted(health.code_heads())}): run flask --app webapp db upgrade"))
        return findings
    findings.extend(_processes_and_calendar())
    return findings


def _db_heads():
    from . import health

    try:
        return health.database_heads()
    except Exception:
        return set()


def _processes_and_calendar():
    from webapp.core import clock
    from webapp.engine.models import ProcessDefinition
    from webapp.extensions import db

    from . import health

    findings = []
    if not db.session.query(ProcessDefinition.id).first():
        findings.append(Finding(ERROR, "尚未部署流程：请执行 flask --app webapp govflow deploy",
                                "no process deployed: run flask --app webapp govflow deploy"))
    today = clock.local_today()
    if not health.calendar_covers(today.year):
        findings.append(Finding(ERROR, f"缺少 {today.year} 年节假日安排：系统管理 → 工作日历",
                                f"no holiday data for {today.year}: enter it under 系统管理 → 工作日历"))
    elif not health.calendar_covers(today.year + 1):
        level = WARNING if today.month >= health.CALENDAR_WARN_MONTH else OK
        findings.append(Finding(level, f"尚未录入 {today.year + 1} 年节假日安排（国务院通知发布后录入）",
                                f"no holiday data for {today.year + 1} yet (enter it once the State Council "
                                "publishes it)"))
    else:
        findings.append(Finding(OK, f"{today.year + 1} 年节假日安排已录入",
                                f"holiday data for {today.year + 1} present"))
    return findings


def check_redis(cfg):
    if not cfg.get("REDIS_URL"):
        return [Finding(_level(cfg), "未设置 REDIS_URL：生产环境的定时器和通知发送依赖 RQ 队列",
                        "REDIS_URL is not set: in production timers and notice deliveries run on RQ workers")]
    from . import health

    try:
        health.check_redis()
    except Exception as exc:
        return [Finding(ERROR, "REDIS_URL 无法连接", f"Redis unreachable: {_short(exc)}")]
    findings = [Finding(OK, "Redis 可连接", "Redis reachable")]
    from rq import Worker

    from webapp.engine import scheduling

    q = scheduling.queue()
    if not any(q.name in w.queue_names() for w in Worker.all(connection=q.connection)):
        findings.append(Finding(WARNING, f"队列 {q.name} 没有正在运行的 RQ worker",
                                f"no RQ worker listens on {q.name}"))
    if scheduling.sweep_interval_of(q) is None:
        findings.append(Finding(WARNING, "定时器巡检任务未排程：请执行 flask --app webapp govflow start-sweep",
                                "the timer sweep is not scheduled: run flask --app webapp govflow start-sweep"))
    return findings


def check_attachment_dir(cfg):
    if cfg.get("ATTACHMENT_STORAGE") != "webapp.attachments.storage.LocalStorage":
        return [Finding(OK, "附件使用自定义存储", f"attachments use {cfg['ATTACHMENT_STORAGE']}")]
    directory = cfg.get("ATTACHMENT_DIR")
    if not directory or not Path(directory).is_absolute():
        return [Finding(_level(cfg), "ATTACHMENT_DIR 须为各 Web 节点共享的绝对路径",
                        "ATTACHMENT_DIR must be an absolute path every web machine shares")]
    try:
        Path(directory).mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=directory, prefix=".doctor-"):
            pass
    except OSError as exc:
        return [Finding(ERROR, f"附件目录不可写：{directory}", f"attachment directory not writable: {directory}: "
                        f"{exc.strerror or exc}")]
    return [Finding(OK, f"附件目录可写：{directory}", f"attachment directory writable: {directory}")]


def check_metrics_dir(cfg):
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if not directory:
        return []
    if not os.path.isdir(directory) or not os.access(directory, os.W_OK):
        return [Finding(ERROR, f"PROMETHEUS_MULTIPROC_DIR 不存在或不可写：{directory}",
                        f"PROMETHEUS_MULTIPROC_DIR missing or not writable: {directory} (metrics would fail)")]
    return [Finding(OK, f"指标目录可写：{directory}", f"metrics directory writable: {directory}")]


def _short(exc):
    return str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__


CHECKS = (check_environment, check_secret_key, check_database_kind, check_demo_clock, check_cookies,
          check_proxy_fix, check_hsts, check_ops_settings, check_database, check_redis,
          check_attachment_dir, check_metrics_dir)


def report(findings, echo=print):
    """Print the findings, errors first; returns the exit code (1 when any is an error)."""
    order = {ERROR: 0, WARNING: 1, OK: 2}
    for finding in sorted(findings, key=lambda f: order[f.level]):
        echo(finding.line())
    errors = sum(f.level == ERROR for f in findings)
    warnings = sum(f.level == WARNING for f in findings)
    echo(f"共 {errors} 项错误，{warnings} 项警告 / {errors} error(s), {warnings} warning(s)")
    return 1 if errors else 0


def main():
    sys.exit(report(examine()))


if __name__ == "__main__":
    main()
