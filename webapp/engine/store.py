"""Loading and saving instances under the per-instance lock."""
from sqlalchemy import text

from webapp.extensions import db

from . import definitions, serializer
from .environment import GovFlowScriptEngine
from .errors import NotFound
from .models import ProcessInstance

_services_factory = None


def set_services_factory(factory):
    """factory(instance_id) -> {name: service}: the host API handed to handlers (see handlers/__init__.py)."""
    global _services_factory
    _services_factory = factory


def script_engine_for(instance_id):
    return GovFlowScriptEngine(_services_factory, instance_id=instance_id or 0)


def lock_instance(instance_id):
    """Take the instance's write lock for the rest of the transaction and return it fresh.

    PostgreSQL: a row lock (SELECT ... FOR UPDATE). SQLite: a no-op UPDATE, which
    takes the database's write lock at once (the file is the unit of locking there).
    """
    query = db.session.query(ProcessInstance).filter_by(id=instance_id).populate_existing()
    if db.session.get_bind().dialect.name == "postgresql":
        instance = query.with_for_update().one_or_none()
    else:
        db.session.execute(
            text("UPDATE process_instances SET lock_version = lock_version WHERE id = :id"), {"id": instance_id}
        )
        instance = query.one_or_none()
    if instance is None:
        raise NotFound("流程实例不存在")
    return instance


def restore(instance):
    spec, subprocess_specs = definitions.specs_for(instance.definition)
    workflow = serializer.loads(instance.state_json, spec, subprocess_specs)
    workflow.script_engine = script_engine_for(instance.id)  # not serialized: set on every restore
    return workflow


def save(instance, workflow):
    instance.state_json = serializer.dumps(workflow)
    instance.serializer_version = serializer.VERSION
