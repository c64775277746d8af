"""Keyset pagination: the rows strictly after a given row in an ORDER BY, by the values of its sort keys (never an
OFFSET: rows added or removed before the position move nothing after it).

An order is a list of SQLAlchemy expressions, each plain (ascending) or `.desc()`, ending in a unique key. A nullable
column must come right after its own `col.is_(None)` (NULLs last, whatever the database's default): the values of
the NULL group are then equal to each other, and the walk never compares with NULL.
"""
from datetime import date, datetime

from sqlalchemy import Boolean, and_, false, or_
from sqlalchemy.sql import operators
from sqlalchemy.sql.elements import UnaryExpression


def terms(order):
    """[(expression, descending)] of an ORDER BY list."""
    result = []
    for clause in order:
        if isinstance(clause, UnaryExpression) and clause.modifier in (operators.desc_op, operators.asc_op):
            result.append((clause.element, clause.modifier is operators.desc_op))
        else:
            result.append((clause, False))
    return result


def _value(expression, value):
    if value is not None and isinstance(expression.type, Boolean):
        return bool(value)  # SQLite answers 0/1; PostgreSQL compares a boolean with a boolean only
    return value


def _equal(expression, value):
    return expression.is_(None) if value is None else expression == _value(expression, value)


def after(order, values):
    """The SQL condition: a row comes strictly after the row whose sort values are `values` in `order`."""
    pairs = terms(order)
    if len(values) != len(pairs):
        raise ValueError("sort values do not match the order")
    alternatives = []
    for index, (expression, descending) in enumerate(pairs):
        value = values[index]
        if value is None:
            beyond = false()  # a NULL group's values are all equal (see the module's note)
        elif isinstance(_value(expression, value), bool):  # false < true; SQL compares a boolean by equality only
            value = _value(expression, value)
            if descending:
                beyond = (expression == False) if value else false()  # noqa: E712 (SQL, not Python)
            else:
                beyond = false() if value else (expression == True)  # noqa: E712
        else:
            beyond = expression < value if descending else expression > value
        alternatives.append(and_(*(_equal(e, v) for (e, _), v in zip(pairs[:index], values[:index], strict=True)),
                                 beyond))
    return or_(*alternatives)


def values_of(query, key, key_value, order):
    """The sort values of the row `key == key_value` of `query` (its joins give the order's columns meaning)."""
    found = query.filter(key == key_value).with_entities(*(e for e, _ in terms(order))).order_by(None).first()
    return list(found) if found is not None else None


def dump(values):
    """Sort values as JSON: times and dates tagged, the rest as they are."""
    out = []
    for value in values:
        if isinstance(value, datetime):
            out.append({"t": value.isoformat()})
        elif isinstance(value, date):
            out.append({"d": value.isoformat()})
        else:
            out.append(value)
    return out


def load(values):
    """The inverse of `dump`; ValueError on anything that is not such a list."""
    if not isinstance(values, list):
        raise ValueError("sort values must be a list")
    out = []
    for value in values:
        if isinstance(value, dict) and set(value) == {"t"}:
            moment = datetime.fromisoformat(value["t"])
            if moment.tzinfo is None:
                raise ValueError("a sort time without its zone")
            out.append(moment)
        elif isinstance(value, dict) and set(value) == {"d"}:
            out.append(date.fromisoformat(value["d"]))
        elif value is None or isinstance(value, bool | int | float | str):
            out.append(value)
        else:
            raise ValueError("bad sort value")
    return out
