"""Pages of the inbox lists, read so that indexes serve them: never a whole history for one page."""
from dataclasses import dataclass

from sqlalchemy import and_, case, not_, or_, select, union_all


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
