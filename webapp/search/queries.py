"""Search reads: each kind through the scoping query of its own list, so a result is one its list would show."""
from sqlalchemy import or_

from webapp.cases import queries as case_queries
from webapp.emergencies import queries as emergency_queries
from webapp.reports import queries as report_queries

from .models import SEARCHED
from .schemas import KINDS

LIMIT = 20  # per kind: the box finds, the lists browse
SCOPES = {"item": report_queries.visible_to, "case": case_queries.visible_to, "emergency": emergency_queries.visible_to}


def pattern(text):
    """`text` as a LIKE pattern matching it anywhere; its own % and _ match only themselves."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _matching(kind, user, text):
    query = SCOPES[kind](user)
    model = query.column_descriptions[0]["entity"]
    like = pattern(text)
    query = query.filter(or_(*(getattr(model, c).ilike(like, escape="\\") for c in SEARCHED[model])))
    return query.order_by(model.updated_dt.desc(), model.id.desc()).limit(LIMIT + 1).all()


def search(user, text, kind=None):
    """{kind: (rows, more)} for every kind asked: at most LIMIT rows each, newest first; `more` when cut."""
    results = {}
    for name in KINDS:
        if kind in (None, name):
            rows = _matching(name, user, text)
            results[name] = (rows[:LIMIT], len(rows) > LIMIT)
    return results
