#!/usr/bin/env bash
# Builds every image with Podman from deploy/Dockerfile, starts the stack from deploy/compose.yaml (podman-compose,
# with the host-network override), runs the smoke test against it, and tears it all down, leaving nothing running.
# Prints each image's size, the smoke test's checks, and the time each part took. ./saima containers runs it.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
start=$(date +%s)
say() { printf '\033[1m%s\033[0m\n' "$*" >&2; }
elapsed() { echo "$(( $(date +%s) - start )) s"; }

# Podman as it works on machines like these: runc, cgroupfs, no ulimit defaults, the host's network.
export CONTAINERS_CONF
CONTAINERS_CONF=$(mktemp /tmp/saima-containers.XXXXXX.conf)
cat >"$CONTAINERS_CONF" <<'CONF'
[containers]
default_ulimits = []
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
CONF
COMPOSE=(podman-compose -p saima -f deploy/compose.yaml)
# The gateway's published ports on the host; a database password made for this run; the demo accounts (compose
# has no default for either: deploy/compose.yaml).
export SAIMA_HTTP_PORT=${SAIMA_HTTP_PORT:-58080} SAIMA_GRPC_PORT=${SAIMA_GRPC_PORT:-55050}
export SAIMA_DB_PASSWORD=${SAIMA_DB_PASSWORD:-$(head -c 18 /dev/urandom | base64 | tr '+/' '-_')}
export SAIMA_ACCOUNTS_FILE=${SAIMA_ACCOUNTS_FILE:-./compose/demo-accounts.tsv}
cleanup() {
  "${COMPOSE[@]}" down -v >/dev/null 2>&1 || true
  podman rm -f $(podman ps -aq --filter label=io.podman.compose.project=saima) >/dev/null 2>&1 || true
  podman volume rm -f saima_pgdata >/dev/null 2>&1 || true
  podman network rm -f saima_default >/dev/null 2>&1 || true
}
trap 'cleanup; rm -f "$CONTAINERS_CONF"' EXIT
cleanup  # what an interrupted run may have left

say "基础镜像 (debootstrap bookworm → podman import)"
bash deploy/base/make-base.sh

say "构建镜像"
ca=/etc/ssl/certs/ca-certificates.crt
[ -s "$ca" ] || ca=/dev/null
build() {  # target image
  podman build --format docker --network=host --secret "id=ca,src=$ca" -q -f "$@" . >/dev/null
}
build deploy/postgres/Dockerfile -t localhost/saima-postgres
for target in registry stats scoring gateway saimactl nginx; do
  build deploy/Dockerfile --target "$target" -t "localhost/saima-$target"
done
podman image ls --format '{{.Repository}}:{{.Tag}} {{.Size}}' | grep -E 'localhost/saima-' | sort
say "镜像构建完成 ($(elapsed))"

# The project CA and the processes' certificates for mutual TLS. The containers run as uid 10001 and read the keys
# from a bind mount, so in this local demo they are made readable to it; Kubernetes mounts them from a Secret.
bash deploy/tls/make-certs.sh deploy/compose/tls nginx
chmod 644 deploy/compose/tls/*.key

say "启动 (podman-compose, 按健康状态依次启动)"
cleanup_started=$(date +%s)
ip_of() { podman inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' "saima_$1_1"; }
healthy() { podman exec "saima_$1_1" "saima-$1" healthcheck; }
wait_for() {  # description, command...
  local what=$1; shift
  for _ in $(seq 1 60); do "$@" >/dev/null 2>&1 && return 0; sleep 1; done
  say "$what 未就绪"; "${COMPOSE[@]}" logs >&2 || true; exit 1
}
"${COMPOSE[@]}" up -d postgres >/dev/null
wait_for "postgres" podman exec saima_postgres_1 pg_isready -q -h 127.0.0.1 -p 5432
for service in registry stats scoring; do
  "${COMPOSE[@]}" up -d --no-deps "$service-migrate" >/dev/null
  [ "$(podman wait "saima_${service}-migrate_1")" = "0" ] || { podman logs "saima_${service}-migrate_1" >&2; exit 1; }
done
"${COMPOSE[@]}" up -d --no-deps registry >/dev/null
wait_for "registry" healthy registry
"${COMPOSE[@]}" up -d --no-deps stats >/dev/null
wait_for "stats" healthy stats
"${COMPOSE[@]}" up -d --no-deps scoring >/dev/null
wait_for "scoring" healthy scoring
"${COMPOSE[@]}" up -d --no-deps gateway >/dev/null
wait_for "gateway" healthy gateway
"${COMPOSE[@]}" up -d --no-deps nginx >/dev/null
# From the host the containers are reached at their addresses on the compose network (published ports need
# the CNI port-mapping rules, which machines like these may not allow).
gateway_http="$(ip_of gateway):8080"
wait_for "gateway HTTP" curl -sf "http://$gateway_http/healthz"
# Outside comes in through nginx: HTTPS with the project CA's certificate for the name "nginx".
CURL=(curl -sf --cacert deploy/compose/tls/ca.crt --resolve "nginx:8443:$(ip_of nginx)")
wait_for "nginx" "${CURL[@]}" "https://nginx:8443/healthz"
say "全部就绪 ($(( $(date +%s) - cleanup_started )) s)"

say "冒烟测试"
http=https://nginx:8443
registry_metrics="$(ip_of registry):9451"
stats_metrics="$(ip_of stats):9452"
scoring_metrics="$(ip_of scoring):9453"
# Signed in as the demo administrator (deploy/compose/demo-accounts.tsv).
admin_token=$("${CURL[@]}" -X POST "$http/v1/auth/sign-in" -d '{"userId":"admin-1","password":"demo-admin-password"}' |
  sed -n 's/.*"accessToken":"\([^"]*\)".*/\1/p')
[ -n "$admin_token" ] || { say "演示管理员无法登录"; exit 1; }
admin="Authorization: Bearer $admin_token"
counter() {  # sum of a metric's samples at a metrics address
  curl -sf "http://$1/metrics" | awk -v m="$2" '$1 ~ "^"m"(\\{|$)" {s += $2} END {print s + 0}'
}
declare -A metrics_at=([registry]="$registry_metrics" [stats]="$stats_metrics" [scoring]="$scoring_metrics")
declare -A before
for service in registry stats scoring; do before[$service]=$(counter "${metrics_at[$service]}" grpc_server_handled_total); done
before_gateway=$(counter "$gateway_http" saima_http_requests_total)
check() { printf '  %-40s %s\n' "$1" "$2"; }
health=$("${CURL[@]}" "$http/healthz")
echo "$health" | grep -q '"status":"SERVING"' || { echo "$health" >&2; exit 1; }
check "GET /healthz (nginx, TLS)" "$health"
"${CURL[@]}" -H "$admin" -X POST "$http/v1/units" \
  -d '{"unitId":"331181001","name":"龙渊街道","type":"UNIT_TYPE_SUBDISTRICT","regionCode":"331181"}' >/dev/null
project=$("${CURL[@]}" -H "$admin" -H "Idempotency-Key: smoke-1" -X POST "$http/v1/projects" -d '{
  "projectCode":"2023-331181-04-01-009001","name":"容器冒烟测试项目","unitId":"331181001","industryCode":"2720",
  "constructionNature":"CONSTRUCTION_NATURE_NEW","ownership":"OWNERSHIP_PRIVATE","stage":"PROJECT_STAGE_PLANNING",
  "planningYear":2023,"plannedTotalInvestmentYuan":"60000000"}')
id=$(echo "$project" | sed -n 's/.*"projectId":"\([0-9]*\)".*/\1/p')
[ -n "$id" ] || { echo "$project" >&2; exit 1; }
check "POST /v1/projects" "project $id"
"${CURL[@]}" -H "$admin" "$http/v1/projects/$id" | grep -q '容器冒烟测试项目'
check "GET /v1/projects/$id (HTTP)" "读回一致"
podman run --rm --network=saima_default -v "$ROOT/deploy/compose/tls:/etc/saima/tls:ro" \
  -e SAIMA_GATEWAY_GRPC=nginx:8444 -e SAIMA_GATEWAY_CA=/etc/saima/tls/ca.crt -e SAIMA_TOKEN="$admin_token" \
  localhost/saima-saimactl \
  projects show "$id" | grep -q '容器冒烟测试项目'
check "saimactl projects show $id (gRPC, nginx, TLS)" "读回一致"
"${CURL[@]}" -H "$admin" "$http/v1/reports/city?period=2023-05" | grep -q '"report"'
check "GET /v1/reports/city?period=2023-05" "200"
"${CURL[@]}" -H "$admin" "$http/v1/campaigns" | grep -q '"campaigns"'
check "GET /v1/campaigns" "200"
"${CURL[@]}" "$http/" | grep -q '赛马'
headers=$("${CURL[@]}" -o /dev/null -D - "$http/")
for header in content-security-policy strict-transport-security x-content-type-options; do
  grep -qi "^$header:" <<<"$headers" || { say "看板缺少 $header"; echo "$headers" >&2; exit 1; }
done
check "GET / (看板)" "200, CSP, HSTS, nosniff"
# Mutual TLS: a client without a certificate of the project CA gets no answer from a service, TLS or plaintext.
registry_grpc="$(ip_of registry):50051"
if curl -sk --max-time 5 -o /dev/null "https://$registry_grpc/" || curl -s --max-time 5 --http2-prior-knowledge \
    -o /dev/null "http://$registry_grpc/"; then
  say "registry 接受了没有证书的客户端"; exit 1
fi
curl -sk --max-time 5 --cert deploy/compose/tls/gateway.crt --key deploy/compose/tls/gateway.key \
  --cacert deploy/compose/tls/ca.crt --http2 -o /dev/null -w '%{http_code}' "https://$registry_grpc/" | grep -q '^[1-5]' ||
  { say "registry 拒绝了网关的证书"; exit 1; }
check "registry 的双向 TLS" "无证书被拒, 网关证书可连"
for service in registry stats scoring; do
  after=$(counter "${metrics_at[$service]}" grpc_server_handled_total)
  check "$service grpc_server_handled_total" "${before[$service]} → $after"
  [ "$after" -gt "${before[$service]}" ] || { say "$service 的请求计数没有增长"; exit 1; }
done
after_gateway=$(counter "$gateway_http" saima_http_requests_total)
check "gateway saima_http_requests_total" "$before_gateway → $after_gateway"
[ "$after_gateway" -gt "$before_gateway" ] || { say "gateway 的请求计数没有增长"; exit 1; }
podman logs saima_gateway_1 2>&1 | tail -n 1 | grep -q '"request_id"' && check "JSON 日志" "含 request_id"

say "演示数据 (可选的一次性服务 demo)"
demo_start=$(date +%s)
"${COMPOSE[@]}" run --rm --no-deps demo >/tmp/saima-containers-demo.log 2>&1 ||
  { tail -n 20 /tmp/saima-containers-demo.log >&2; exit 1; }
grep -q '29.87 亿元, 同比增长 +15.6%' /tmp/saima-containers-demo.log || { tail -n 40 /tmp/saima-containers-demo.log >&2; exit 1; }
check "demo: 城市报告 2023-05" "29.87亿元, +15.6% ($(( $(date +%s) - demo_start )) s)"

say "停止 (SIGTERM, 宽限期内退出)"
stop_start=$(date +%s)
"${COMPOSE[@]}" down -v >/dev/null 2>&1
left=$(podman ps -aq --filter label=io.podman.compose.project=saima | wc -l)
check "停止用时" "$(( $(date +%s) - stop_start )) s, 残留容器 $left"
[ "$left" -eq 0 ] || exit 1
say "容器部署检查通过, 共 $(elapsed)"
