"""Loading and saving instances under the per-instance lock."""
from sqlalchemy import text
from sqlalchemy.orm import joinedload

from webapp.core.errors import NotFound
from webapp.extensions import db

from . import definitions, serializer
from .environment import GovFlowScriptEngine
from .models import HumanTask, ProcessInstance


def script_engine_for(instance_id):
    return GovFlowScriptEngine(instance_id=instance_id or 0)


def lock_instance(instance_id):
    """Take the instance's write lock for the rest of the transaction and return it fresh.

    PostgreSQL: a row lock (SELECT ... FOR UPDATE OF the instance's row only). SQLite: a no-op UPDATE, which
    takes the database's write lock at once (the file is the unit of locking there).
    The definition row (without its XML) comes in the same statement: restoring and projecting need it.
    """
    return lock_instance_with_open_rows(instance_id, open_rows=False)[0]


def lock_instance_with_open_rows(instance_id, open_rows=True):
    """`lock_instance`, and with `open_rows` the instance's open task rows read fresh after the lock is held.
    Returns (instance, open rows in id order).

    PostgreSQL: a second SELECT. The rows cannot come in the locking statement: a SELECT that waited for the lock
    re-reads the locked row only, the joined task rows stay as they were when it started (two claims at once
    would both see the task open). SQLite: the no-op UPDATE has taken the database's lock before the SELECT
    starts, so one SELECT reads the instance and its open rows (an outer join).
    """
    base = (db.session.query(ProcessInstance).filter(ProcessInstance.id == instance_id)
            .options(joinedload(ProcessInstance.definition, innerjoin=True)).populate_existing())
    if db.session.get_bind().dialect.name == "postgresql":
        instance = base.with_for_update(of=ProcessInstance).one_or_none()
        if instance is None:
            raise NotFound("流程实例不存在")
        if not open_rows:
            return instance, []
        rows = (db.session.query(HumanTask).filter_by(instance_id=instance.id, state="open")
                .order_by(HumanTask.id).populate_existing().all())
        return instance, rows
    db.session.execute(
        text("UPDATE process_instances SET lock_version = lock_version WHERE id = :id"), {"id": instance_id}
    )
    if not open_rows:
        instance = base.one_or_none()
        if instance is None:
            raise NotFound("流程实例不存在")
        return instance, []
    found = (base.add_entity(HumanTask)
             .outerjoin(HumanTask, (HumanTask.instance_id == ProcessInstance.id) & (HumanTask.state == "open"))
             .order_by(HumanTask.id).all())
    if not found:
        raise NotFound("流程实例不存在")
    return found[0][0], [task for _instance, task in found if task is not None]


def lock_instances(instance_ids):
    """Lock several instances for the rest of the transaction, in ascending id order: the one order every
    transaction that locks more than one instance follows, so two of them never wait for each other.

    Ids that name no instance are left out. Taking an instance's lock again later is free.
    """
    ids = sorted(set(instance_ids))
    if not ids:
        return
    if db.session.get_bind().dialect.name == "postgresql":
        query = db.session.query(ProcessInstance.id).filter(ProcessInstance.id.in_(ids))
        query.order_by(ProcessInstance.id).with_for_update().all()  # locked in the order the rows are sorted
    else:  # SQLite: a no-op write takes the database lock, which covers every instance
        table = ProcessInstance.__table__
        db.session.execute(table.update().where(table.c.id.in_(ids)).values(lock_version=table.c.lock_version))


def try_lock_instance(instance_id):
    """Lock the instance like `lock_instance` unless another transaction holds it; returns whether it is locked.

    PostgreSQL: `FOR UPDATE SKIP LOCKED`, so the sweep passes over an instance a timer job or a request is
    working on instead of waiting for it. SQLite: waits for the database lock, as `lock_instance` does.
    A missing instance is not locked (False).
    """
    if db.session.get_bind().dialect.name != "postgresql":
        try:
            lock_instance(instance_id)
        except NotFound:
            return False
        return True
    query = db.session.query(ProcessInstance.id).filter_by(id=instance_id).with_for_update(skip_locked=True)
    return query.one_or_none() is not None


def restore(instance):
    spec, subprocess_specs = definitions.specs_for(instance.definition)
    workflow = serializer.loads(instance.state_json, spec, subprocess_specs)
    workflow.script_engine = script_engine_for(instance.id)  # not serialized: set on every restore
    return workflow


def save(instance, workflow):
    instance.state_json = serializer.dumps(workflow)
    instance.serializer_version = serializer.VERSION
