#!/bin/sh
# Run by the postgres image once, when its data folder is new (/docker-entrypoint-initdb.d):
# makes the ordinary role the product's processes connect as. POSTGRES_USER owns the schema
# and is used by the `migrate` service alone. An existing installation runs app-role.sql by
# hand once (docs/operations.md).
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v owner="$POSTGRES_USER" -v app_role=patronage_app \
  -v app_password="$POSTGRES_APP_PASSWORD" -f /patronage/app-role.sql
