"""emergency phone reports keep their entry time and a 补录 mark; an old event time keeps its stated reason

Revision ID: a17c00000003
Revises: a17c00000001
Create Date: 2026-12-04 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a17c00000003'
down_revision = 'a17c00000001'
branch_labels = None
depends_on = None


def upgrade():
    # Phone reports entered before this revision have no entry time: nothing can tell whether they were back-filled,
    # so they stay unmarked.
    with op.batch_alter_table('emergencies', schema=None) as batch_op:
        batch_op.add_column(sa.Column('event_time_reason', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('phone_entered_dt', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('phone_backfill', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table('emergencies', schema=None) as batch_op:
        batch_op.drop_column('phone_backfill')
        batch_op.drop_column('phone_entered_dt')
        batch_op.drop_column('event_time_reason')
