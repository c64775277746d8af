"""Reads of the admin pages: process versions and the instances with an open incident."""
from webapp.engine.models import Incident, ProcessDefinition, ProcessInstance
from webapp.extensions import db


def definitions():
    return db.session.query(ProcessDefinition).order_by(
        ProcessDefinition.process_key, ProcessDefinition.version.desc()).all()


def open_incidents():
    """(incident, instance) pairs not yet resolved, newest first."""
    return (db.session.query(Incident, ProcessInstance)
            .join(ProcessInstance, Incident.instance_id == ProcessInstance.id)
            .filter(Incident.resolved_dt.is_(None))
            .order_by(Incident.created_dt.desc())
            .all())
