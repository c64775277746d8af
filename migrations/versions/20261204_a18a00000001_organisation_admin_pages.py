"""organisation pages: unit name history, deactivated units, forced password change, one administrator role each

Revision ID: a18a00000001
Revises: a17c00000004
Create Date: 2026-12-04 15:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a18a00000001'
down_revision = 'a17c00000004'
branch_labels = None
depends_on = None

ADMIN_ROLE_SQL = sa.text("role IN ('admin', 'secadmin', 'auditor')")


def upgrade():
    op.create_table('unit_names',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=128), nullable=False),
    sa.Column('valid_from_dt', sa.DateTime(timezone=True), nullable=False),
    sa.Column('valid_to_dt', sa.DateTime(timezone=True), nullable=True),
    sa.Column('changed_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['changed_by_id'], ['users.id'], name=op.f('fk_unit_names_changed_by_id_users')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_unit_names_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_unit_names'))
    )
    with op.batch_alter_table('unit_names', schema=None) as batch_op:
        batch_op.create_index('ix_unit_names_unit_valid_from', ['unit_id', 'valid_from_dt'], unique=False)

    with op.batch_alter_table('units', schema=None) as batch_op:
        batch_op.add_column(sa.Column('is_active_unit', sa.Boolean(), server_default=sa.true(), nullable=False))

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('must_change_password', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))
        batch_op.create_index(batch_op.f('ix_users_name'), ['name'], unique=False)

    op.create_index('uq_user_roles_one_admin_role', 'user_roles', ['user_id'], unique=True,
                    postgresql_where=ADMIN_ROLE_SQL, sqlite_where=ADMIN_ROLE_SQL)


def downgrade():
    op.drop_index('uq_user_roles_one_admin_role', table_name='user_roles')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_users_name'))
        batch_op.drop_column('must_change_password')
    with op.batch_alter_table('units', schema=None) as batch_op:
        batch_op.drop_column('is_active_unit')
    with op.batch_alter_table('unit_names', schema=None) as batch_op:
        batch_op.drop_index('ix_unit_names_unit_valid_from')
    op.drop_table('unit_names')
