#!/bin/bash
# The nginx image's entry point: renders deploy/nginx/saima.conf.in from the environment and runs nginx in the
# foreground, logging to stderr and stdout.
set -euo pipefail
export NGINX_ERROR_LOG=/dev/stderr NGINX_ACCESS_LOG=/dev/stdout
mkdir -p /run/saima-nginx
bash /usr/share/saima/nginx/render.sh /run/saima-nginx/nginx.conf /run/saima-nginx/run \
  "${SAIMA_NGINX_HTTPS:-0.0.0.0:8443}" "${SAIMA_NGINX_GRPC:-0.0.0.0:8444}" \
  "${SAIMA_NGINX_CERT:-/etc/saima/tls/nginx.crt}" "${SAIMA_NGINX_KEY:-/etc/saima/tls/nginx.key}" \
  "${SAIMA_GATEWAY_HTTP:-gateway:8080}" "${SAIMA_GATEWAY_GRPC:-gateway:50050}"
exec nginx -g 'daemon off;' -e /dev/stderr -c /run/saima-nginx/nginx.conf
