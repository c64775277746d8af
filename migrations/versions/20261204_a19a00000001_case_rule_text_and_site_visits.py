"""instruction cases show the rule of their 交办; 派人督办 records of stalled cases

Revision ID: a19a00000001
Revises: a18a00000002
Create Date: 2026-12-04 15:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a19a00000001'
down_revision = 'a18a00000002'
branch_labels = None
depends_on = None


def upgrade():
    # Cases assigned before this revision keep NULL: their page falls back to the rule in the instance data.
    with op.batch_alter_table('instruction_cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('rule_text', sa.String(length=200), nullable=True))
    op.create_table(
        'case_site_visits',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('inspectors', sa.String(length=200), nullable=False),
        sa.Column('visit_date', sa.Date(), nullable=False),
        sa.Column('findings', sa.Text(), nullable=False),
        sa.Column('recorded_by_id', sa.Integer(), nullable=False),
        sa.Column('recorded_dt', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['instruction_cases.id'], ),
        sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], ),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('case_site_visits', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_site_visits_case_id'), ['case_id'], unique=False)


def downgrade():
    with op.batch_alter_table('case_site_visits', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_site_visits_case_id'))
    op.drop_table('case_site_visits')
    with op.batch_alter_table('instruction_cases', schema=None) as batch_op:
        batch_op.drop_column('rule_text')
