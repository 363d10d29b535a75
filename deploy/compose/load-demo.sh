#!/bin/bash
# The opt-in demo service of deploy/compose.yaml: loads the demo data set through the gateway, as ./saima demo
# does, signed in as the demo accounts of deploy/compose/demo-accounts.tsv. Safe to run again (imports replay).
#   SAIMA_GATEWAY_GRPC, SAIMA_ADMIN_PASSWORD, SAIMA_LOADER_PASSWORD, SAIMA_STATS_PASSWORD
set -euo pipefail
token_of() { SAIMA_PASSWORD="$2" saimactl login --user="$1" 2>/dev/null | sed -n 's/^SAIMA_TOKEN=//p'; }
SAIMA_ADMIN_TOKEN=$(token_of admin-1 "$SAIMA_ADMIN_PASSWORD")
SAIMA_LOADER_TOKEN=$(token_of data-loader "$SAIMA_LOADER_PASSWORD")
SAIMA_STATS_TOKEN=$(token_of tjj-1 "$SAIMA_STATS_PASSWORD")
D=/usr/share/saima/demo
ctl() { SAIMA_TOKEN="$1" saimactl "${@:2}"; }
ctl "$SAIMA_ADMIN_TOKEN" import units "$D/units.csv"
ctl "$SAIMA_ADMIN_TOKEN" import projects "$D/projects.csv"
ctl "$SAIMA_LOADER_TOKEN" import documents "$D/documents.csv"
ctl "$SAIMA_LOADER_TOKEN" import ruku "$D/ruku.csv"
want=$(awk -F, 'NR > 1 && $4 == "已入库"' "$D/ruku.csv" | wc -l)  # the approved rows (目标状态, 4th column)
for _ in $(seq 1 150); do  # stats follows the registry's change feed
  seen=$(ctl "$SAIMA_ADMIN_TOKEN" indicators --period=2023-05 --format=json 2>/dev/null |
    sed -n 's/.*"projectCount": *\([0-9]*\).*/\1/p' || true)
  [ "${seen:-0}" -ge "$want" ] && break
  sleep 0.2
done
ctl "$SAIMA_LOADER_TOKEN" import plans "$D/plans.csv"
ctl "$SAIMA_LOADER_TOKEN" import monthly "$D/monthly.csv"
ctl "$SAIMA_STATS_TOKEN" import peers "$D/peers.csv"
for period in 2022-02 2022-03 2022-04 2022-05 2023-02 2023-03 2023-04 2023-05; do
  ctl "$SAIMA_STATS_TOKEN" lock "$period" >/dev/null
done
ctl "$SAIMA_ADMIN_TOKEN" report city --period=2023-05
