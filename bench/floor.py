"""The durable floor of bench/engine_throughput.py: the least any engine pays to run one step durably on PostgreSQL.

The information-report diagram and GovFlow's own serializer, as the `serialized` side, with one psycopg
transaction per step holding only the rows a durable engine cannot do without, in tables of its own
(`floor_*`, made here in the bench's database):

    SELECT state FOR UPDATE; restore; run; UPDATE state and version; close the task row;
    INSERT the next task row (if any); INSERT one history row; INSERT one audit row; COMMIT

The start of an item is one transaction too (INSERT the instance, its first task row, one history row, one audit
row). The handlers' services are answered from memory, as on the `raw` side.
"""
import json

TABLES = """
CREATE TABLE IF NOT EXISTS floor_instances (
    id bigserial PRIMARY KEY, state text NOT NULL, version integer NOT NULL, status varchar(16) NOT NULL);
CREATE TABLE IF NOT EXISTS floor_tasks (
    id bigserial PRIMARY KEY, instance_id bigint NOT NULL REFERENCES floor_instances (id),
    task_uuid varchar(36) NOT NULL, step_key varchar(64) NOT NULL, state varchar(16) NOT NULL,
    opened_dt timestamptz NOT NULL DEFAULT now(), closed_dt timestamptz);
CREATE INDEX IF NOT EXISTS ix_floor_tasks_instance_state ON floor_tasks (instance_id, state);
CREATE TABLE IF NOT EXISTS floor_history (
    id bigserial PRIMARY KEY, instance_id bigint NOT NULL REFERENCES floor_instances (id),
    action varchar(32) NOT NULL, step_key varchar(64), data jsonb, event_dt timestamptz NOT NULL DEFAULT now());
CREATE TABLE IF NOT EXISTS floor_audit (
    id bigserial PRIMARY KEY, action varchar(64) NOT NULL, target_id varchar(64) NOT NULL, detail jsonb,
    event_dt timestamptz NOT NULL DEFAULT now());
"""


def psycopg_url(url):
    """A SQLAlchemy PostgreSQL URL as psycopg takes it."""
    return "postgresql://" + url.split("://", 1)[1]


class Floor:
    """The diagram run with one minimal psycopg transaction per step (see the module's docstring)."""

    def __init__(self, url, raw, steps):
        import psycopg

        self.raw = raw  # a `bench.engine_throughput.Raw`: the parsed spec, the start data, the memory services
        self.steps = steps  # (role, form) of each user task, in order
        self.conn = psycopg.connect(psycopg_url(url))
        with self.conn.transaction():
            self.conn.execute(TABLES)

    def close(self):
        self.conn.close()

    def _engine(self, number):
        from webapp.engine.environment import GovFlowScriptEngine

        return GovFlowScriptEngine(instance_id=number, services=self.raw.services)

    @staticmethod
    def _ready(workflow):
        from SpiffWorkflow.util.task import TaskState

        return workflow.get_tasks(state=TaskState.READY, manual=True)

    def _open_task(self, cur, instance_id, workflow):
        """INSERT the row of the next user task, if there is one; its id, or None."""
        ready = self._ready(workflow)
        if not ready:
            return None
        task = ready[0]
        cur.execute("INSERT INTO floor_tasks (instance_id, task_uuid, step_key, state) VALUES (%s, %s, %s, 'open') "
                    "RETURNING id", (instance_id, str(task.id), task.task_spec.name))
        return cur.fetchone()[0]

    def _history_and_audit(self, cur, instance_id, action, step_key, data):
        from psycopg.types.json import Jsonb

        cur.execute("INSERT INTO floor_history (instance_id, action, step_key, data) VALUES (%s, %s, %s, %s)",
                    (instance_id, action, step_key, Jsonb(data)))
        cur.execute("INSERT INTO floor_audit (action, target_id, detail) VALUES (%s, %s, %s)",
                    (f"task.{action}", str(instance_id), Jsonb({"step_key": step_key, "data": data})))

    def item(self, number):
        from SpiffWorkflow.bpmn import BpmnWorkflow

        from webapp.engine import serializer

        raw = self.raw
        engine = self._engine(number)
        workflow = BpmnWorkflow(raw.spec, raw.subprocess_specs, script_engine=engine)
        workflow.task_tree.data.update(raw.start_data)
        workflow.do_engine_steps()
        with self.conn.transaction(), self.conn.cursor() as cur:
            cur.execute("INSERT INTO floor_instances (state, version, status) VALUES (%s, 1, 'running') RETURNING id",
                        (serializer.dumps(workflow),))
            instance_id = cur.fetchone()[0]
            task_row = self._open_task(cur, instance_id, workflow)
            self._history_and_audit(cur, instance_id, "start", None, raw.start_data)
        for _role, form in self.steps:
            with self.conn.transaction(), self.conn.cursor() as cur:
                cur.execute("SELECT state, version FROM floor_instances WHERE id = %s FOR UPDATE", (instance_id,))
                state, version = cur.fetchone()
                workflow = serializer.loads(state, raw.spec, raw.subprocess_specs)
                workflow.script_engine = engine
                task = self._ready(workflow)[0]
                step_key = task.task_spec.name
                task.data.update(form)
                task.run()
                workflow.do_engine_steps()
                status = "completed" if workflow.is_completed() else "running"
                cur.execute("UPDATE floor_instances SET state = %s, version = %s, status = %s WHERE id = %s",
                            (serializer.dumps(workflow), version + 1, status, instance_id))
                cur.execute("UPDATE floor_tasks SET state = 'done', closed_dt = now() WHERE id = %s", (task_row,))
                task_row = self._open_task(cur, instance_id, workflow)
                self._history_and_audit(cur, instance_id, "complete", step_key, json.loads(json.dumps(form)))
        assert status == "completed"
