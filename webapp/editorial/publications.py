"""An office's publications: read in its order, started from the list every office used before (on first use),
configured by its editors; the adoption form's choices (`hooks.publication_choices`)."""
from webapp import audit
from webapp.auth.models import Unit
from webapp.core.errors import FormInvalid, NotAllowed, NotFound
from webapp.extensions import db

from .models import DEFAULTS, Publication


def is_editor_of(user, unit_id):
    """The office's editors configure its publications and compile its issues."""
    return user.unit_id == unit_id and user.has_role("editor")


def of_unit(unit_id, active_only=False):
    """The office's publications in its order; an office that has none yet starts with the former fixed list."""
    query = db.session.query(Publication).filter_by(unit_id=unit_id).order_by(Publication.position, Publication.id)
    rows = query.all()  # one statement on every adoption: the check asks for the choices
    if not rows and db.session.get(Unit, unit_id) is not None:
        seed(unit_id)
        rows = query.all()
    return [p for p in rows if p.active] if active_only else rows


def seed(unit_id):
    """The former fixed list, by name (items adopted before keep their publication); the migration does the same
    for the offices that existed then."""
    for position, (name, kind) in enumerate(DEFAULTS, start=1):
        db.session.add(Publication(unit_id=unit_id, name=name, kind=kind, position=position))
    db.session.flush()


def choices(_sender, unit_id=None):
    """The names an editor of `unit_id` may adopt an item into (`hooks.publication_choices`)."""
    if unit_id is None:
        return None
    return [p.name for p in of_unit(unit_id, active_only=True)]


def scored(_sender, unit_id=None):
    """(name, kind) of the publications scoring weighs (`hooks.office_publications`): one office's active ones
    in its order (started from the former list on first use), or, with no office, every office's active ones by
    name (the admin's scoring table is one for all offices)."""
    if unit_id is not None:
        return [(p.name, p.kind) for p in of_unit(unit_id, active_only=True)]
    rows = (db.session.query(Publication.name, Publication.kind).filter_by(active=True)
            .order_by(Publication.position, Publication.id))
    seen = {}
    for name, kind in rows:
        seen.setdefault(name, kind)
    return list(seen.items())


def by_name(unit_id, name):
    return db.session.query(Publication).filter_by(unit_id=unit_id, name=name).one_or_none()


def get_for_editor(user, publication_id):
    """A publication of the user's own office, or NotFound."""
    publication = db.session.get(Publication, publication_id)
    if publication is None or not is_editor_of(user, publication.unit_id):
        raise NotFound("刊物不存在或您无权管理。")
    return publication


def _apply(publication, values):
    allowed = {u.id for u in recipient_choices(publication.unit_id)}
    if set(values.get("recipient_unit_ids") or []) - allowed:
        raise FormInvalid({"recipient_unit_ids": ["分发单位只能是本单位的上级单位及其所属单位"]})
    for key in ("name", "kind", "frequency", "signer_role", "bao", "song", "fa"):
        setattr(publication, key, values[key])
    publication.numbered_per_year = values["numbered_per_year"]
    publication.active = values.get("active", True)
    publication.recipient_unit_ids = sorted(set(values.get("recipient_unit_ids") or []))


def _check_name(unit_id, name, publication_id=None):
    other = by_name(unit_id, name)
    if other is not None and other.id != publication_id:
        raise FormInvalid({"name": ["本单位已有同名刊物"]})


def create(user, values):
    if not user.has_role("editor"):
        raise NotAllowed("只有编辑可以设置刊物。")
    existing = of_unit(user.unit_id)
    _check_name(user.unit_id, values["name"])
    publication = Publication(unit_id=user.unit_id, position=max((p.position for p in existing), default=0) + 1)
    _apply(publication, values)
    db.session.add(publication)
    db.session.flush()
    audit.record("editorial.publication.create", summary=f"新增刊物《{publication.name}》",
                 target_type="publication", target_id=publication.id, user=user)
    return publication


def update(user, publication, values):
    """A renamed publication keeps the items adopted under its old name in the issues already compiled; new
    adoptions use the new name."""
    _check_name(publication.unit_id, values["name"], publication.id)
    _apply(publication, values)
    db.session.flush()
    audit.record("editorial.publication.update", summary=f"修改刊物《{publication.name}》",
                 target_type="publication", target_id=publication.id, user=user)
    return publication


def recipient_choices(unit_id):
    """Units an office may send its issues to: its parent unit and the parent's other units and children."""
    office = db.session.get(Unit, unit_id)
    parent = office.parent if office is not None else None
    if parent is None:
        return []
    units = [parent, *sorted(parent.children, key=lambda u: u.code)]
    return [u for u in units if u.id != unit_id]
