"""A provincial data set in PostgreSQL, loaded in bulk: units, users, information items and instruction cases
over three years in all their states, with their task rows, history and armed timers.

Run from the repository root (keeps the database, prints its URL and the figures):

    python -m bench.dataset --size 1.0 [--url postgresql://postgres@127.0.0.1:5432/postgres] [--keep]

At --size 1.0: 2,000 units, 20,000 users, 1,000,000 items and cases (750,000 information items, 250,000
instruction cases) and about 5,000,000 task rows, 100,000 armed timers. Every count scales with --size.

How it is made, so that every row is one the engine could have written:

1. A fresh database, its schema by the migrations, the processes of `processes/` deployed (as `flask govflow
   setup --no-demo`).
2. The organisation in bulk: a province with its 信息处 and 督查室; cities with their 信息科, 督查室 and 总值班室;
   under each city its reporting units (counties, departments, townships), each with writers (信息员), an office
   director (办公室主任), leaders in charge, a principal leader and handlers (承办单位).
3. Templates: the real engine (service layer, GovFlow's clock pinned and moved as in the tests) carries one
   information item and one case through each state kept in the data set, in the first reporting unit of the
   first city: items being composed, verified, signed, edited; adopted, adopted after a return, rejected,
   important (principal leader); cases being registered, handled (timers armed), handled past their deadline,
   signed, reviewed; archived, archived after a return, archived late.
4. Copies: each item or case is a copy of one template's rows (`process_instances`, `human_tasks`, `timers`,
   `instance_events`, `info_items` / `instruction_cases`) moved to a random reporting unit of a random city
   (units and users mapped role for role) and in time: finished ones start anywhere in the three years, open
   ones in the last weeks, so that every armed timer is still in the future. Task ids of open tasks and armed
   timers are new in the rows and in the workflow state, and the state's times are moved with the rest, so
   that an open copy can be acted on and its timers fire. A finished copy keeps its template's state as it is
   (nobody restores it again; its pages read the rows). Armed timers come from the open cases, so their count
   sets how many cases are open.
5. Loaded with COPY, with the secondary indexes and foreign keys of those tables dropped first and made again
   after (as pg_restore does), then VACUUM (ANALYZE).

Figures (bench.figures lines): rows per table, load seconds per phase, database size.
"""
import argparse
import json
import math
import queue
import random
import re
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import text

from bench.figures import emit
from bench.timer_lag import DEFAULT_PG_URL, fresh_database, machine

PASSWORD = "bench-pw-1"
YEARS = 3
CITIES = 14
UNITS_PER_CITY = 138  # reporting units: 14 x (4 + 138) + 4 = 1,992 units at size 1
PEOPLE = {"writer": 3, "verifier": 1, "leader": 2, "principal": 1, "handler": 3}  # per reporting unit: 10
OFFICE_PEOPLE = {"info": ("editor", 5), "supervision": ("supervisor", 5), "duty": ("duty", 3)}
ITEMS, CASES, ARMED = 750_000, 250_000, 100_000
OPEN_ITEM_SHARE = 0.02
TABLES = ("process_instances", "human_tasks", "timers", "instance_events", "info_items", "instruction_cases")
ISO = re.compile(r'"(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[+-]\d{2}:\d{2}|Z)?)"')
REFS = re.compile(r'"(unit_id|lead_unit_id|target_unit_id|author_id|registrar_id)": ("?)(\d+)"?')

COMPOSE = {"title": "某县春耕进展", "body": "全县已完成春播面积十二万亩，同比增长百分之五。", "category": "经济运行",
           "urgency": "normal", "importance": "general", "secrecy": "0", "source_unit": "县农业农村局"}
REGISTER = {"title": "关于河道整治的批示", "source_leader": "省委书记 王某", "level": "provincial",
            "instruction": "请督促抓紧整治河道污染问题，限期报告结果。", "instruction_date": "2026-03-02",
            "urgency": "normal", "secrecy": "0"}
PROGRESS = {"decision": "progress", "progress": "已成立专班，完成现场排查，正在制定整治方案。"}
CLOSE = {"decision": "close", "report": "经查，河道污染系上游养殖场直排所致。已关停三家养殖场，建成截污管网两公里。",
         "doc_no": "青办字〔2026〕12号"}

# Template kind -> (share of its family, open?). Open kinds start in the last weeks; the rest over the years.
ITEM_KINDS = {"adopted": 0.45, "adopted_important": 0.1, "adopted_after_return": 0.25, "rejected": 0.2}
OPEN_ITEM_KINDS = {"composing": 0.4, "verifying": 0.25, "signing": 0.15, "editing": 0.2}
CASE_KINDS = {"archived": 0.7, "archived_after_return": 0.2, "archived_late": 0.1}
OPEN_CASE_KINDS = {"handling": 0.55, "handling_overdue": 0.15, "signing": 0.1, "reviewing": 0.1, "registering": 0.1}


# --- the organisation --------------------------------------------------------------------------------------------

def make_org(db, size, password_hash):
    """Units and users in bulk; returns {"cities": [{city, info, dc, units: [{id, people: {role: [ids]}}]}]}."""
    from webapp.auth.models import Unit, User, user_roles

    units_per_city = max(2, round(UNITS_PER_CITY * size))
    cities = max(1, min(CITIES, round(CITIES * size)))
    next_unit, next_user = _max_id(db, "units") + 1, _max_id(db, "users") + 1
    unit_rows, user_rows, role_rows = [], [], []

    def unit(code, name, kind, parent, function=None):
        nonlocal next_unit
        unit_rows.append({"id": next_unit, "code": code, "name": name, "kind": kind, "parent_id": parent,
                          "function": function})
        next_unit += 1
        return next_unit - 1

    def person(tag, unit_id, role, clearance=2):
        nonlocal next_user
        user_rows.append({"id": next_user, "username": f"{tag}", "name": f"用户{tag}", "password_hash": password_hash,
                          "unit_id": unit_id, "clearance": clearance, "is_active_user": True})
        role_rows.append({"user_id": next_user, "role": role})
        next_user += 1
        return next_user - 1

    province = unit("bench-prov", "江南省委办公厅", "province", None)
    for function, label in (("info", "信息处"), ("supervision", "督查室"), ("duty", "总值班室")):
        office = unit(f"bench-prov-{function}", f"省委办公厅{label}", "office", province, function)
        role, count = OFFICE_PEOPLE[function]
        for n in range(count):
            person(f"p{function[:2]}{n}", office, role)
    org = {"cities": []}
    kinds = ("county", "department", "township")
    for c in range(cities):
        city = unit(f"bench-c{c}", f"第{c + 1}市委办公室", "city", province)
        offices = {}
        for function, label in (("info", "信息科"), ("supervision", "督查室"), ("duty", "总值班室")):
            offices[function] = unit(f"bench-c{c}-{function}", f"第{c + 1}市委{label}", "office", city, function)
            role, count = OFFICE_PEOPLE[function]
            offices[f"{role}s"] = [person(f"c{c}{function[:2]}{n}", offices[function], role) for n in range(count)]
        entry = {"city": city, "info": offices["info"], "dc": offices["supervision"], "units": [],
                 "editors": offices["editors"], "supervisors": offices["supervisors"]}
        for u in range(units_per_city):
            unit_id = unit(f"bench-c{c}-u{u}", f"第{c + 1}市第{u + 1}单位", kinds[u % 3], city)
            people = {role: [person(f"c{c}u{u}{role[:2]}{n}", unit_id, role, clearance=1 if role == "writer" else 2)
                             for n in range(count)] for role, count in PEOPLE.items()}
            entry["units"].append({"id": unit_id, "people": people})
        org["cities"].append(entry)
    db.session.execute(Unit.__table__.insert(), unit_rows)
    db.session.execute(User.__table__.insert(), user_rows)
    db.session.execute(user_roles.insert(), role_rows)
    db.session.commit()
    return org, len(unit_rows), len(user_rows)


def _max_id(db, table):
    return db.session.execute(text(f"SELECT COALESCE(MAX(id), 0) FROM {table}")).scalar()


# --- templates: the real engine, one instance per kind -----------------------------------------------------------

class Cell:
    """The template's people: one reporting unit of the first city and that city's offices (ORM users)."""

    def __init__(self, db, org):
        from webapp.auth.models import User

        city = org["cities"][0]
        unit = city["units"][0]
        self.unit_id = unit["id"]
        self.user = {role: db.session.get(User, ids[0]) for role, ids in unit["people"].items()}
        self.user["editor"] = db.session.get(User, city["editors"][0])
        self.user["supervisor"] = db.session.get(User, city["supervisors"][0])


def _act(db, cell, role, instance_id, form):
    from webapp.engine import runner
    from webapp.engine.models import HumanTask

    row = db.session.query(HumanTask).filter_by(instance_id=instance_id, state="open").one()
    runner.complete(row.id, cell.user[role], form)
    db.session.commit()


def _travel(db, instance_id, days):
    """Move the clock on and fire what came due of this instance (the other templates' timers wait)."""
    from webapp.core import clock
    from webapp.engine import runner

    clock.set_fixed(clock.now() + timedelta(days=days))
    runner.fire_timers(instance_id)
    db.session.commit()


ITEM_PATHS = {  # kind -> the steps after compose: (role, form)
    "composing": None,
    "verifying": [],
    "signing": [("verifier", {"decision": "pass"})],
    "editing": [("verifier", {"decision": "pass"}), ("leader", {"decision": "pass"})],
    "adopted": [("verifier", {"decision": "pass"}), ("leader", {"decision": "pass"}),
                ("editor", {"decision": "adopt", "publication": "汇要", "opinion": "予以采用"})],
    "adopted_important": [("verifier", {"decision": "pass"}), ("leader", {"decision": "pass"}),
                          ("principal", {"decision": "pass"}),
                          ("editor", {"decision": "adopt", "publication": "专报", "opinion": "予以采用"})],
    "adopted_after_return": [("verifier", {"decision": "return", "opinion": "请核实数据来源"}),
                             ("writer", {**COMPOSE, "body": COMPOSE["body"] + "数据来源：县统计局。"}),
                             ("verifier", {"decision": "pass"}), ("leader", {"decision": "pass"}),
                             ("editor", {"decision": "adopt", "publication": "汇要"})],
    "rejected": [("verifier", {"decision": "pass"}), ("leader", {"decision": "pass"}),
                 ("editor", {"decision": "reject", "opinion": "内容一般，不予采用"})],
}


def make_item(db, cell, kind):
    from webapp.reports.operations import create_item

    item, _task = create_item(cell.user["writer"])
    db.session.commit()
    instance_id = item.instance_id
    if ITEM_PATHS[kind] is not None:
        compose = {**COMPOSE, "importance": "important"} if kind == "adopted_important" else COMPOSE
        _travel(db, instance_id, 1 / 24)
        _act(db, cell, "writer", instance_id, compose)
        for role, form in ITEM_PATHS[kind]:
            _travel(db, instance_id, 0.3)
            _act(db, cell, role, instance_id, form)
    return instance_id


def make_case(db, cell, kind):
    from webapp.cases.operations import register_case

    case, _task = register_case(cell.user["supervisor"])
    db.session.commit()
    instance_id = case.instance_id
    if kind == "registering":
        return instance_id
    _travel(db, instance_id, 1 / 24)
    _act(db, cell, "supervisor", instance_id, {**REGISTER, "lead_unit_id": str(cell.unit_id)})
    _act(db, cell, "supervisor", instance_id, {"decision": "assign", "requirements": "请按期报结。"})
    if kind == "handling":
        _travel(db, instance_id, 1)
        return instance_id
    _travel(db, instance_id, 3)
    _act(db, cell, "handler", instance_id, PROGRESS)
    if kind in ("handling_overdue", "archived_late"):
        _travel(db, instance_id, 40)  # past the deadline: the deadline timer fires
    if kind == "handling_overdue":
        return instance_id
    _travel(db, instance_id, 5)
    _act(db, cell, "handler", instance_id, CLOSE)
    if kind == "signing":
        return instance_id
    _travel(db, instance_id, 1)
    _act(db, cell, "principal", instance_id, {"decision": "sign", "opinion": "同意报结"})
    if kind == "reviewing":
        return instance_id
    _travel(db, instance_id, 1)
    if kind == "archived_after_return":
        _act(db, cell, "supervisor", instance_id, {"decision": "return", "return_reasons": ["no_remedy"],
                                                    "opinion": "整改措施不具体，请补充长效机制。"})
        _travel(db, instance_id, 4)
        _act(db, cell, "handler", instance_id, {**CLOSE, "report": CLOSE["report"] + "已建立长效监测机制。"})
        _travel(db, instance_id, 1)
        _act(db, cell, "principal", instance_id, {"decision": "sign"})
        _travel(db, instance_id, 1)
    _act(db, cell, "supervisor", instance_id, {"decision": "accept", "opinion": "同意办结。"})
    return instance_id


def make_templates(db, org, start):
    """{(family, kind): instance id}, each made by the engine with the clock starting at `start`."""
    from webapp.core import clock

    cell = Cell(db, org)
    templates = {}
    for kind in {**ITEM_KINDS, **OPEN_ITEM_KINDS}:
        clock.set_fixed(start)
        templates[("item", kind)] = make_item(db, cell, kind)
    for kind in {**CASE_KINDS, **OPEN_CASE_KINDS}:
        clock.set_fixed(start)
        templates[("case", kind)] = make_case(db, cell, kind)
    clock.set_fixed(None)
    return templates


# --- template rows and their copies ------------------------------------------------------------------------------

class Template:
    """The rows of one template instance, read as tuples in each table's column order."""

    def __init__(self, conn, family, kind, instance_id):
        self.family, self.kind = family, kind
        self.rows = {}
        for table in TABLES:
            key = "id" if table == "process_instances" else "instance_id"
            self.rows[table] = [dict(r._mapping) for r in conn.execute(
                text(f"SELECT * FROM {table} WHERE {key} = :id ORDER BY id"), {"id": instance_id})]
        instance = self.rows["process_instances"][0]
        self.start = instance["started_dt"]
        end = instance["ended_dt"] or max(
            [e["event_dt"] for e in self.rows["instance_events"]] + [self.start])
        self.span = end - self.start
        self.open = instance["status"] == "running"
        armed = [t for t in self.rows["timers"] if t["state"] == "armed"]
        self.armed = len(armed)
        # an open copy must start late enough for every armed timer to be in the future, early enough to be past
        self.window = min([t["due_dt"] - self.start for t in armed] + [self.span + timedelta(days=21)])
        self.timer_uuids = {t["task_uuid"] for t in self.rows["timers"]}  # unique in the table
        self.live_uuids = {r["task_uuid"] for r in self.rows["human_tasks"] if r["state"] == "open"} | self.timer_uuids
        self.state_parts = self._split_state(instance["state_json"]) if self.open else None

    def _split_state(self, state):
        """The state cut at every time, unit or user reference and live task id, to be joined again with the
        copy's values."""
        pattern = re.compile("|".join([ISO.pattern, REFS.pattern] + [re.escape(u) for u in self.live_uuids]))
        parts, last = [], 0
        for match in pattern.finditer(state):
            parts.append(state[last:match.start()])
            if match.group(1):
                parts.append(("time", match.group(1)))
            elif match.group(2):
                parts.append(("ref", match.group(2), match.group(3), int(match.group(4))))
            else:
                parts.append(("uuid", match.group(0)))
            last = match.end()
        parts.append(state[last:])
        return parts


def _moved(value, delta):
    moment = datetime.fromisoformat(value.replace("Z", "+00:00").replace(" ", "T"))
    result = (moment + delta).isoformat(sep="T" if "T" in value else " ")
    return result.replace("+00:00", "Z") if value.endswith("Z") else result


def _copy_state(template, delta, uuids, refer):
    out = []
    for part in template.state_parts:
        if isinstance(part, str):
            out.append(part)
        elif part[0] == "time":
            out.append(f'"{_moved(part[1], delta)}"')
        elif part[0] == "ref":
            _kind, key, quote, value = part
            out.append(f'"{key}": {quote}{refer(key, value)}{quote}')
        else:
            out.append(uuids[part[1]])
    return "".join(out)


def _columns(conn, table, condition=""):
    return [r[0] for r in conn.execute(text(
        f"SELECT column_name FROM information_schema.columns WHERE table_name = :t {condition} "
        f"ORDER BY ordinal_position"), {"t": table})]


class Copier:
    """Writes copies of the templates as COPY rows, with ids of their own and the cell mapped to another."""

    def __init__(self, conn, templates, org):
        self.columns = {t: _columns(conn, t) for t in TABLES}
        self.times = {t: set(_columns(conn, t, "AND data_type LIKE 'timestamp%'")) for t in TABLES}
        self.json = {t: set(_columns(conn, t, "AND data_type IN ('json', 'jsonb')")) for t in TABLES}
        self.next_id = {t: conn.execute(text(f"SELECT COALESCE(MAX(id), 0) FROM {t}")).scalar() + 1 for t in TABLES}
        self.org = org
        first = org["cities"][0]
        self.cell = first["units"][0]
        self.template_units = {self.cell["id"]: "unit", first["info"]: "info", first["dc"]: "dc",
                               first["city"]: "city"}
        self.template_users = {ids[0]: role for role, ids in self.cell["people"].items()}
        self.template_users.update({first["editors"][0]: "editor", first["supervisors"][0]: "supervisor"})
        self.templates = templates
        self.case_no = 0

    def _unit_map(self, city, unit):
        return {"unit": unit["id"], "info": city["info"], "dc": city["dc"], "city": city["city"]}

    def copy(self, template, start, rng):
        """Rows {table: [tuple]} of one copy starting at `start` in a random cell."""
        city = rng.choice(self.org["cities"])
        unit = rng.choice(city["units"])
        units = self._unit_map(city, unit)
        people = {role: rng.choice(ids) for role, ids in
                  {**unit["people"], "editor": city["editors"], "supervisor": city["supervisors"]}.items()}
        case_no = self._case_no(start) if template.family == "case" else None
        delta = start - template.start

        def refer(key, value):
            if key.endswith("unit_id"):
                return units[self.template_units[value]] if value in self.template_units else value
            return people[self.template_users[value]] if value in self.template_users else value

        ids = {}
        for table in TABLES:
            ids[table] = {}
            for row in template.rows[table]:
                ids[table][row["id"]] = self.next_id[table]
                self.next_id[table] += 1
        uuids = {u: str(uuid.uuid4()) for u in (template.live_uuids if template.open else template.timer_uuids)}
        out = {}
        for table in TABLES:
            rows = []
            for row in template.rows[table]:
                new = dict(row)
                new["id"] = ids[table][row["id"]]
                for column in self.times[table]:
                    if new[column] is not None:
                        new[column] = new[column] + delta
                for column in ("unit_id", "lead_unit_id", "target_unit_id"):
                    if column in new and new[column] in self.template_units:
                        new[column] = units[self.template_units[new[column]]]
                for column in ("started_by_id", "completed_by_id", "assignee_id", "author_id", "registrar_id",
                               "actor_id", "arrival_by_id"):
                    if new.get(column) in self.template_users:
                        new[column] = people[self.template_users[new[column]]]
                if table != "process_instances":
                    new["instance_id"] = ids["process_instances"][row["instance_id"]]
                if new.get("task_id") is not None:
                    new["task_id"] = ids["human_tasks"][row["task_id"]]
                if new.get("task_uuid") in uuids:
                    new["task_uuid"] = uuids[new["task_uuid"]]
                if table == "process_instances":
                    new["business_key"] = case_no
                    if template.open:
                        new["state_json"] = _copy_state(template, delta, uuids, refer)
                if table == "instruction_cases":
                    new["case_no"] = case_no
                for column in self.json[table]:
                    if new[column] is not None:
                        new[column] = json.dumps(new[column], ensure_ascii=False)
                rows.append(tuple(new[c] for c in self.columns[table]))
            out[table] = rows
        return out

    def _case_no(self, start):
        self.case_no += 1
        return f"督{start:%Y}-{self.case_no:07d}"


# --- bulk load ---------------------------------------------------------------------------------------------------

@contextmanager
def indexes_dropped(conn, tables):
    """Drop the secondary indexes, unique constraints and foreign keys of `tables`; make them again after."""
    names = ", ".join(f"'{t}'" for t in tables)
    constraints = conn.execute(text(
        f"SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
        f"WHERE conrelid::regclass::text IN ({names}) AND contype IN ('f', 'u') ORDER BY contype DESC")).all()
    foreign_in = conn.execute(text(
        f"SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
        f"WHERE confrelid::regclass::text IN ({names}) AND contype = 'f' "
        f"AND conrelid::regclass::text NOT IN ({names})")).all()
    for table, name, _ in [*foreign_in, *constraints]:
        conn.execute(text(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"'))
    indexes = conn.execute(text(
        f"SELECT indexname, indexdef FROM pg_indexes WHERE tablename IN ({names}) "
        f"AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE contype = 'p')")).all()
    for name, _ in indexes:
        conn.execute(text(f'DROP INDEX "{name}"'))
    conn.commit()
    yield
    for _, definition in indexes:
        conn.execute(text(definition))
    for table, name, definition in [*reversed(constraints), *foreign_in]:
        conn.execute(text(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}'))
    conn.commit()


def plan(size, rng, templates, now):
    """[(template, start)] for every copy: finished ones over the years, open ones in the last weeks."""
    first = now - timedelta(days=365 * YEARS)
    items, cases = round(ITEMS * size), round(CASES * size)
    open_items = round(items * OPEN_ITEM_SHARE)
    armed_per_open_case = sum(share * templates[("case", k)].armed for k, share in OPEN_CASE_KINDS.items())
    open_cases = min(cases, math.ceil(ARMED * size / armed_per_open_case))
    jobs = []

    def add(family, kinds, count, is_open):
        names, weights = list(kinds), list(kinds.values())
        for kind in rng.choices(names, weights, k=count):
            template = templates[(family, kind)]
            if is_open:  # its last step before now, its armed timers after, in the last weeks
                latest = now - timedelta(hours=1) - template.span
                earliest = max(now + timedelta(hours=1) - template.window, now - timedelta(days=30) - template.span)
                start = earliest + (latest - earliest) * rng.random() if latest > earliest else latest
            else:
                start = first + (now - template.span - timedelta(days=1) - first) * rng.random()
            jobs.append((template, start))

    add("item", ITEM_KINDS, items - open_items, False)
    add("item", OPEN_ITEM_KINDS, open_items, True)
    add("case", CASE_KINDS, cases - open_cases, False)
    add("case", OPEN_CASE_KINDS, open_cases, True)
    jobs.sort(key=lambda job: job[1])  # ids grow with time, as they would have
    return jobs


def load(engine, copier, jobs, rng, chunk=10_000, connections=2):
    """COPY the copies chunk by chunk: this thread makes the rows, `connections` others send them."""
    counts = dict.fromkeys(TABLES, 0)
    pool = [engine.raw_connection() for _ in range(connections)]
    free = queue.Queue()
    for conn in pool:
        free.put(conn)

    def send(batch):
        conn = free.get()
        try:
            with conn.cursor() as cursor:
                for table in TABLES:
                    columns = ", ".join(f'"{c}"' for c in copier.columns[table])
                    with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                        for row in batch[table]:
                            copy.write_row(row)
            conn.commit()
        finally:
            free.put(conn)

    with ThreadPoolExecutor(connections) as executor:
        pending = []
        for offset in range(0, len(jobs), chunk):
            batch = {t: [] for t in TABLES}
            for template, start in jobs[offset:offset + chunk]:
                for table, rows in copier.copy(template, start, rng).items():
                    batch[table].extend(rows)
            for table in TABLES:
                counts[table] += len(batch[table])
            while len(pending) >= connections:  # keep memory bounded: at most one batch waiting per connection
                pending.pop(0).result()
            pending.append(executor.submit(send, batch))
        for future in pending:
            future.result()
    for conn in pool:
        conn.close()
    return counts


def schema(url, **config):
    """An app on `url` (with `config` on top) with the schema made by the migrations and `processes/` deployed."""
    from flask_migrate import upgrade

    from webapp import create_app
    from webapp.cli import deploy_directory
    from webapp.config import ROOT
    from webapp.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "DEMO_CLOCK": False, "REDIS_URL": None,
                      **config})
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        deploy_directory(str(ROOT / "processes"))
        db.session.commit()
    return app


def dispose(app):
    from webapp.audit import sealer
    from webapp.extensions import db

    sealer.stop(app)  # the embedded default's sealing thread, if the run started it
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def build(url, size, seed=1, now=None):
    """Make the data set in the (empty) database at `url`; returns the app and a dict of what was made.

    The templates are made in a scratch database of their own with the same organisation (same ids), so the
    data set holds copies only: no template's timers left behind in the past.
    """
    from werkzeug.security import generate_password_hash

    from webapp.extensions import db

    now = (now or datetime.now(UTC)).replace(microsecond=0)
    rng = random.Random(seed)
    password_hash = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
    made, phases = {}, {}

    began = time.perf_counter()
    with fresh_database("postgresql", url) as scratch_url:
        scratch = schema(scratch_url)
        with scratch.app_context():
            org, _units, _users = make_org(db, size, password_hash)
            template_ids = make_templates(db, org, (now - timedelta(days=120)).replace(hour=1, minute=30))
            db.session.remove()
            with db.engine.connect() as conn:
                templates = {key: Template(conn, *key, instance_id) for key, instance_id in template_ids.items()}
        dispose(scratch)
    phases["templates"] = time.perf_counter() - began

    began = time.perf_counter()
    app = schema(url)
    with app.app_context():
        org, made["units"], made["users"] = make_org(db, size, password_hash)
        phases["schema_and_org"] = time.perf_counter() - began

        began = time.perf_counter()
        with db.engine.connect() as conn:
            copier = Copier(conn, templates, org)
            jobs = plan(size, rng, templates, now)
            with indexes_dropped(conn, TABLES):
                counts = load(db.engine, copier, jobs, rng)
                phases["copy"] = time.perf_counter() - began
                began = time.perf_counter()
            phases["indexes"] = time.perf_counter() - began
            for table in TABLES:
                conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                  f"(SELECT MAX(id) FROM {table}))"))
            conn.commit()
        began = time.perf_counter()
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM (ANALYZE)"))
            made["bytes"] = conn.execute(text("SELECT pg_database_size(current_database())")).scalar()
            made["armed"] = conn.execute(text("SELECT COUNT(*) FROM timers WHERE state = 'armed'")).scalar()
            made["open_tasks"] = conn.execute(text("SELECT COUNT(*) FROM human_tasks WHERE state = 'open'")).scalar()
            made["running"] = conn.execute(text(
                "SELECT COUNT(*) FROM process_instances WHERE status = 'running'")).scalar()
        phases["analyze"] = time.perf_counter() - began
    made.update(rows=counts, phases=phases, now=now, org=org)
    return app, made


def report(made, prefix="dataset"):
    emit(f"{prefix}.units", made["units"], "count")
    emit(f"{prefix}.users", made["users"], "count")
    for table, count in made["rows"].items():
        emit(f"{prefix}.rows.{table}", count, "count")
    emit(f"{prefix}.timers_armed", made["armed"], "count")
    emit(f"{prefix}.tasks_open", made["open_tasks"], "count")
    emit(f"{prefix}.instances_running", made["running"], "count")
    for phase, seconds in made["phases"].items():
        emit(f"{prefix}.seconds.{phase}", seconds, "s")
    emit(f"{prefix}.seconds.total", sum(made["phases"].values()), "s")
    emit(f"{prefix}.database_size", made["bytes"] / 2**20, "MB")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=float, default=1.0, help="1.0: 1,000,000 items and cases, 20,000 users")
    parser.add_argument("--url", default=DEFAULT_PG_URL, help="PostgreSQL server (a database of its own is made)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the database (its URL is printed)")
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "results" / "dataset.json")
    args = parser.parse_args(argv)
    kept = f"govflow_dataset_{str(args.size).replace('.', '_')}" if args.keep else None
    with fresh_database("postgresql", args.url, keep_as=kept) as url:
        app, made = build(url, args.size, args.seed)
        report(made)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps({"command": "python -m bench.dataset " + " ".join(argv or sys.argv[1:]),
                                        "machine": machine(), **{k: v for k, v in made.items() if k != "org"}},
                                       default=str, indent=2) + "\n", encoding="utf-8")
        if args.keep:
            print(f"database {url}  (log in as c0u0wr0 / {PASSWORD})")
        dispose(app)
    return made


if __name__ == "__main__":
    main(sys.argv[1:])
