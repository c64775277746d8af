"""the search box: items, cases and emergencies in the order the results show them (updated_dt, id)

Revision ID: a21s00000001
Revises: a21c00000001
Create Date: 2026-12-04 21:10:00

A word found in most of a reader's scope (a county's name, a topic in every title) made PostgreSQL read the whole
scope (53,000 items of a city's 信息科 in the provincial data set) to sort them for the newest 20; with these it
walks the rows newest first and stops after 21 matches. Rare words still go through the trigram indexes
(a20u00000002). docs/performance.md, "Search at provincial size".
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'a21s00000001'
down_revision = 'a21c00000001'
branch_labels = None
depends_on = None

TABLES = ('info_items', 'instruction_cases', 'emergencies')


def upgrade():
    for table in TABLES:
        op.create_index(f'ix_{table}_updated', table, ['updated_dt', 'id'], unique=False)


def downgrade():
    for table in TABLES:
        op.drop_index(f'ix_{table}_updated', table_name=table)
