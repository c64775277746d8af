"""Pages of emergency information: report, phone report, list, detail with countdowns, follow-ups, record."""
from datetime import timedelta

from flask import Blueprint, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required

from webapp import idempotency
from webapp.audit.views_helper import viewed
from webapp.auth.models import Unit
from webapp.core import clock, hooks
from webapp.core.errors import FormInvalid, NotAllowed, NotFound
from webapp.core.formats import local_dt
from webapp.core.forms import load
from webapp.core.roles import SECRECY_LEVELS
from webapp.engine import diagram_state
from webapp.extensions import db
from webapp.inputs.schemas import MonthArgs

from . import limits, operations, queries, summary
from .models import FAULT_LABELS, LEVEL_LABELS, Emergency
from .process import FOLLOWUP_KEY
from .schemas import SIGN_DECISIONS, SIGN_MODES, URGENCIES, RecordArgs

bp = Blueprint("emergencies", __name__)


SCOPES = {"open": "在途", "own": "本单位", "all": "全部"}
SUMMARY_ROLES = ("editor", "duty", "supervisor", "leader", "principal")  # not the administrators (三员分立)
TIME_INPUT = "%Y-%m-%dT%H:%M"


def _form():
    """The posted fields for a schema: never the CSRF token, the one-time key or the button (the schemas refuse
    unknown fields)."""
    return {k: v for k, v in request.form.items() if k not in ("csrf_token", idempotency.FIELD, "action")}


def _local_input(moment):
    return moment.astimezone(clock.LOCAL_TZ).strftime(TIME_INPUT)


def _may_see_summary(user):
    return any(user.has_role(role) for role in SUMMARY_ROLES)


def _may_record_fault(user):
    return queries.takes_reports(user) or user.has_role("supervisor")


def alert_of(emergency, now):
    """red: at or past the limit it travels against; yellow: within the warning lead of it."""
    return limits.light(emergency.next_due_dt, now)


def _subject_context(emergency, followup=None):
    """What a page shows of one emergency: the card with its levels, follow-ups and countdowns."""
    return {"emergency": emergency, "followup": followup, "now": clock.now(), "alert_of": alert_of,
            "urgencies": URGENCIES, "sign_modes": SIGN_MODES}


def task_subject(row):
    """The emergency beside a step's form (the report's steps and those of its follow-ups)."""
    followup = queries.followup_for_instance(row.instance_id) if row.process_key == FOLLOWUP_KEY else None
    emergency = followup.emergency if followup is not None else queries.emergency_for_instance(row.instance_id)
    if emergency is None:
        return {}
    # 补报文字稿 starts from what the phone report gave.
    task_data = {name: getattr(emergency, name) for name in ("title", "place", "summary", "casualties", "measures")}
    return {**_subject_context(emergency, followup),
            "history": queries.history(followup or emergency), "task_data": task_data,
            # 退回 at 值班领导核签: the unit's own report only, while it has not left the unit (schemas.check_sign).
            "may_return": followup is None and emergency.status == "signing", "sign_decisions": SIGN_DECISIONS,
            "returned": queries.last_return(row.instance_id) if row.step_key == "u_revise" else None,
            "notice_template": "emergencies/_task_notice.html", "subject_template": "emergencies/_task_subject.html"}


def done_message(row):
    """After a step of the report: where it went and whether it was in time ("已报送市委总值班室，迟报 10 分钟"),
    or, after a 退回, that the limit still runs. None when the step sent it nowhere (the usual words then)."""
    emergency = queries.emergency_for_instance(row.instance_id)
    if emergency is None:
        return None
    heading = _heading(emergency)
    if row.outcome == "return":
        return f"已退回信息员修改，报送时限不变{heading}。"
    if row.outcome == "hold":
        return "已本级掌握，不再上报。"
    level = _delivered_to(emergency, row)
    if level is None:
        return None
    where = level.office_unit.name if level.office_unit is not None else level.unit_name
    timeliness = f"迟报 {level.late_minutes} 分钟" if level.late_minutes else "按时"
    if level.reached_via == "phone":
        return f"文字稿已报送{where}（电话报告{timeliness}）{heading}。"
    if level.due_dt is None:  # no limit of its own: the report runs on under the next one above
        return f"已报送{where}{heading}。"
    return f"已报送{where}，{timeliness}。"


def _delivered_to(emergency, row):
    """The level this step just got the report to, if it did: a step of the reporting unit sends it to the first
    level, a step of a level (its office or its leader) to the level above."""
    levels = emergency.levels
    if row.unit_id == emergency.unit_id:
        target = 0
    else:
        at = next((i for i, lv in enumerate(levels) if row.unit_id in (lv.unit_id, lv.office_unit_id)), None)
        target = None if at is None else at + 1
    if target is None or target >= len(levels):
        return None
    level = levels[target]
    return level if level.written_dt is not None and level.written_dt >= row.completed_dt else None


def _heading(emergency):
    """'，须于 <due> 前报至<level>级' while the report is on its way, else ''."""
    if emergency.next_due_dt is None or emergency.next_level is None:
        return ""
    return f"，须于 {local_dt(emergency.next_due_dt)} 前报至{LEVEL_LABELS[emergency.next_level]}级"




@bp.route("/")
@login_required
def index():
    scope = request.args.get("scope", "open")
    if scope not in SCOPES:
        scope = "open"
    return render_template("emergencies/list.html", emergencies=queries.list_for(current_user, scope), scope=scope,
                           scopes=SCOPES, now=clock.now(), alert_of=alert_of,
                           may_report=queries.may_report(current_user),
                           takes_reports=queries.takes_reports(current_user),
                           may_record_fault=_may_record_fault(current_user),
                           may_see_summary=_may_see_summary(current_user))


def _chain_preview(user):
    """The levels a report from the user's unit goes through, with their limits from the event."""
    return limits.plan_chain(queries.level_unit_id(user), clock.now())


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    if not queries.may_report(current_user):
        raise NotAllowed("只有本单位的信息员或值班员可以报告紧急信息。")
    values, errors, status = {"urgency": "urgent", "secrecy": "0", "sign_mode": "leader"}, {}, 200
    if request.method == "POST":
        values = _form()
        try:
            idempotency.claim()
            emergency = operations.report(current_user, values)
        except FormInvalid as exc:
            db.session.rollback()
            errors, status = exc.fields, exc.status
        else:
            return _created(url_for("emergencies.detail", emergency_id=emergency.id), _sent_message(emergency))
    return render_template("emergencies/new.html", values=values, errors=errors, chain=_chain_preview(current_user),
                           urgencies=URGENCIES, secrecy_levels=_secrecy_choices(current_user),
                           sign_modes=SIGN_MODES), status


def _created(target, message):
    """After a creating post: a repeat of it is sent to `target` too; commit, tell, go there."""
    idempotency.remember(target)
    db.session.commit()
    flash(message)
    return redirect(target)


def _sent_message(emergency):
    if emergency.status == "signing":
        return "紧急信息已提交，待值班领导核签后报送。"
    return "紧急信息已报送。"


def _secrecy_choices(user):
    return {level: label for level, label in SECRECY_LEVELS.items() if level <= user.clearance}


@bp.route("/phone", methods=["GET", "POST"])
@login_required
def phone():
    if not queries.takes_reports(current_user):
        raise NotAllowed("只有信息部门或总值班室可以登记电话报告。")
    values, errors, status = {"call_time": _local_input(clock.now()), "urgency": "urgent", "secrecy": "0"}, {}, 200
    if request.method == "POST":
        values = _form()
        try:
            idempotency.claim()
            emergency = operations.record_phone(current_user, values)
        except FormInvalid as exc:
            db.session.rollback()
            errors, status = exc.fields, exc.status
        else:
            return _created(url_for("emergencies.detail", emergency_id=emergency.id),
                            "电话报告已登记，报告单位须补报文字稿。")
    return render_template("emergencies/phone.html", values=values, errors=errors,
                           units=queries.reporting_units_below(current_user), urgencies=URGENCIES,
                           secrecy_levels=_secrecy_choices(current_user)), status


def _detail_page(emergency, status=200, followup_values=None, followup_errors=None, request_values=None,
                 request_errors=None):
    user = current_user
    own = queries.level_unit_id(user)
    open_request = queries.open_request(emergency)
    request_task = queries.task_for_actor(user, open_request.instance_id) if open_request is not None else None
    reached = {lv.unit_id for lv in emergency.levels if lv.reached_dt is not None and lv.unit_id is not None}
    is_open = emergency.closed_dt is None
    context = {
        **_subject_context(emergency),
        "history": queries.history(emergency),
        "open_request": open_request,
        "request_task": request_task,
        "may_followup": is_open and queries.may_report(user) and own == emergency.unit_id,
        "may_request": is_open and queries.takes_reports(user) and own != emergency.unit_id and own in reached,
        "may_view_record": queries.may_view_record(user, emergency.unit),
        "written_task": _written_task(emergency, user),
        "followup_values": followup_values or {"followup_kind": "followup", "sign_mode": "leader"},
        "followup_errors": followup_errors or {},
        "request_values": request_values or {"due_time": _local_input(clock.now() + timedelta(hours=1))},
        "request_errors": request_errors or {},
        "diagram": diagram_state(emergency.instance), **hooks.extras("emergencies.detail", obj=emergency, user=user),
    }
    return render_template("emergencies/detail.html", **context), status


def _written_task(emergency, user):
    """The 补报文字稿 step, for the writer who may fill it in."""
    if emergency.status != "awaiting_written":
        return None
    return queries.task_for_actor(user, emergency.instance_id, "u_written")


@bp.route("/<int:emergency_id>")
@login_required
def detail(emergency_id):
    emergency = queries.get_visible(current_user, emergency_id)
    page = _detail_page(emergency)
    viewed(emergency, current_user)
    return page


def _post_on_detail(emergency_id, operation, form_name, message):
    """A form posted from the detail page: redirect with `message(result, emergency)`, or the page again (422)
    with the values and the fields at fault under `<form_name>_values` / `<form_name>_errors`."""
    emergency = queries.get_visible(current_user, emergency_id)
    values = _form()
    try:
        idempotency.claim()
        result = operation(current_user, emergency, values)
    except FormInvalid as exc:
        db.session.rollback()
        return _detail_page(queries.get_visible(current_user, emergency_id), exc.status,
                            **{f"{form_name}_values": values, f"{form_name}_errors": exc.fields})
    return _created(url_for("emergencies.detail", emergency_id=emergency_id), message(result, emergency))


@bp.route("/<int:emergency_id>/followups", methods=["POST"])
@login_required
def followups(emergency_id):
    def sent(followup, _emergency):
        label = followup.kind_label
        return f"{label}已报送。" if followup.status == "delivered" else f"{label}已提交，待值班领导核签后报送。"

    return _post_on_detail(emergency_id, operations.add_followup, "followup", sent)


@bp.route("/<int:emergency_id>/request", methods=["POST"])
@login_required
def request_followup(emergency_id):
    def asked(followup, emergency):
        return f"已要求{emergency.unit.name}于 {local_dt(followup.request_due_dt)} 前续报。"

    return _post_on_detail(emergency_id, operations.request_followup, "request", asked)


@bp.route("/instance/<int:instance_id>")
@login_required
def by_instance(instance_id):
    emergency = queries.emergency_for_instance(instance_id)
    if emergency is None:
        followup = queries.followup_for_instance(instance_id)
        emergency = followup.emergency if followup is not None else None
    if emergency is None:
        raise NotFound("紧急信息不存在或您无权查看。")
    return redirect(url_for("emergencies.detail", emergency_id=queries.get_visible(current_user, emergency.id).id))


def _month(default_today=True):
    """(year, month) of `?month=YYYY-MM`; the current month (or None) when absent; 422 when malformed."""
    month = load(MonthArgs, request.args)["month"]
    if month is None:
        month = clock.local_today() if default_today else None
    return (month.year, month.month) if month else None


@bp.route("/record")
@login_required
def record():
    unit_id = load(RecordArgs, request.args)["unit"] or queries.level_unit_id(current_user)
    unit = db.session.get(Unit, unit_id)
    if unit is None or not queries.may_view_record(current_user, unit):
        raise NotFound("单位不存在或您无权查看其报送记录。")
    month = _month(default_today=False)
    since, until = queries.month_bounds(*month) if month else (None, None)
    reports = queries.visible_to(current_user).filter(Emergency.unit_id == unit.id)
    if month:
        reports = reports.filter(Emergency.event_dt >= since, Emergency.event_dt < until)
    own = db.session.get(Unit, queries.level_unit_id(current_user))
    return render_template("emergencies/record.html", unit=unit, month=month,
                           faults=queries.unit_record(current_user, unit.id, since, until),
                           reports=reports.order_by(Emergency.event_dt.desc()).limit(200).all(),
                           units=[own, *queries.reporting_units_below(current_user)], level_labels=LEVEL_LABELS,
                           may_record_fault=_may_record_fault(current_user), now=clock.now())


@bp.route("/faults/new", methods=["GET", "POST"])
@login_required
def new_fault():
    if not _may_record_fault(current_user):
        raise NotAllowed("只有上级信息部门、总值班室或督查室可以记录漏报、瞒报。")
    values, errors, status = {"unit_id": request.args.get("unit", ""), "kind": "missed",
                              "emergency_id": request.args.get("emergency", "")}, {}, 200
    if request.method == "POST":
        values = _form()
        raw = {k: v for k, v in values.items() if not (k == "emergency_id" and v == "")}
        try:
            idempotency.claim()
            fault = operations.record_fault(current_user, raw)
        except FormInvalid as exc:
            db.session.rollback()
            errors, status = exc.fields, exc.status
        else:
            return _created(url_for("emergencies.record", unit=fault.unit_id),
                            f"已记录{fault.unit.name}{fault.kind_label}：{fault.title}")
    below = queries.reporting_units_below(current_user)
    below_ids = {u.id for u in below}
    linkable = [e for e in queries.list_for(current_user, "all") if e.unit_id in below_ids]
    return render_template("emergencies/fault_new.html", values=values, errors=errors, units=below,
                           emergencies=linkable, kinds={k: FAULT_LABELS[k] for k in ("missed", "concealed")}), status


@bp.route("/report")
@login_required
def report():
    if not _may_see_summary(current_user):
        raise NotAllowed("只有信息部门、总值班室、督查室和领导可以查看紧急信息报送统计。")
    year, month = _month()
    table = summary.summary_table(queries.monthly_summary(current_user, year, month))
    if request.args.get("format") == "xlsx":
        data = summary.workbook(table, f"{year}年{month}月紧急信息报送情况")
        return send_file(data, mimetype=summary.XLSX, as_attachment=True,
                         download_name=f"emergency-report-{year}-{month:02d}.xlsx")
    return render_template("emergencies/report.html", table=table, year=year, month=month,
                           unit=db.session.get(Unit, queries.level_unit_id(current_user)))
