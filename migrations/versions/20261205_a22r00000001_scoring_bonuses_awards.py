"""scoring over time: the bonuses an office awards its units, and its annual awards (先进单位 / 优秀信息员)

Revision ID: a22r00000001
Revises: a22f00000001
Create Date: 2026-12-05 00:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'a22r00000001'
down_revision = 'a22f00000001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'unit_bonuses',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('office_id', sa.Integer(), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('bonus_key', sa.String(length=32), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('awarded_on', sa.Date(), nullable=False),
        sa.Column('recorded_by_id', sa.Integer(), nullable=False),
        sa.Column('recorded_dt', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['office_id'], ['units.id'], ),
        sa.ForeignKeyConstraint(['unit_id'], ['units.id'], ),
        sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], ),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_unit_bonuses_office_on', 'unit_bonuses', ['office_id', 'awarded_on'], unique=False)
    op.create_table(
        'annual_awards',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('office_id', sa.Integer(), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('entries', sa.JSON(), nullable=False),
        sa.Column('remark', sa.Text(), nullable=False),
        sa.Column('rows', sa.JSON(), nullable=True),
        sa.Column('saved_by_id', sa.Integer(), nullable=False),
        sa.Column('saved_dt', sa.DateTime(timezone=True), nullable=False),
        sa.Column('published_by_id', sa.Integer(), nullable=True),
        sa.Column('published_dt', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['office_id'], ['units.id'], ),
        sa.ForeignKeyConstraint(['saved_by_id'], ['users.id'], ),
        sa.ForeignKeyConstraint(['published_by_id'], ['users.id'], ),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('office_id', 'year', name='uq_annual_awards_office_year'),
    )


def downgrade():
    op.drop_table('annual_awards')
    op.drop_index('ix_unit_bonuses_office_on', table_name='unit_bonuses')
    op.drop_table('unit_bonuses')
