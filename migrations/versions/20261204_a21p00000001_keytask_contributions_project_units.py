"""decision supervision: cooperating units' contributions to a checkpoint report; each inspected unit of a 专项督查

Revision ID: a21p00000001
Revises: a21a00000001
Create Date: 2026-12-04 21:00:00

"""
from alembic import op
import sqlalchemy as sa



# revision identifiers, used by Alembic.
revision = 'a21p00000001'
down_revision = 'a21a00000001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'keytask_contributions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('report_id', sa.Integer(), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('progress', sa.Text(), nullable=False),
        sa.Column('problems', sa.Text(), nullable=False),
        sa.Column('next_steps', sa.Text(), nullable=False),
        sa.Column('contributed_by_id', sa.Integer(), nullable=True),
        sa.Column('contributed_dt', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['contributed_by_id'], ['users.id'], ),
        sa.ForeignKeyConstraint(['report_id'], ['keytask_reports.id'], ),
        sa.ForeignKeyConstraint(['unit_id'], ['units.id'], ),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('report_id', 'unit_id', name='uq_keytask_contributions_report_unit'),
    )
    with op.batch_alter_table('keytask_contributions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_keytask_contributions_report_id'), ['report_id'], unique=False)
    op.create_table(
        'keytask_project_units',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('project_id', sa.Integer(), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('stage', sa.String(length=16), nullable=False),
        sa.Column('findings', sa.Text(), nullable=False),
        sa.Column('requirements', sa.Text(), nullable=False),
        sa.Column('rectify_days', sa.Integer(), nullable=True),
        sa.Column('due_dt', sa.DateTime(timezone=True), nullable=True),
        sa.Column('remind_dt', sa.DateTime(timezone=True), nullable=True),
        sa.Column('reminded_dt', sa.DateTime(timezone=True), nullable=True),
        sa.Column('overdue_dt', sa.DateTime(timezone=True), nullable=True),
        sa.Column('rectification', sa.Text(), nullable=False),
        sa.Column('reported_dt', sa.DateTime(timezone=True), nullable=True),
        sa.Column('return_count', sa.Integer(), nullable=False),
        sa.Column('check_opinion', sa.Text(), nullable=False),
        sa.Column('accepted_dt', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['project_id'], ['keytask_projects.id'], ),
        sa.ForeignKeyConstraint(['unit_id'], ['units.id'], ),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('project_id', 'unit_id', name='uq_keytask_project_units_project_unit'),
    )
    with op.batch_alter_table('keytask_project_units', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_keytask_project_units_project_id'), ['project_id'], unique=False)


def downgrade():
    for table, column in (('keytask_project_units', 'project_id'), ('keytask_contributions', 'report_id')):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f'ix_{table}_{column}'))
        op.drop_table(table)
