"""综合: source items merged into an office's combined item, with each source unit's share

Revision ID: a22m00000001
Revises: a22r00000001
Create Date: 2026-12-05 00:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a22m00000001'
down_revision = 'a22r00000001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'info_item_merges',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('combined_item_id', sa.Integer(), nullable=False),
        sa.Column('source_item_id', sa.Integer(), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('share_bp', sa.Integer(), nullable=False),
        sa.Column('token', sa.String(length=40), nullable=False),
        sa.Column('merged_by_id', sa.Integer(), nullable=False),
        sa.Column('merged_dt', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['combined_item_id'], ['info_items.id'], ),
        sa.ForeignKeyConstraint(['merged_by_id'], ['users.id'], ),
        sa.ForeignKeyConstraint(['source_item_id'], ['info_items.id'], ),
        sa.ForeignKeyConstraint(['unit_id'], ['units.id'], ),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('source_item_id'),
        sa.UniqueConstraint('token'),
    )
    with op.batch_alter_table('info_item_merges', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_info_item_merges_combined_item_id'), ['combined_item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_info_item_merges_unit_id'), ['unit_id'], unique=False)


def downgrade():
    with op.batch_alter_table('info_item_merges', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_info_item_merges_unit_id'))
        batch_op.drop_index(batch_op.f('ix_info_item_merges_combined_item_id'))
    op.drop_table('info_item_merges')
