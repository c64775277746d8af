"""Indexes of the search box: GIN pg_trgm on PostgreSQL makes `ILIKE '%词%'` an index scan, Chinese included
(docs/ui.md), SQLite, the demo database, gets plain indexes and scans; and the results' order (updated_dt, id)."""
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
# The results' order, newest first: a word found in most of a reader's scope is read along it and the scan stops at
# the page's end, instead of reading and sorting the whole scope (docs/performance.md, "Search at provincial size").
RECENT_FIRST = [Index(f"ix_{model.__tablename__}_updated", model.updated_dt, model.id) for model in SEARCHED]

# The operator class comes with the extension: db.create_all creates it before any table (the migration does too).
CREATE_EXTENSION = DDL("CREATE EXTENSION IF NOT EXISTS pg_trgm").execute_if(dialect="postgresql")
event.listen(db.metadata, "before_create", CREATE_EXTENSION)
