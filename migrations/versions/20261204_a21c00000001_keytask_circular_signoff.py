"""decision supervision: the 督查通报 walks draft, review and sign-off (its instance, texts, period visits, 期号)

Revision ID: a21c00000001
Revises: a21p00000001
Create Date: 2026-12-04 21:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a21c00000001'
down_revision = 'a21p00000001'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('keytask_circulars', schema=None) as batch_op:
        batch_op.add_column(sa.Column('instance_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('stage', sa.String(length=16), nullable=False, server_default='published'))
        batch_op.add_column(sa.Column('visits', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('frozen_dt', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('summary', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('area_remarks', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('requirements', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('drafted_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('distribution', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('issue_no', sa.Integer(), nullable=True))
        batch_op.alter_column('tables', existing_type=sa.JSON(), nullable=True)
        batch_op.alter_column('published_by_id', existing_type=sa.Integer(), nullable=True)
        batch_op.alter_column('published_dt', existing_type=sa.DateTime(timezone=True), nullable=True)
        batch_op.create_unique_constraint('uq_keytask_circulars_instance_id', ['instance_id'])
        batch_op.create_unique_constraint('uq_keytask_circulars_ledger_issue', ['ledger_id', 'issue_no'])
        batch_op.create_foreign_key('fk_keytask_circulars_instance_id', 'process_instances', ['instance_id'], ['id'])
        batch_op.create_foreign_key('fk_keytask_circulars_drafted_by_id', 'users', ['drafted_by_id'], ['id'])


def downgrade():
    op.execute("DELETE FROM keytask_circulars WHERE published_dt IS NULL")
    with op.batch_alter_table('keytask_circulars', schema=None) as batch_op:
        batch_op.drop_constraint('fk_keytask_circulars_drafted_by_id', type_='foreignkey')
        batch_op.drop_constraint('fk_keytask_circulars_instance_id', type_='foreignkey')
        batch_op.drop_constraint('uq_keytask_circulars_ledger_issue', type_='unique')
        batch_op.drop_constraint('uq_keytask_circulars_instance_id', type_='unique')
        batch_op.alter_column('published_dt', existing_type=sa.DateTime(timezone=True), nullable=False)
        batch_op.alter_column('published_by_id', existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column('tables', existing_type=sa.JSON(), nullable=False)
        for column in ('issue_no', 'distribution', 'drafted_by_id', 'requirements', 'area_remarks', 'summary', 'frozen_dt', 'visits',
                       'stage', 'instance_id'):
            batch_op.drop_column(column)
