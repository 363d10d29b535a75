#!/bin/bash
# First start: initdb, the saima database, the services' roles and schemas, their password. Then PostgreSQL.
set -euo pipefail
BIN=/usr/lib/postgresql/15/bin
: "${SAIMA_DB_PASSWORD:?set SAIMA_DB_PASSWORD}"
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  "$BIN/initdb" -D "$PGDATA" -U postgres --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --no-locale >/dev/null
  echo "host all all 0.0.0.0/0 scram-sha-256" >>"$PGDATA/pg_hba.conf"
  echo "host all all ::/0 scram-sha-256" >>"$PGDATA/pg_hba.conf"
  "$BIN/pg_ctl" -D "$PGDATA" -o "-c listen_addresses='' -c unix_socket_directories=/tmp" -w start >/dev/null
  psql -q -h /tmp -U postgres -c "CREATE DATABASE saima"
  psql -q -h /tmp -U postgres -d saima -v ON_ERROR_STOP=1 -f /usr/share/saima/roles.sql
  for service in registry stats scoring; do
    psql -q -h /tmp -U postgres -d saima -v ON_ERROR_STOP=1 -v role="saima_$service" -v pw="$SAIMA_DB_PASSWORD" \
      <<<"ALTER ROLE :\"role\" PASSWORD :'pw';"
  done
  "$BIN/pg_ctl" -D "$PGDATA" -w stop >/dev/null
fi
exec "$BIN/postgres" -D "$PGDATA" -c listen_addresses="${PG_LISTEN:-*}" -c port="$PG_PORT" \
  -c unix_socket_directories=/tmp
