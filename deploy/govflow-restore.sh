#!/bin/sh
# Restore a backup made by govflow-backup.sh into an EMPTY database and attachment directory, then start GovFlow on
# them (docs/deployment.md, "Restore"). Nothing is restored into Redis: `flask govflow start-sweep` and the sweep
# fire whatever came due meanwhile, each timer exactly once.
#   DATABASE_URL=postgresql://…/govflow_restored ATTACHMENT_DIR=/srv/govflow/attachments deploy/govflow-restore.sh /backup/govflow/2026-12-04
set -eu
src=${1:?usage: govflow-restore.sh BACKUP_DIRECTORY}
: "${DATABASE_URL:?DATABASE_URL must be set}"
: "${ATTACHMENT_DIR:?ATTACHMENT_DIR must be set}"
url=$(printf '%s' "$DATABASE_URL" | sed -e 's#^postgresql+psycopg://#postgresql://#' -e 's#^postgres://#postgresql://#')
tables=$(psql --no-psqlrc --tuples-only --no-align --dbname="$url" \
    --command="select count(*) from pg_tables where schemaname = 'public'")
if [ "$tables" != "0" ]; then
    echo "refusing to restore: the database already has $tables table(s); create an empty one" >&2
    exit 1
fi
pg_restore --no-owner --exit-on-error --dbname="$url" "$src/govflow.dump"
mkdir -p "$ATTACHMENT_DIR"
rsync -a "$src/attachments/" "$ATTACHMENT_DIR/"
echo "restored $src into the database and $ATTACHMENT_DIR"
