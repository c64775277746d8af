"""Trigram indexes for the search box: GIN pg_trgm on PostgreSQL makes `ILIKE '%词%'` an index scan, Chinese included
(docs/ui.md); SQLite, the demo database, gets plain indexes and scans."""
from sqlalchemy import DDL, Index, event

from webapp.cases.models import InstructionCase
from webapp.emergencies.models import Emergency
from webapp.extensions import db
from webapp.reports.models import InfoItem

SEARCHED = {InfoItem: ("receipt_no", "title", "body"), InstructionCase: ("case_no", "title", "instruction"),
            Emergency: ("title", "place", "summary")}


def _trigram_index(model, column):
    name = f"ix_{model.__tablename__}_{column}_trgm"
    return Index(name, getattr(model, column), postgresql_using="gin", postgresql_ops={column: "gin_trgm_ops"})


INDEXES = [_trigram_index(model, column) for model, columns in SEARCHED.items() for column in columns]

# The operator class comes with the extension: db.create_all creates it before any table (the migration does too).
CREATE_EXTENSION = DDL("CREATE EXTENSION IF NOT EXISTS pg_trgm").execute_if(dialect="postgresql")
event.listen(db.metadata, "before_create", CREATE_EXTENSION)
