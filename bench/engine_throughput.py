"""Engine throughput: information items carried through all their steps by GovFlow's service layer, against
raw in-memory SpiffWorkflow running the same diagram with the same handlers in the same run (the limit).

Run from the repository root:

    python -m bench.engine_throughput [--items 2000] [--db sqlite postgresql] [--url postgresql://...]
    python -m bench.engine_throughput --items 200 --profile        # also print where GovFlow's time goes

One item = start, then 采编 (compose) → 核实审核 (verify: pass) → 审签 (sign: pass) → 上级编辑 (edit: adopt): four user
tasks and the two service tasks (submit upward, record feedback) between them.

* raw: `BpmnWorkflow` of the parsed `processes/info_report.bpmn`, GovFlow's script engine and handlers, the
  handlers' services answered from memory (the upper information office, a notice list); each user task is
  found READY, its form put into its data, run, then engine steps. Nothing is stored. This is what
  SpiffWorkflow itself can do on this machine.
* serialized: raw, plus the state written to JSON and read back before every user task and at the end
  (GovFlow's serializer, the definition referenced, not embedded): the least an engine that keeps its state
  between steps pays, before any database.
* govflow: `reports.operations.create_item` and `runner.complete` for each step, one transaction (commit) per
  step as a request makes it: the user's access and the form checked, the instance locked and restored, due
  timers fired first, the task run, the state saved, the rows projected (task rows, item row, history), the
  audit entries and notices written. On a fresh database of each kind (a SQLite file, or a PostgreSQL
  database of the run's own), schema by the migrations.
* floor (PostgreSQL only): the durable floor, `bench/floor.py`: serialized, plus one psycopg transaction per step
  with the minimal rows (lock and state, close and open the task rows, one history row, one audit row), in
  tables of its own in the same database.

The sides take turns in --rounds rounds, so that all see the machine alike. Prints `figure` lines (items per
second of each, the ratio govflow/raw per database, GovFlow's SQL statements per step, and on PostgreSQL
`engine.govflow_over_floor`: GovFlow's time per step over the floor's) and writes
bench/results/engine_throughput.json. Target (issue 24, docs/performance.md): GovFlow's step at most 2× the floor.
"""
import argparse
import cProfile
import io
import json
import pstats
import sys
import time
from contextlib import ExitStack, nullcontext
from datetime import UTC, datetime
from pathlib import Path

from bench import dataset
from bench.figures import emit, statements_counted
from bench.floor import Floor
from bench.timer_lag import DEFAULT_PG_URL, fresh_database, machine

BENCH_DIR = Path(__file__).resolve().parent
STEPS = [("writer", dataset.COMPOSE), ("verifier", {"decision": "pass", "opinion": "属实"}),
         ("leader", {"decision": "pass"}), ("editor", {"decision": "adopt", "publication": "汇要", "opinion": "采用"})]


class MemoryOrg:
    def __init__(self, target):
        self.target = target

    def upward_info_unit(self, unit_id):
        return self.target

    def report_target(self, unit_id, report_to=None):
        return self.target


class MemoryNotices:
    def __init__(self):
        self.sent = []

    def send(self, title, **fields):
        self.sent.append(title)


class Raw:
    """The diagram run by SpiffWorkflow alone, in memory; `serialized`: its state also written to JSON and read
    back after every step (GovFlow's serializer, definition referenced), as an engine that keeps state must."""

    def __init__(self, cell, target, serialized=False):
        from webapp.engine import definitions

        definition = definitions.latest("info_report")
        self.spec, self.subprocess_specs = definitions.specs_for(definition)
        # As reports.operations.create_item starts one (the diagram's gateway reads `forwarded`: 转报)
        self.start_data = {"unit_id": cell.unit_id, "author_id": cell.user["writer"].id, "secrecy": 0,
                           "urgency": "normal", "forwarded": False, "report_to": None}
        notices = MemoryNotices()
        self.services = {"org": MemoryOrg(target), "notices": notices}
        self.serialized = serialized

    def _round_trip(self, workflow, engine):
        from webapp.engine import serializer

        if not self.serialized:
            return workflow
        workflow = serializer.loads(serializer.dumps(workflow), self.spec, self.subprocess_specs)
        workflow.script_engine = engine
        return workflow

    def item(self, number):
        from SpiffWorkflow.bpmn import BpmnWorkflow
        from SpiffWorkflow.util.task import TaskState

        from webapp.engine.environment import GovFlowScriptEngine

        engine = GovFlowScriptEngine(instance_id=number, services=self.services)
        workflow = BpmnWorkflow(self.spec, self.subprocess_specs, script_engine=engine)
        workflow.task_tree.data.update(self.start_data)
        workflow.do_engine_steps()
        for _role, form in STEPS:
            workflow = self._round_trip(workflow, engine)
            task = workflow.get_tasks(state=TaskState.READY, manual=True)[0]
            task.data.update(form)
            task.run()
            workflow.do_engine_steps()
        self._round_trip(workflow, engine)
        assert workflow.is_completed()


class Engine:
    """The same items through GovFlow's service layer, one commit per step."""

    def __init__(self, db, cell):
        self.db, self.cell = db, cell

    def item(self, _number):
        from webapp.engine import runner
        from webapp.engine.models import HumanTask, ProcessInstance
        from webapp.reports.operations import create_item

        db = self.db
        item, _task = create_item(self.cell.user["writer"])
        db.session.commit()
        for role, form in STEPS:
            row = db.session.query(HumanTask).filter_by(instance_id=item.instance_id, state="open").one()
            runner.complete(row.id, self.cell.user[role], form)
            db.session.commit()
        assert db.session.get(ProcessInstance, item.instance_id).status == "completed"


def timed(runner, count, first):
    started = time.perf_counter()
    for number in range(first, first + count):
        runner.item(number)
    return time.perf_counter() - started


def run_database(kind, args):
    from webapp.auth.models import Unit
    from webapp.extensions import db

    with ExitStack() as stack:
        url = stack.enter_context(fresh_database(kind, args.url))
        app = dataset.schema(url)
        with app.app_context():
            org, _units, _users = dataset.make_org(db, 0.0001, "bench")
            cell = dataset.Cell(db, org)
            info = db.session.get(Unit, org["cities"][0]["info"])
            target = {"id": info.id, "name": info.name}
            sides = {"raw": Raw(cell, target), "serialized": Raw(cell, target, serialized=True),
                     "govflow": Engine(db, cell)}
            if kind == "postgresql":
                sides["floor"] = Floor(url, sides["serialized"], STEPS)
                stack.callback(sides["floor"].close)
            for side in sides.values():  # warm-up: parse cache, statement cache, first-use imports
                timed(side, 5, 0)
            per_round = max(1, args.items // args.rounds)
            seconds = dict.fromkeys(sides, 0.0)
            statements = 0  # sent by GovFlow's side from this thread: its request path, not the audit sealer's
            first = 10
            for index in range(args.rounds):
                for name in list(sides)[::1 if index % 2 == 0 else -1]:
                    counting = (statements_counted(db.engine, this_thread_only=True) if name == "govflow"
                                else nullcontext([0]))
                    with counting as count:
                        seconds[name] += timed(sides[name], per_round, first)
                    statements += count[0]
                    first += per_round
            engine = sides["govflow"]
            profile = _profile(engine, min(per_round, 100), first) if args.profile else None
            server = db.session.execute(db.text(
                "SELECT 'PostgreSQL ' || current_setting('server_version')" if kind == "postgresql"
                else "SELECT 'SQLite ' || sqlite_version()")).scalar()
        dataset.dispose(app)
    items = per_round * args.rounds
    result = {"server": server, "items": items, "steps_per_item": len(STEPS),
              **{f"{name}_items_per_s": round(items / spent, 1) for name, spent in seconds.items()}}
    result["ratio"] = round(result["govflow_items_per_s"] / result["raw_items_per_s"], 3)
    result["serialized_ratio"] = round(result["serialized_items_per_s"] / result["raw_items_per_s"], 3)
    steps = items * (len(STEPS) + 1)  # the start is a step (a transaction) too
    result["govflow_ms_per_step"] = round(seconds["govflow"] * 1000 / steps, 2)
    result["sql_per_step"] = round(statements / steps, 1)
    if "floor" in seconds:
        result["floor_items_per_s"] = round(items / seconds["floor"], 1)
        result["floor_ms_per_step"] = round(seconds["floor"] * 1000 / steps, 2)
        result["govflow_over_floor"] = round(seconds["govflow"] / seconds["floor"], 2)
    result["profile"] = profile
    return result


def _profile(engine, count, first):
    profiler = cProfile.Profile()
    profiler.enable()
    timed(engine, count, first)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(40)
    return out.getvalue()


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(prog="python -m bench.engine_throughput", description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=2000, help="items per side and database")
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--db", nargs="+", choices=("sqlite", "postgresql"), default=["sqlite", "postgresql"])
    parser.add_argument("--url", default=DEFAULT_PG_URL, help="PostgreSQL server (a database of its own is made)")
    parser.add_argument("--profile", action="store_true", help="profile GovFlow's side after the timed rounds")
    parser.add_argument("--out", type=Path, default=BENCH_DIR / "results" / "engine_throughput.json")
    args = parser.parse_args(argv)
    report = {"benchmark": "engine_throughput", "command": "python -m bench.engine_throughput " + " ".join(argv),
              "machine": machine(), "run_at": datetime.now(UTC).isoformat(), "databases": {}}
    for kind in args.db:
        result = run_database(kind, args)
        report["databases"][kind] = result
        emit(f"engine.{kind}.raw", result["raw_items_per_s"], "items/s")
        emit(f"engine.{kind}.serialized", result["serialized_items_per_s"], "items/s")
        emit(f"engine.{kind}.govflow", result["govflow_items_per_s"], "items/s")
        emit(f"engine.{kind}.ms_per_step", result["govflow_ms_per_step"], "ms")
        emit(f"engine.{kind}.ratio", result["ratio"], "ratio")
        emit(f"engine.{kind}.serialized_ratio", result["serialized_ratio"], "ratio")
        emit(f"engine.{kind}.sql_per_step", result["sql_per_step"], "statements")
        if "govflow_over_floor" in result:
            emit(f"engine.{kind}.floor", result["floor_items_per_s"], "items/s")
            emit(f"engine.{kind}.floor_ms_per_step", result["floor_ms_per_step"], "ms")
            emit("engine.govflow_over_floor", result["govflow_over_floor"], "x")
            emit("engine.sql_per_step", result["sql_per_step"], "statements")
        if result["profile"]:
            print(result["profile"])
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"written to {args.out}")
    return report


if __name__ == "__main__":
    main()
