"""转报 up the chain (an item's source, the chain's origin, the forwarding office) and 直报点 units

Revision ID: a22f00000001
Revises: a21e00000001
Create Date: 2026-12-05 00:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a22f00000001'
down_revision = 'a21e00000001'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('info_items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('forwarded_from_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('origin_item_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('origin_unit_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('forwarder_unit_id', sa.Integer(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_info_items_forwarded_from_id'), ['forwarded_from_id'])
        batch_op.create_index(batch_op.f('ix_info_items_origin_item_id'), ['origin_item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_info_items_origin_unit_id'), ['origin_unit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_info_items_forwarder_unit_id'), ['forwarder_unit_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_info_items_forwarded_from_id_info_items'), 'info_items',
                                    ['forwarded_from_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_info_items_origin_item_id_info_items'), 'info_items',
                                    ['origin_item_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_info_items_origin_unit_id_units'), 'units',
                                    ['origin_unit_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_info_items_forwarder_unit_id_units'), 'units',
                                    ['forwarder_unit_id'], ['id'])
    with op.batch_alter_table('units', schema=None) as batch_op:
        batch_op.add_column(sa.Column('direct_report_unit_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_units_direct_report_unit_id_units'), 'units',
                                    ['direct_report_unit_id'], ['id'])


def downgrade():
    with op.batch_alter_table('units', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_units_direct_report_unit_id_units'), type_='foreignkey')
        batch_op.drop_column('direct_report_unit_id')
    with op.batch_alter_table('info_items', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_info_items_forwarder_unit_id_units'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_info_items_origin_unit_id_units'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_info_items_origin_item_id_info_items'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_info_items_forwarded_from_id_info_items'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_info_items_forwarder_unit_id'))
        batch_op.drop_index(batch_op.f('ix_info_items_origin_unit_id'))
        batch_op.drop_index(batch_op.f('ix_info_items_origin_item_id'))
        batch_op.drop_constraint(batch_op.f('uq_info_items_forwarded_from_id'), type_='unique')
        batch_op.drop_column('forwarder_unit_id')
        batch_op.drop_column('origin_unit_id')
        batch_op.drop_column('origin_item_id')
        batch_op.drop_column('forwarded_from_id')
