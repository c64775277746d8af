"""audit entries name the request that wrote them (request_id, hashed only when set)

Revision ID: a20o00000001
Revises: a19a00000001
Create Date: 2026-12-04 17:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a20o00000001'
down_revision = 'a19a00000001'
branch_labels = None
depends_on = None


def upgrade():
    # Entries written before this revision keep NULL: their hash never covered a request id and still holds.
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('request_id', sa.String(length=64), nullable=True))
        batch_op.create_index('ix_audit_entries_request_id', ['request_id'], unique=False)


def downgrade():
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_entries_request_id')
        batch_op.drop_column('request_id')
