"""Pages of the inbox lists, read so that indexes serve them: never a whole history for one page."""
from dataclasses import dataclass

from sqlalchemy import and_, case, not_, or_, select, union_all

from webapp.core import keyset


@dataclass(frozen=True)
class Listing:
    """The rows of a list: `source` (the rows with their joins) where all `conditions` hold, within any of
    `branches`.

    Branches are disjoint conditions each served by an index of its own (urges sent, received by name,
    received by role): a database reads an OR of them in full before it sorts, so the first rows of each
    are read apart and only those joined up.
    """

    source: object
    conditions: tuple
    order: list  # ORDER BY, ending in `key`
    key: object  # a unique column: pages never overlap
    branches: tuple = ()

    @property
    def query(self):
        return self.source.filter(*self.conditions)

    def first(self, query, order, limit, column):
        """A subquery of `column` (as `value`) of the first `limit` rows of `query` in `order`, per branch."""
        parts = [query.filter(branch) for branch in self.branches] or [query]
        firsts = [p.with_entities(column.label("value")).order_by(*order).limit(limit).subquery() for p in parts]
        return union_all(*(select(first.c.value) for first in firsts)).subquery()

    def keys(self, condition, excluded):
        """The keys of every row matching `condition` but not `excluded`, in no order: a part on top."""
        query = self.query.filter(condition, *([not_(self.key.in_(excluded))] if excluded else []))
        if self.branches:
            query = query.filter(or_(*self.branches))
        return [key for (key,) in query.with_entities(self.key)]

    def keys_among(self, candidates, excluded):
        """Those of the candidate keys whose rows belong to the listing: a part on top named in advance.

        The rows are found by key alone and the listing's conditions only evaluated on them: in the WHERE
        clause, a database without statistics (SQLite) would rather walk the user's whole history through
        the index of one of them.
        """
        if not candidates:
            return []
        belongs = case((and_(*self.conditions, *([or_(*self.branches)] if self.branches else [])), 1), else_=0)
        rows = self.source.filter(self.key.in_(candidates)).with_entities(self.key, belongs)
        return [key for key, member in rows if member and key not in excluded]

    def by_keys(self, keys, offset, limit, eager):
        """Rows named by their keys, in order: read by key alone, whatever index the order might tempt."""
        return (self.source.options(*eager).filter(self.key.in_(keys)).order_by(*self.order)
                .offset(offset).limit(limit).all())

    def rest(self, excluded, offset, limit, eager):
        query = self.query.filter(not_(self.key.in_(excluded))) if excluded else self.query
        if self.branches:
            query = query.filter(self.key.in_(select(self.first(query, self.order, offset + limit, self.key).c.value)))
        return query.options(*eager).order_by(*self.order).offset(offset).limit(limit).all()

    def walk_rest(self, seen, after, limit, eager):
        """The first `limit` rows not among `seen`, strictly after the sort values `after` (None: from the start)."""
        query = self.query.filter(not_(self.key.in_(seen))) if seen else self.query
        if after is not None:
            query = query.filter(keyset.after(self.order, keyset.load(after)))
        if self.branches:
            query = query.filter(self.key.in_(select(self.first(query, self.order, limit, self.key).c.value)))
        return query.options(*eager).order_by(*self.order).limit(limit).all()


def paged(listing, on_top, number, size, eager=()):
    """Page `number` of the listing, the rows of each part of `on_top` first (in turn): a part is a condition,
    or a list of candidate keys.

    A part on top is small (emergencies in progress, unread copies): its keys are read first, then its
    rows by key. The rest is read newest first through the index of the order, up to the page's end.
    Returns (rows, whether a next page exists).
    """
    offset, want, rows, taken = (number - 1) * size, size + 1, [], []
    for part in on_top:
        keys = listing.keys_among(part, set(taken)) if isinstance(part, list) else listing.keys(part, taken)
        taken += keys
        if offset >= len(keys):
            offset -= len(keys)
            continue
        rows += listing.by_keys(keys, offset, want - len(rows), eager)
        offset = 0
        if len(rows) >= want:
            return rows[:size], True
    rows += listing.rest(taken, offset, want - len(rows), eager)
    return rows[:size], len(rows) > size


def _key_of(row):
    """The key of a listed row: its first entity's id (a task, an instance, a copy, an urge)."""
    return (row[0] if hasattr(row, "_mapping") else row).id


def walked(listing, on_top, position, size, eager=()):
    """A page of the listing from `position` (None: the start) by keyset, for a cursor; (rows, next position or None
    at the end).

    A position is {"seen": keys shown on top so far, "rest": whether the walk is past the top, "after": the sort values
    of the last row shown from the rest, or None}. While on top, each part's keys not yet seen come first, in the
    listing's order (a row joining the top meanwhile is shown too). The rest then excludes exactly the rows seen on
    top — not those on top now: a row that left the top after it was shown is not shown again, one that joined it
    after the top was walked is shown at its place — and goes on after the last row's sort values, so rows added or
    removed meanwhile shift nothing: no row twice, none skipped.
    """
    position = position or {}
    seen, in_rest, after = list(position.get("seen", [])), bool(position.get("rest")), position.get("after")
    want, rows = size + 1, []
    if not in_rest:
        taken = list(seen)
        for part in on_top:
            keys = listing.keys_among(part, set(taken)) if isinstance(part, list) else listing.keys(part, taken)
            taken += keys
            if keys:
                rows += listing.by_keys(keys, 0, want - len(rows), eager)
            if len(rows) >= want:
                shown = rows[:size]
                return shown, {"seen": seen + [_key_of(r) for r in shown], "rest": False, "after": None}
        seen += [_key_of(r) for r in rows]
    top = len(rows)
    rows += listing.walk_rest(seen, after, want - top, eager)
    if len(rows) <= size:
        return rows, None
    shown = rows[:size]
    last_rest = shown[top:]
    if last_rest:
        after = keyset.dump(keyset.values_of(listing.query, listing.key, _key_of(last_rest[-1]), listing.order))
    return shown, {"seen": seen, "rest": True, "after": after}
