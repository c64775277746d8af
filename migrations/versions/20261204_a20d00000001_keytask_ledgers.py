"""decision supervision: key-task ledgers, areas, tasks, milestones, checkpoint progress reports, 派人督办, 督查通报, 专项督查

Revision ID: a20d00000001
Revises: a20u00000002
Create Date: 2026-12-04 17:45:00

"""
from alembic import op
import sqlalchemy as sa



# revision identifiers, used by Alembic.
revision = 'a20d00000001'
down_revision = 'a20u00000002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'keytask_ledgers',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('checkpoint_mode', sa.String(length=16), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=False),
        sa.Column('created_dt', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], ),
        sa.ForeignKeyConstraint(['unit_id'], ['units.id'], ),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('unit_id', 'year', 'title', name='uq_keytask_ledgers_unit_year_title'),
    )
    with op.batch_alter_table('keytask_ledgers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_keytask_ledgers_unit_id'), ['unit_id'], unique=False)
    op.create_table(
        'keytask_areas',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('ledger_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(['ledger_id'], ['keytask_ledgers.id'], ),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('ledger_id', 'name', name='uq_keytask_areas_ledger_name'),
    )
    with op.batch_alter_table('keytask_areas', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_keytask_areas_ledger_id'), ['ledger_id'], unique=False)
    op.create_table(
        'keytasks',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('ledger_id', sa.Integer(), nullable=False),
        sa.Column('area_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('number', sa.String(length=16), nullable=False),
        sa.Column('title', sa.String(length=300), nullable=False),
        sa.Column('leader_name', sa.String(length=100), nullable=False),
        sa.Column('lead_unit_id', sa.Integer(), nullable=False),
        sa.Column('cooperating_unit_ids', sa.JSON(), nullable=False),
        sa.Column('targets', sa.Text(), nullable=False),
        sa.Column('done_dt', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['area_id'], ['keytask_areas.id'], ),
        sa.ForeignKeyConstraint(['lead_unit_id'], ['units.id'], ),
        sa.ForeignKeyConstraint(['ledger_id'], ['keytask_ledgers.id'], ),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('ledger_id', 'number', name='uq_keytasks_ledger_number'),
    )
    with op.batch_alter_table('keytasks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_keytasks_area_id'), ['area_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_keytasks_lead_unit_id'), ['lead_unit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_keytasks_ledger_id'), ['ledger_id'], unique=False)
    op.create_table(
        'keytask_milestones',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('task_id', sa.Integer(), nullable=False),
        sa.Column('due_date', sa.Date(), nullable=False),
        sa.Column('text', sa.String(length=500), nullable=False),
        sa.Column('done_dt', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['task_id'], ['keytasks.id'], ),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('keytask_milestones', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_keytask_milestones_task_id'), ['task_id'], unique=False)
    op.create_table(
        'keytask_reports',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('task_id', sa.Integer(), nullable=False),
        sa.Column('checkpoint', sa.Date(), nullable=False),
        sa.Column('instance_id', sa.Integer(), nullable=False),
        sa.Column('stage', sa.String(length=16), nullable=False),
        sa.Column('due_dt', sa.DateTime(timezone=True), nullable=False),
        sa.Column('remind_dt', sa.DateTime(timezone=True), nullable=False),
        sa.Column('reminded_dt', sa.DateTime(timezone=True), nullable=True),
        sa.Column('overdue_dt', sa.DateTime(timezone=True), nullable=True),
        sa.Column('reported_dt', sa.DateTime(timezone=True), nullable=True),
        sa.Column('accepted_dt', sa.DateTime(timezone=True), nullable=True),
        sa.Column('return_count', sa.Integer(), nullable=False),
        sa.Column('progress', sa.Text(), nullable=False),
        sa.Column('started_by_id', sa.Integer(), nullable=False),
        sa.Column('started_dt', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['instance_id'], ['process_instances.id'], ),
        sa.ForeignKeyConstraint(['started_by_id'], ['users.id'], ),
        sa.ForeignKeyConstraint(['task_id'], ['keytasks.id'], ),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('instance_id'),
        sa.UniqueConstraint('task_id', 'checkpoint', name='uq_keytask_reports_task_checkpoint'),
    )
    with op.batch_alter_table('keytask_reports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_keytask_reports_task_id'), ['task_id'], unique=False)
    op.create_table(
        'keytask_site_visits',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('task_id', sa.Integer(), nullable=False),
        sa.Column('inspectors', sa.String(length=200), nullable=False),
        sa.Column('visit_date', sa.Date(), nullable=False),
        sa.Column('findings', sa.Text(), nullable=False),
        sa.Column('agreed', sa.Text(), nullable=False),
        sa.Column('recorded_by_id', sa.Integer(), nullable=False),
        sa.Column('recorded_dt', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], ),
        sa.ForeignKeyConstraint(['task_id'], ['keytasks.id'], ),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('keytask_site_visits', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_keytask_site_visits_task_id'), ['task_id'], unique=False)
    op.create_table(
        'keytask_circulars',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('ledger_id', sa.Integer(), nullable=False),
        sa.Column('checkpoint', sa.Date(), nullable=False),
        sa.Column('tables', sa.JSON(), nullable=False),
        sa.Column('remark', sa.Text(), nullable=False),
        sa.Column('published_by_id', sa.Integer(), nullable=False),
        sa.Column('published_dt', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['ledger_id'], ['keytask_ledgers.id'], ),
        sa.ForeignKeyConstraint(['published_by_id'], ['users.id'], ),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('ledger_id', 'checkpoint', name='uq_keytask_circulars_ledger_checkpoint'),
    )
    op.create_table(
        'keytask_projects',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('instance_id', sa.Integer(), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('proposer_id', sa.Integer(), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('scope', sa.Text(), nullable=False),
        sa.Column('unit_ids', sa.JSON(), nullable=False),
        sa.Column('findings', sa.Text(), nullable=False),
        sa.Column('rectify_by', sa.Date(), nullable=True),
        sa.Column('report', sa.Text(), nullable=False),
        sa.Column('stage', sa.String(length=16), nullable=False),
        sa.Column('approved_dt', sa.DateTime(timezone=True), nullable=True),
        sa.Column('closed_dt', sa.DateTime(timezone=True), nullable=True),
        sa.Column('created_dt', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['instance_id'], ['process_instances.id'], ),
        sa.ForeignKeyConstraint(['proposer_id'], ['users.id'], ),
        sa.ForeignKeyConstraint(['unit_id'], ['units.id'], ),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('instance_id'),
    )
    with op.batch_alter_table('keytask_projects', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_keytask_projects_unit_id'), ['unit_id'], unique=False)


def downgrade():
    with op.batch_alter_table('keytask_projects', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_keytask_projects_unit_id'))
    op.drop_table('keytask_projects')
    op.drop_table('keytask_circulars')
    for table, indexes in (('keytask_site_visits', ('task_id',)), ('keytask_reports', ('task_id',)), ('keytask_milestones', ('task_id',)),
                           ('keytasks', ('area_id', 'lead_unit_id', 'ledger_id')), ('keytask_areas', ('ledger_id',)),
                           ('keytask_ledgers', ('unit_id',))):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column in indexes:
                batch_op.drop_index(batch_op.f(f'ix_{table}_{column}'))
        op.drop_table(table)
