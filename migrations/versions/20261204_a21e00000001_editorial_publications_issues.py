"""editorial desk: an office's publications (seeded with the former fixed list) and their numbered issues

Revision ID: a21e00000001
Revises: a21w00000001
Create Date: 2026-12-04 22:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a21e00000001'
down_revision = 'a21w00000001'
branch_labels = None
depends_on = None

# reports.schemas.PUBLICATIONS as it stood, with the kind each became
DEFAULTS = (("汇要", "digest"), ("内参", "internal"), ("上报", "upward"), ("重要信息", "regular"), ("专报", "special"),
            ("领导参阅", "reference"))


def upgrade():
    publications = op.create_table(
        'publications',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=32), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('frequency', sa.String(length=16), nullable=False),
        sa.Column('numbered_per_year', sa.Boolean(), nullable=False),
        sa.Column('signer_role', sa.String(length=16), nullable=False),
        sa.Column('bao', sa.String(length=500), nullable=False),
        sa.Column('song', sa.String(length=500), nullable=False),
        sa.Column('fa', sa.String(length=500), nullable=False),
        sa.Column('recipient_unit_ids', sa.JSON(), nullable=True),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['unit_id'], ['units.id'], ),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('unit_id', 'name', name='uq_publications_unit_name'),
    )
    op.create_table(
        'publication_issues',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('publication_id', sa.Integer(), nullable=False),
        sa.Column('instance_id', sa.Integer(), nullable=False),
        sa.Column('stage', sa.String(length=16), nullable=False),
        sa.Column('editor_id', sa.Integer(), nullable=False),
        sa.Column('year', sa.Integer(), nullable=True),
        sa.Column('number', sa.Integer(), nullable=True),
        sa.Column('secrecy', sa.SmallInteger(), nullable=False),
        sa.Column('urgency', sa.String(length=16), nullable=False),
        sa.Column('distribution', sa.JSON(), nullable=True),
        sa.Column('masthead', sa.String(length=32), nullable=True),
        sa.Column('issuer', sa.String(length=128), nullable=True),
        sa.Column('signed_by_id', sa.Integer(), nullable=True),
        sa.Column('signed_dt', sa.DateTime(timezone=True), nullable=True),
        sa.Column('created_dt', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['editor_id'], ['users.id'], ),
        sa.ForeignKeyConstraint(['instance_id'], ['process_instances.id'], ),
        sa.ForeignKeyConstraint(['publication_id'], ['publications.id'], ),
        sa.ForeignKeyConstraint(['signed_by_id'], ['users.id'], ),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('instance_id'),
        sa.UniqueConstraint('publication_id', 'year', 'number', name='uq_publication_issues_number'),
    )
    with op.batch_alter_table('publication_issues', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_publication_issues_publication_id'), ['publication_id'], unique=False)
    op.create_table(
        'publication_issue_entries',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('issue_id', sa.Integer(), nullable=False),
        sa.Column('item_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('headline', sa.String(length=200), nullable=False),
        sa.Column('note', sa.Text(), nullable=False),
        sa.Column('body', sa.Text(), nullable=True),
        sa.Column('unit_name', sa.String(length=128), nullable=True),
        sa.ForeignKeyConstraint(['issue_id'], ['publication_issues.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['item_id'], ['info_items.id'], ),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('issue_id', 'item_id', name='uq_publication_issue_entries_item'),
    )
    with op.batch_alter_table('publication_issue_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_publication_issue_entries_issue_id'), ['issue_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_publication_issue_entries_item_id'), ['item_id'], unique=False)

    # Every information office starts with the list it adopted into before.
    offices = op.get_bind().execute(sa.text("SELECT id FROM units WHERE kind = 'office' AND function = 'info'"))
    op.bulk_insert(publications, [
        {"unit_id": unit_id, "name": name, "kind": kind, "frequency": "irregular", "numbered_per_year": True,
         "signer_role": "leader", "bao": "", "song": "", "fa": "", "recipient_unit_ids": None, "position": position,
         "active": True}
        for (unit_id,) in offices.fetchall() for position, (name, kind) in enumerate(DEFAULTS, start=1)])


def downgrade():
    with op.batch_alter_table('publication_issue_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_publication_issue_entries_item_id'))
        batch_op.drop_index(batch_op.f('ix_publication_issue_entries_issue_id'))
    op.drop_table('publication_issue_entries')
    with op.batch_alter_table('publication_issues', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_publication_issues_publication_id'))
    op.drop_table('publication_issues')
    op.drop_table('publications')
