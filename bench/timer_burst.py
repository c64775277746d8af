"""Timer burst: 10,000 timers due within one minute, fired by two RQ workers, beside 100,000 pending timers.

Run from the repository root:

    python -m bench.timer_burst --db postgresql [--url postgresql://postgres@127.0.0.1:5432/postgres]
                                [--pending 100000] [--burst 10000] [--workers 2] [--spread 60]
    python -m bench.timer_burst --db sqlite ...        (a quick local run; the workers share the SQLite file)

Question: when --burst timers come due in the same minute, how long from due to fired (p50, p99, max), and
is any timer fired twice or lost? Two sides, each with a fresh database (bench/timer_lag.py's
`fresh_database` and `make_app`: schema by the migrations, `bench/timer.bpmn` deployed) and a leased Redis
database of its own (timer_lag's `leased_redis`, the RQ tests' leases):

* baseline: no other timer pending;
* loaded: --pending armed timers due 30 to 395 days later, bulk-loaded as timer_lag's `load_pending` makes
  them (bulk copies of one real instance's rows), each scheduled in Redis as a `fire_timer` job as the
  after-commit hook schedules it (`webapp.engine.scheduling.enqueue_timers`); on PostgreSQL followed by
  VACUUM (ANALYZE) and CHECKPOINT, the steady state autovacuum reaches within minutes. Autovacuum stays on.

The sides are measured one after the other (baseline first), each with --workers real
`rq worker --with-scheduler -w webapp.jobs.Worker` processes of its own (timer_lag's `RQSetup.workers`, the
sweep job once an hour, so each timer is fired by its own job), started before the burst is armed and
warmed up with no-op `fire_timer` jobs (the app is built on a worker's first job). The burst: --burst
copies of a real instance's rows, loaded the same way, their due times spread evenly over --spread seconds
(default 60, the i-th due at window start + spread * i / burst, microseconds included; --spread 0: all due
at one whole second), the window starting a margin (3 s + 1 ms per timer) after arming began; each timer
then scheduled in Redis by `enqueue_timers`. The run waits until none is armed or a deadline passes
(window end + 120 s + 20 ms per timer).

Per side: `fired` = burst timers in state `fired`; `double` = burst instances with more than one
`instance_events` row of action `timer`; `lost` = burst timers still armed at the deadline. Lag =
`fired_dt - due_dt` as the worker wrote it, split at `job.enqueued_at` into RQ's scheduler wait (due ->
queued) and the work after it; fired_per_s = fired / (last fired_dt - first due_dt). Memory: the resident
set of each worker process right after its side's burst (and the peak sampled while waiting).
`webapp.jobs.Worker` is RQ's SimpleWorker: jobs run in the worker process itself, there is no work horse
fork, so the worker's main process is the one that does the work. The worker holding RQ's scheduler lock
has one child, the scheduler process RQ forks: measured apart (memory.rq_scheduler_rss_max_mb).

Profile: per-job cost split in two. RQ's share from the run itself (per worker, the gap between one job's
end and the next one's start while jobs were waiting on the queue). The job's own phases from firing
--profile timers in this process with the body of `webapp.jobs.fire_timer` (get the row, lock, restore,
run, save, project, record + flush, commit), on the loaded side after its burst.

Prints a table and `figure name value unit` lines (bench/figures.py), and writes
bench/results/timer_burst-<db>.json.
"""
import argparse
import contextlib
import json
import os
import sys
import tempfile
import time
from collections import Counter, defaultdict
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select

from bench.figures import children, emit, rss_mb
from bench.timer_lag import (
    BENCH_DIR,
    DEFAULT_PG_URL,
    DEFAULT_REDIS,
    RQ_FIRE_TIMEOUT,
    RQSetup,
    autocommit,
    dispose,
    fresh_database,
    leased_redis,
    load_pending,
    machine,
    make_app,
    percentile,
    server_version,
)

TARGET = {"lag_p99_ms": 2000, "double": 0, "lost": 0, "rq_worker_rss_mb": 250}
POLL_SECONDS = 0.5
JOB_CHUNK = 1000


class BurstSide:
    """One database with its Redis database and workers: `baseline` or `loaded`."""

    def __init__(self, name, pending, app, rq):
        self.name = name
        self.pending = pending
        self.app = app
        self.rq = rq
        self.result = {"side": name, "pending": pending}

    def context(self):
        return self.app.app_context()


# --- arming --------------------------------------------------------------------------------------------------------

def arm_burst(side, count, spread):
    """Bulk-arm `count` timers due within `spread` seconds from a whole second a margin ahead; schedule them.

    Returns (window start, window end, {timer id: due_dt}).
    """
    from webapp.core import clock
    from webapp.extensions import db

    start = datetime.now(UTC)
    window_start = (start + timedelta(seconds=3 + count / 1000)).replace(microsecond=0) + timedelta(seconds=1)

    def due_of(i):
        return window_start + timedelta(seconds=spread * i / count)

    began = time.perf_counter()
    load, armed = load_pending(db, start, count, due_of=due_of)
    clock.set_fixed(None)  # enqueue_timers translates a moved clock's times: it must read the system clock
    with side.rq:
        side.rq.enqueue(armed)
    side.result.update(arm_seconds=time.perf_counter() - began, burst_load_seconds=load["load_seconds"])
    if datetime.now(UTC) >= window_start:
        raise RuntimeError(f"{side.name}: arming took longer than the margin before the first due time")
    return window_start, due_of(count - 1), dict(armed)


def warm_up(side, workers):
    """No-op `fire_timer` jobs (no such timer) until every worker has built its app; returns their names."""
    from rq.job import JobStatus

    from webapp.engine import scheduling

    q = side.rq.queue()
    seen = set()
    deadline = time.monotonic() + 60
    while len(seen) < workers:
        jobs = [q.enqueue(scheduling.FIRE_TIMER, 0) for _ in range(2 * workers)]
        while any(job.get_status(refresh=True) not in (JobStatus.FINISHED, JobStatus.FAILED) for job in jobs):
            if time.monotonic() > deadline:
                raise RuntimeError(f"{side.name}: warm-up jobs did not finish")
            time.sleep(0.1)
        for job in jobs:
            job.refresh()
            seen.add(job.worker_name)
        if time.monotonic() > deadline:
            raise RuntimeError(f"{side.name}: only workers {sorted(seen)} took warm-up jobs")
    return sorted(seen)


# --- measuring -----------------------------------------------------------------------------------------------------

def armed_in(db, window_start, window_end):
    from webapp.engine.models import Timer

    count = db.session.execute(select(func.count()).select_from(Timer).where(
        Timer.state == "armed", Timer.due_dt.between(window_start, window_end))).scalar()
    db.session.rollback()
    return count


def run_burst(side, burst, spread, workers):
    """Start the workers, arm the burst, wait until it fired or the deadline passed; fills `side.result`."""
    from webapp.extensions import db

    with side.rq.workers(workers) as procs, side.context():
        side.result["warm_up_workers"] = warm_up(side, workers)
        side.result["load_average_before"] = os.getloadavg()  # other processes on the machine show here
        window_start, window_end, armed = arm_burst(side, burst, spread)
        deadline = window_end.timestamp() + RQ_FIRE_TIMEOUT + burst * 0.02
        peak = defaultdict(float)
        while armed_in(db, window_start, window_end) and time.time() < deadline:
            for proc in procs:
                peak[proc.pid] = max(peak[proc.pid], rss_mb(proc.pid) or 0)
            time.sleep(POLL_SECONDS)
        waited_until = datetime.now(UTC)
        side.result["load_average_after"] = os.getloadavg()
        side.result["rq_worker_rss_mb"] = [rss_mb(proc.pid) for proc in procs]
        side.result["rq_scheduler_rss_mb"] = [rss_mb(pid) for proc in procs for pid in children(proc.pid)]
        side.result["rq_worker_rss_peak_mb"] = [peak[proc.pid] for proc in procs]
        side.result["waited_seconds_after_window"] = (waited_until - window_end).total_seconds()
        rows, events = burst_rows(db, window_start, window_end)
        jobs = fetch_jobs(side.rq, armed)
    side.result.update(summarize(rows, events, jobs, burst))
    side.result["window"] = [window_start.isoformat(), window_end.isoformat()]


def burst_rows(db, window_start, window_end):
    """The burst's timer rows and the number of `timer` events of each burst instance."""
    from webapp.engine.models import InstanceEvent, ProcessInstance, Timer

    in_window = Timer.due_dt.between(window_start, window_end)
    rows = db.session.execute(
        select(Timer.id, Timer.instance_id, Timer.state, Timer.due_dt, Timer.fired_dt, ProcessInstance.status)
        .join(ProcessInstance, ProcessInstance.id == Timer.instance_id).where(in_window)).all()
    events = dict(db.session.execute(
        select(InstanceEvent.instance_id, func.count()).where(
            InstanceEvent.action == "timer", InstanceEvent.instance_id.in_(select(Timer.instance_id).where(in_window)))
        .group_by(InstanceEvent.instance_id)).all())
    db.session.rollback()
    return rows, events


def fetch_jobs(rq, armed):
    """Each burst timer's `fire_timer` job (None where it is gone), by timer id."""
    from rq.job import Job

    from webapp.engine import scheduling

    connection = rq.queue().connection
    ids = sorted(armed)
    jobs = {}
    for first in range(0, len(ids), JOB_CHUNK):
        chunk = ids[first:first + JOB_CHUNK]
        fetched = Job.fetch_many([scheduling.timer_job_id(t, armed[t]) for t in chunk], connection=connection)
        jobs.update(zip(chunk, fetched, strict=True))
    return jobs


def rq_gaps(jobs):
    """Per worker, seconds from one job's end to the next one's start while that next job was already queued."""
    by_worker = defaultdict(list)
    for job in jobs:
        by_worker[job.worker_name].append(job)
    gaps = []
    for runs in by_worker.values():
        runs.sort(key=lambda job: job.started_at)
        gaps.extend((b.started_at - a.ended_at).total_seconds() for a, b in zip(runs, runs[1:], strict=False)
                    if b.enqueued_at <= a.ended_at)
    return gaps, {name: len(runs) for name, runs in by_worker.items()}


def summarize(rows, events, jobs, burst):
    states = Counter(row.state for row in rows)
    fired = [row for row in rows if row.state == "fired"]
    lags = [(row.fired_dt - row.due_dt).total_seconds() for row in fired]
    done = [jobs[row.id] for row in fired
            if jobs.get(row.id) is not None and None not in (jobs[row.id].enqueued_at, jobs[row.id].started_at,
                                                             jobs[row.id].ended_at)]
    due_of = {row.id: row.due_dt for row in fired}
    fired_of = {row.id: row.fired_dt for row in fired}
    waits = [(job.enqueued_at - due_of[int(job.args[0])]).total_seconds() for job in done]
    works = [(fired_of[int(job.args[0])] - job.enqueued_at).total_seconds() for job in done]
    runs = [(job.ended_at - job.started_at).total_seconds() for job in done]
    gaps, per_worker = rq_gaps(done)
    span = (max(fired_of.values()) - min(row.due_dt for row in rows)).total_seconds() if fired else None

    def ms(values, fraction):
        return percentile(values, fraction) * 1000 if values else None

    return {
        "burst": burst,
        "timer_rows": len(rows),
        "fired": len(fired),
        "double": sum(1 for count in events.values() if count > 1),
        "lost": states["armed"],
        "other_states": {state: n for state, n in states.items() if state not in ("fired", "armed")},
        "timer_events": sum(events.values()),
        "fired_without_event": sum(1 for row in fired if events.get(row.instance_id, 0) == 0),
        "not_completed": sum(1 for row in fired if row.status != "completed"),
        "lag_p50_ms": ms(lags, 0.50),
        "lag_p99_ms": ms(lags, 0.99),
        "lag_max_ms": max(lags) * 1000 if lags else None,
        "fired_per_s": len(fired) / span if span else None,
        "drain_seconds": span,
        "jobs_found": len(done),
        "scheduler_wait_p50_ms": ms(waits, 0.50),
        "scheduler_wait_p99_ms": ms(waits, 0.99),
        "work_p50_ms": ms(works, 0.50),
        "work_p99_ms": ms(works, 0.99),
        "job_run_p50_ms": ms(runs, 0.50),
        "job_run_p99_ms": ms(runs, 0.99),
        "job_run_mean_ms": sum(runs) / len(runs) * 1000 if runs else None,
        "rq_gap_p50_ms": ms(gaps, 0.50),
        "rq_gap_mean_ms": sum(gaps) / len(gaps) * 1000 if gaps else None,
        "rq_gaps_measured": len(gaps),
        "jobs_per_worker": per_worker,
    }


# --- the job's own phases ------------------------------------------------------------------------------------------

PHASES = ("get", "lock", "restore", "run", "save", "project", "record_flush", "commit", "other")


@contextmanager
def phase_clock(spent):
    """Time the steps of `runner.fire_timers` by wrapping the functions it calls (added to `spent`, seconds)."""
    from webapp.engine import runner, store

    targets = ((store, "lock_instance", "lock"), (store, "restore", "restore"), (runner, "advance", "run"),
               (store, "save", "save"), (runner, "project", "project"), (runner, "persist", "persist"))
    originals = [(module, attr, getattr(module, attr)) for module, attr, _ in targets]

    def timed(fn, phase):
        def wrapper(*args, **kwargs):
            began = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                spent[phase] += time.perf_counter() - began
        return wrapper

    for module, attr, phase in targets:
        setattr(module, attr, timed(getattr(module, attr), phase))
    try:
        yield
    finally:
        for module, attr, fn in originals:
            setattr(module, attr, fn)


def profile_jobs(side, count):
    """Mean ms per phase of the body of `webapp.jobs.fire_timer`, run here on `count` due timers."""
    from webapp.core import clock
    from webapp.engine import runner
    from webapp.engine.models import Timer
    from webapp.extensions import db

    start = datetime.now(UTC) + timedelta(days=1)
    with side.context():
        _, armed = load_pending(db, start, count, due_of=lambda i: start + timedelta(hours=1, milliseconds=i))
    clock.set_fixed(start + timedelta(hours=2))
    spent = defaultdict(float)
    fired = 0
    try:
        with phase_clock(spent):
            for timer_id, _ in armed:
                began = time.perf_counter()
                with side.context():
                    try:
                        mark = time.perf_counter()
                        timer = db.session.get(Timer, timer_id)
                        spent["get"] += time.perf_counter() - mark
                        if timer is not None and timer.state == "armed" and timer.due_dt <= clock.now():
                            fired += runner.fire_timers(timer.instance_id)
                        mark = time.perf_counter()
                        db.session.commit()
                        spent["commit"] += time.perf_counter() - mark
                    finally:
                        db.session.remove()
                spent["total"] += time.perf_counter() - began
    finally:
        clock.set_fixed(None)
    if fired != count:
        raise RuntimeError(f"profile: {fired} of {count} timers fired")
    spent["record_flush"] = spent.pop("persist") - spent["save"] - spent["project"]
    spent["other"] = spent["total"] - sum(spent[phase] for phase in PHASES if phase != "other")
    return {"timers": count, **{f"{phase}_ms": spent[phase] / count * 1000 for phase in (*PHASES, "total")}}


# --- reporting -----------------------------------------------------------------------------------------------------

METRICS = (  # key, column title, format
    ("fired", "fired", "{:d}"),
    ("double", "double", "{:d}"),
    ("lost", "lost", "{:d}"),
    ("lag_p50_ms", "lag p50 ms", "{:.0f}"),
    ("lag_p99_ms", "lag p99 ms", "{:.0f}"),
    ("lag_max_ms", "lag max ms", "{:.0f}"),
    ("scheduler_wait_p50_ms", "sched p50 ms", "{:.0f}"),
    ("work_p99_ms", "work p99 ms", "{:.0f}"),
    ("fired_per_s", "fired/s", "{:.1f}"),
    ("job_run_p50_ms", "job p50 ms", "{:.1f}"),
    ("rq_gap_p50_ms", "rq gap ms", "{:.1f}"),
)
RATIOS = ("lag_p50_ms", "lag_p99_ms", "lag_max_ms", "fired_per_s")
FIGURES = (("fired", "count"), ("double", "count"), ("lost", "count"), ("lag_p50_ms", "ms"), ("lag_p99_ms", "ms"),
           ("lag_max_ms", "ms"), ("fired_per_s", "items/s"))


def ratios(report):
    baseline, loaded = report["sides"]["baseline"], report["sides"]["loaded"]
    return {key: round(loaded[key] / baseline[key], 3) if loaded[key] and baseline[key] else None for key in RATIOS}


def verdict(report):
    sides = report["sides"].values()
    return {
        "lag_p99_ms": all(s["lag_p99_ms"] is not None and s["lag_p99_ms"] < TARGET["lag_p99_ms"] for s in sides),
        "double": all(s["double"] == TARGET["double"] for s in sides),
        "lost": all(s["lost"] == TARGET["lost"] and s["fired"] == s["burst"] for s in sides),
        "rq_worker_rss_mb": report["memory"]["rq_worker_rss_max_mb"] < TARGET["rq_worker_rss_mb"],
    }


def print_report(report):
    spread = f"spread evenly over {report['spread_seconds']} s" if report["spread_seconds"] else "all at one second"
    print(f"\ntimer burst, {report['server']}, {report['machine']['cpus']} CPUs; {report['burst']} timers due "
          f"within one minute ({spread}), {report['workers']} webapp.jobs.Worker per side")
    header = f"{'':<10}{'pending':>9}" + "".join(f"{title:>13}" for _, title, _ in METRICS)
    print(header)
    print("-" * len(header))
    for row in report["sides"].values():
        print(f"{row['side']:<10}{row['pending']:>9}"
              + "".join(f"{fmt.format(row[key]) if row[key] is not None else '-':>13}" for key, _, fmt in METRICS))
    print(f"{'loaded/baseline':<19}" + "".join(
        f"{report['ratio_loaded_to_baseline'][key]:>13.2f}" if key in RATIOS and report["ratio_loaded_to_baseline"][
            key] is not None else f"{'':>13}" for key, _, _ in METRICS))
    profile = report["profile"]
    print(f"\none fire_timer job's phases, in this process ({profile['timers']} timers, loaded side), mean ms: "
          + ", ".join(f"{phase} {profile[f'{phase}_ms']:.2f}" for phase in (*PHASES, "total")))
    print("RQ between jobs (gap p50): " + ", ".join(
        f"{name} {side['rq_gap_p50_ms']:.1f} ms" for name, side in report["sides"].items()
        if side["rq_gap_p50_ms"] is not None))
    print(f"worker RSS after the burst: {report['memory']['rq_worker_rss_mb']} MB")
    print("target (p99 < 2 s, no double, none lost, worker RSS < 250 MB): "
          + ", ".join(f"{key} {'met' if ok else 'MISSED'}" for key, ok in report["met"].items()))
    for name, side in report["sides"].items():
        for key, unit in FIGURES:
            if side[key] is not None:
                emit(f"timer_burst.{name}.{key}", side[key], unit)
    for key, value in report["ratio_loaded_to_baseline"].items():
        if value is not None:
            emit(f"timer_burst.loaded_to_baseline.{key}", value, "ratio")
    for phase in (*PHASES, "total"):
        emit(f"timer_burst.job.{phase}_ms", profile[f"{phase}_ms"], "ms")
    for name, side in report["sides"].items():
        if side["rq_gap_p50_ms"] is not None:
            emit(f"timer_burst.{name}.rq_gap_p50_ms", side["rq_gap_p50_ms"], "ms")
    emit("memory.rq_worker_rss_max_mb", report["memory"]["rq_worker_rss_max_mb"], "MB")
    if report["memory"]["rq_scheduler_rss_max_mb"] is not None:
        emit("memory.rq_scheduler_rss_max_mb", report["memory"]["rq_scheduler_rss_max_mb"], "MB")


# --- main ----------------------------------------------------------------------------------------------------------

def run(args):
    from webapp.core import clock
    from webapp.extensions import db

    report = {"benchmark": "timer_burst", "command": "python -m bench.timer_burst " + " ".join(args.argv),
              "database": args.db, "machine": machine(), "run_at": datetime.now(UTC).isoformat(timespec="seconds"),
              "burst": args.burst, "pending": args.pending, "workers": args.workers, "spread_seconds": args.spread,
              "target": TARGET, "sides": {}}
    with contextlib.ExitStack() as stack:
        stack.callback(clock.set_fixed, None)
        log_dir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="govflow-bench-burst-")))
        sides = []
        for name, pending in (("baseline", 0), ("loaded", args.pending)):
            app = make_app(stack.enter_context(fresh_database(args.db, args.url)))
            stack.callback(dispose, app)
            sides.append(BurstSide(name, pending, app,
                                   RQSetup(app, stack.enter_context(leased_redis(args.redis)), log_dir / name)))
        loaded = sides[1]
        with loaded.context():
            report["server"] = server_version(db)
            print(f"  loaded: loading {args.pending} pending timers...", flush=True)
            load, armed = load_pending(db, datetime.now(UTC), args.pending)
            clock.set_fixed(None)
            if args.db == "postgresql":
                autocommit(db, "VACUUM (ANALYZE)", "CHECKPOINT")
            with loaded.rq:
                loaded.result["scheduled_jobs"] = loaded.rq.enqueue(armed)
            del armed
            loaded.result["load_seconds"] = load["load_seconds"]
        for side in sides:
            print(f"  {side.name}: burst of {args.burst}...", flush=True)
            run_burst(side, args.burst, args.spread, args.workers)
            if side.pending:
                side.result["pending_still_armed"] = pending_armed(side, args.pending)
            print(f"  {side.name}: {side.result['fired']} fired, lag p99 {side.result['lag_p99_ms']} ms", flush=True)
        report["profile"] = profile_jobs(loaded, min(args.burst, args.profile))
    report["sides"] = {side.name: side.result for side in sides}
    report["ratio_loaded_to_baseline"] = ratios(report)
    rss = [mb for side in sides for mb in side.result["rq_worker_rss_mb"] if mb is not None]
    peak = [mb for side in sides for mb in side.result["rq_worker_rss_peak_mb"]]
    scheduler = [mb for side in sides for mb in side.result["rq_scheduler_rss_mb"] if mb is not None]
    report["memory"] = {"rq_worker_rss_mb": [round(mb, 1) for mb in rss], "rq_worker_rss_max_mb": max(rss),
                        "rq_worker_rss_peak_sampled_mb": max(peak) if peak else None,
                        "rq_scheduler_rss_max_mb": max(scheduler) if scheduler else None,
                        "note": "webapp.jobs.Worker is a SimpleWorker: no work horse fork, the worker's main "
                                "process runs the jobs; the worker holding RQ's scheduler lock has one forked "
                                "child, the scheduler (rq_scheduler_rss_max_mb)"}
    report["met"] = verdict(report)
    return report


def pending_armed(side, pending):
    """How many of the pending timers (due 30 days on and later) are still armed: all of them, or one fired early."""
    from webapp.engine.models import Timer
    from webapp.extensions import db

    with side.context():
        count = db.session.execute(select(func.count()).select_from(Timer).where(
            Timer.state == "armed", Timer.due_dt > datetime.now(UTC) + timedelta(days=29))).scalar()
        db.session.rollback()
    if count != pending:
        raise RuntimeError(f"{side.name}: {count} of {pending} pending timers still armed")
    return count


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(prog="python -m bench.timer_burst", description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="postgresql")
    parser.add_argument("--url", default=os.environ.get("BENCH_PG_URL", DEFAULT_PG_URL),
                        help="PostgreSQL server on which the run creates (and drops) databases of its own")
    parser.add_argument("--pending", type=int, default=100_000, help="pending (not yet due) timers on the loaded side")
    parser.add_argument("--burst", type=int, default=10_000, help="timers due within the window, per side")
    parser.add_argument("--spread", type=float, default=60.0,
                        help="seconds over which the burst's due times are spread (0: all at one whole second)")
    parser.add_argument("--workers", type=int, default=2, help="RQ workers per side")
    parser.add_argument("--profile", type=int, default=500, help="timers fired in this process to time the phases")
    parser.add_argument("--redis", default=os.environ.get("BENCH_REDIS", DEFAULT_REDIS),
                        help="Redis server (without database number)")
    parser.add_argument("--out", type=Path, default=BENCH_DIR / "results", help="directory for the JSON file")
    args = parser.parse_args(argv)
    args.argv = argv
    if args.pending < 1 or args.burst < 1 or args.workers < 1 or args.profile < 1:
        parser.error("--pending, --burst, --workers and --profile must be at least 1")
    if not 0 <= args.spread <= 60:
        parser.error("--spread must be within one minute (0 to 60 seconds)")

    print(f"timer burst on {args.db}: {args.burst} timers due within {args.spread:g} s, {args.pending} pending on the "
          f"loaded side, {args.workers} RQ workers per side", flush=True)
    report = run(args)
    print_report(report)
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / f"timer_burst-{args.db}.json"
    path.write_text(json.dumps(report, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
    print(f"\nwritten to {path}")
    return report


if __name__ == "__main__":
    main()
