"""the monthly case table keeps the part of each figure that counts secret cases

Revision ID: a17c00000006
Revises: a17c00000003
Create Date: 2026-12-04 14:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a17c00000006'
down_revision = 'a17c00000003'
branch_labels = None
depends_on = None


def upgrade():
    # Tables produced before this revision keep NULL: their figures were never split by secrecy.
    with op.batch_alter_table('case_month_tables', schema=None) as batch_op:
        batch_op.add_column(sa.Column('secret_figures', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('case_month_tables', schema=None) as batch_op:
        batch_op.drop_column('secret_figures')
