"""public API: service accounts (users that never sign in and act through tokens)

Revision ID: a21v00000001
Revises: a21s00000001
Create Date: 2026-12-04 21:45:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'a21v00000001'
down_revision = 'a21s00000001'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('is_service', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('is_service')
