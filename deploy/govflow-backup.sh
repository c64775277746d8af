#!/bin/sh
# Back up a running GovFlow: the PostgreSQL database (pg_dump, one consistent snapshot, online) and the attachment
# directory. Redis needs nothing: timers and notice deliveries live in the database (docs/deployment.md).
#   DATABASE_URL=postgresql://… ATTACHMENT_DIR=/srv/govflow/attachments deploy/govflow-backup.sh /backup/govflow/2026-12-04
set -eu
dest=${1:?usage: govflow-backup.sh DESTINATION_DIRECTORY}
: "${DATABASE_URL:?DATABASE_URL must be set}"
: "${ATTACHMENT_DIR:?ATTACHMENT_DIR must be set}"
url=$(printf '%s' "$DATABASE_URL" | sed -e 's#^postgresql+psycopg://#postgresql://#' -e 's#^postgres://#postgresql://#')
mkdir -p "$dest/attachments"
# Files first, the snapshot, then files again (never --delete): every file a row of the dump names was on disk
# at one of the two copies, unless it was uploaded and removed again while the dump ran.
rsync -a "$ATTACHMENT_DIR/" "$dest/attachments/"
pg_dump --format=custom --no-owner --file="$dest/govflow.dump" --dbname="$url"
rsync -a --exclude=.incoming "$ATTACHMENT_DIR/" "$dest/attachments/"
rm -rf "$dest/attachments/.incoming"
printf 'created %s\ndump %s bytes\nfiles %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
    "$(wc -c < "$dest/govflow.dump")" "$(find "$dest/attachments" -type f | wc -l)" > "$dest/MANIFEST"
echo "backup written to $dest"
