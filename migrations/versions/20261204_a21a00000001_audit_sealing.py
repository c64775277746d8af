"""audit entries appended unsealed (no lock), sealed into the chain later: seq/prev_hash/hash nullable, appended_dt

Until sealed an entry has no seq, prev_hash or hash; a partial index finds the unsealed ones.

Revision ID: a21a00000001
Revises: a21t00000001
Create Date: 2026-12-04 21:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a21a00000001'
down_revision = 'a21t00000001'
branch_labels = None
depends_on = None

UNSEALED = sa.text('seq IS NULL')


def upgrade():
    # Entries already stored are sealed: their seq, hashes and canonical text stay as they are.
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.alter_column('seq', existing_type=sa.BigInteger(), nullable=True)
        batch_op.alter_column('prev_hash', existing_type=sa.String(length=64), nullable=True)
        batch_op.alter_column('hash', existing_type=sa.String(length=64), nullable=True)
        batch_op.add_column(sa.Column('appended_dt', sa.DateTime(timezone=True), nullable=True))
    op.create_index('ix_audit_entries_unsealed', 'audit_entries', ['id'], unique=False,
                    postgresql_where=UNSEALED, sqlite_where=UNSEALED)


def downgrade():
    # Seal what waits first (`flask audit seal`): unsealed entries cannot go back under NOT NULL.
    op.drop_index('ix_audit_entries_unsealed', table_name='audit_entries')
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.drop_column('appended_dt')
        batch_op.alter_column('hash', existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column('prev_hash', existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column('seq', existing_type=sa.BigInteger(), nullable=False)
