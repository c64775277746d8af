"""process_instances.urgency: secrecy and urgency are the host's, kept on the instance row

Revision ID: a17c00000001
Revises: 109036afbe14
Create Date: 2026-12-04 14:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'a17c00000001'
down_revision = '109036afbe14'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('process_instances', schema=None) as batch_op:
        batch_op.add_column(sa.Column('urgency', sa.String(length=16), nullable=False, server_default='normal'))
    # Running instances take the urgency their domain row shows (the projection of their data until now).
    for table in ('info_items', 'instruction_cases', 'emergencies'):
        op.execute(f"UPDATE process_instances SET urgency = (SELECT d.urgency FROM {table} d "
                   f"WHERE d.instance_id = process_instances.id) "
                   f"WHERE id IN (SELECT instance_id FROM {table} WHERE instance_id IS NOT NULL)")


def downgrade():
    with op.batch_alter_table('process_instances', schema=None) as batch_op:
        batch_op.drop_column('urgency')
