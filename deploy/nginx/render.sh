#!/bin/bash
# Writes nginx's configuration from deploy/nginx/saima.conf.in and starts nothing:
#   deploy/nginx/render.sh OUT RUN LISTEN_HTTPS LISTEN_GRPC CERT KEY GATEWAY_HTTP GATEWAY_GRPC
# RUN is made (with the temporary folders); when this runs as root, the workers run as www-data (or nobody), who
# own RUN. The logs go to RUN/error.log and RUN/access.log unless NGINX_ERROR_LOG / NGINX_ACCESS_LOG say otherwise
# (the container: stderr and stdout). Used by ./saima (the demo), tests/e2e/system.cc and the nginx image.
set -euo pipefail
[ $# -eq 8 ] || { echo "usage: render.sh OUT RUN LISTEN_HTTPS LISTEN_GRPC CERT KEY GATEWAY_HTTP GATEWAY_GRPC" >&2; exit 2; }
out=$1 run=$2
user=""
if [ "$(id -u)" -eq 0 ]; then
  worker=www-data
  id "$worker" >/dev/null 2>&1 || worker=nobody
  user="user $worker;"
fi
mkdir -p "$run"/{client_body,proxy,fastcgi,uwsgi,scgi}
[ -z "$user" ] || chown -R "$worker" "$run"
sed -e "s|@USER@|$user|" -e "s|@ERROR_LOG@|${NGINX_ERROR_LOG:-$run/error.log}|g" \
  -e "s|@ACCESS_LOG@|${NGINX_ACCESS_LOG:-$run/access.log}|g" -e "s|@RUN@|$run|g" -e "s|@LISTEN_HTTPS@|$3|g" -e "s|@LISTEN_GRPC@|$4|g" \
  -e "s|@CERT@|$5|g" -e "s|@KEY@|$6|g" -e "s|@GATEWAY_HTTP@|$7|g" -e "s|@GATEWAY_GRPC@|$8|g" \
  "$(dirname "$0")/saima.conf.in" > "$out"
