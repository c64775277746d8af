"""the search box: trigram (pg_trgm GIN) indexes on the searched columns of items, cases and emergencies

Revision ID: a20u00000002
Revises: a20o00000001
Create Date: 2026-12-04 18:00:00

The drafts of issue 21 needed no column (a discarded item is status 'discarded'), so no a20u00000001 was made.
On SQLite, the demo database, the same indexes are plain ones: LIKE '%…%' scans there (docs/ui.md).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a20u00000002'
down_revision = 'a20o00000001'
branch_labels = None
depends_on = None

SEARCHED = {'info_items': ('receipt_no', 'title', 'body'), 'instruction_cases': ('case_no', 'title', 'instruction'),
            'emergencies': ('title', 'place', 'summary')}


def _operator_class():
    """gin_trgm_ops, named in the schema the extension lives in (it may sit outside this schema's search path)."""
    bind = op.get_bind()
    if bind.dialect.name != 'postgresql':
        return 'gin_trgm_ops'
    op.execute('CREATE EXTENSION IF NOT EXISTS pg_trgm')
    schema = bind.execute(sa.text("SELECT extnamespace::regnamespace::text FROM pg_extension "
                                  "WHERE extname = 'pg_trgm'")).scalar_one()
    return f'{schema}.gin_trgm_ops'


def upgrade():
    ops = _operator_class()
    for table, columns in SEARCHED.items():
        for column in columns:
            op.create_index(f'ix_{table}_{column}_trgm', table, [column], unique=False, postgresql_using='gin',
                            postgresql_ops={column: ops})


def downgrade():
    for table, columns in SEARCHED.items():
        for column in columns:
            op.drop_index(f'ix_{table}_{column}_trgm', table_name=table)
