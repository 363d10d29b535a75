// saima-gateway: the one entrance (gRPC and HTTP/JSON) in front of registry, stats and scoring. It routes and
// forwards every public RPC of the services from their contracts, computes what spans services, and serves the
// web application.

#include <fstream>
#include <optional>
#include <sstream>

#include "absl/flags/flag.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "common/flags.h"
#include "common/ops.h"
#include "common/server.h"
#include "common/tls.h"
#include "gateway/backends.h"
#include "gateway/edge.h"
#include "gateway/gateway.h"
#include "gateway/http_edge.h"
#include "gateway/http_server.h"
#include "gateway/identity.h"
#include "gateway/local_methods.h"
#include "gateway/rate_limit.h"
#include "gateway/routes.h"
#include "gateway/static_files.h"
#include "gateway/work_pool.h"
#include "proto/proto_files.h"
#include "spdlog/spdlog.h"

ABSL_FLAG(std::string, listen, "127.0.0.1:50050", "gRPC listen address host:port");
ABSL_FLAG(std::string, http_listen, "127.0.0.1:8080", "HTTP listen address host:port");
ABSL_FLAG(std::string, registry_addr, "127.0.0.1:50051", "registry service address");
ABSL_FLAG(std::string, stats_addr, "127.0.0.1:50052", "stats service address");
ABSL_FLAG(std::string, scoring_addr, "127.0.0.1:50053", "scoring service address");
ABSL_FLAG(int, http_threads, 16, "threads serving HTTP requests (slow clients hold none)");
ABSL_FLAG(int, http_max_connections, 1024, "HTTP connections at once");
ABSL_FLAG(int, http_max_connections_per_address, 256, "HTTP connections at once from one client address");
ABSL_FLAG(int, http_idle_timeout_seconds, 30, "an HTTP connection idle this long is closed");
ABSL_FLAG(int, work_threads, 16, "threads for the gateway's own computations and credential checks");
ABSL_FLAG(double, rate_limit_per_second, 50, "calls per second each token (session or API key) may make; 0: none");
ABSL_FLAG(double, rate_limit_burst, 200, "calls a token may make at once before the per-second rate applies");
ABSL_FLAG(int64_t, max_request_bytes, saima::kMaxRequestBytes,
          "largest HTTP request body (bigger: 413); gRPC messages likewise; at most what the services accept");
ABSL_FLAG(std::string, start_rate_milestones, "3:>=30,6:>60,9:>85,10:>=100",
          "季分析: new-project start-rate milestones, MONTH:>=PERCENT or MONTH:>PERCENT");
ABSL_FLAG(std::vector<std::string>, bulk_users, {},
          "accounts that load data in bulk (e.g. a migration's loader): limited by --bulk_rate_limit_per_second");
ABSL_FLAG(double, bulk_rate_limit_per_second, 2000, "calls per second of a --bulk_users account (burst 4×)");
ABSL_FLAG(std::vector<std::string>, trusted_proxies, {},
          "addresses (or networks, 10.0.0.0/8) of the proxies in front (nginx) whose X-Real-IP names the client");
ABSL_FLAG(std::string, web_root, "", "the web application's files (build/web: index.html, openapi.json, docs.html)");
ABSL_FLAG(std::string, reporting_unit, "", "填报单位 in the title block of the provincial report's forms");
ABSL_FLAG(std::string, region_code, "", "the city's administrative division code (GB/T 2260): SDMX REF_AREA");
ABSL_FLAG(std::string, region_name, "", "the city's name in Chinese, e.g. 龙泉市 (the REF_AREA code's name)");
ABSL_FLAG(std::string, region_name_en, "", "the city's name in English, e.g. Longquan");
ABSL_FLAG(std::string, sdmx_public_key_file, "",
          "a file holding a read-only API key (reports:read), read at each request: SDMX data requests without a "
          "token are then served with it, and only for periods the bureau has published; empty (default) or no key "
          "in the file: every request needs a token");
ABSL_FLAG(std::string, public_url, "https://saima.invalid",
          "the address people and partner systems reach the system at; names published packages");
ABSL_FLAG(std::string, oc4ids_publisher, "", "publisher of the OC4IDS package (default: --reporting_unit)");
ABSL_FLAG(std::string, oc4ids_license, "https://creativecommons.org/licenses/by/4.0/",
          "licence of the OC4IDS package's data (a URI)");
ABSL_FLAG(std::string, oc4ids_prefix, "oc4ids-saima0", "OC4IDS project identifier prefix of the publisher");

namespace {

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

int main(int argc, char** argv) {
  using namespace saima::gateway;
  std::vector<char*> args = saima::ParseFlags(argc, argv, "saima-gateway [healthcheck]");
  saima::InitLogging("saima-gateway");
  if (args.size() > 1 && std::string(args[1]) == "healthcheck") {
    return saima::HealthcheckMain(absl::GetFlag(FLAGS_listen), /*public_side=*/true);
  }
  saima::LogConfiguration("saima-gateway");
  if (absl::Status secure = saima::CheckTransportSecurity(); !secure.ok()) {
    spdlog::error("{}", std::string(secure.message()));
    return 2;
  }
  if (absl::GetFlag(FLAGS_max_request_bytes) > saima::kMaxRequestBytes || absl::GetFlag(FLAGS_max_request_bytes) <= 0) {
    spdlog::error("--max_request_bytes must be between 1 and {} (what the services accept)", saima::kMaxRequestBytes);
    return 2;
  }
  // The contracts: every RPC, its backend, its access and its HTTP bindings.
  auto routes = RouteTable::Build(saima::ProtoFiles());
  if (!routes.ok()) {
    spdlog::error("{}", routes.status().ToString());
    return 1;
  }
  ReportSettings settings;
  auto milestones = ParseStartRateMilestones(absl::GetFlag(FLAGS_start_rate_milestones));
  if (!milestones.ok()) {
    spdlog::error("{}", milestones.status().ToString());
    return 1;
  }
  settings.start_rate_milestones = *std::move(milestones);
  settings.oc4ids_prefix = absl::GetFlag(FLAGS_oc4ids_prefix);
  settings.reporting_unit = absl::GetFlag(FLAGS_reporting_unit);
  settings.public_url = std::string(absl::StripSuffix(absl::GetFlag(FLAGS_public_url), "/"));
  settings.oc4ids_publisher = absl::GetFlag(FLAGS_oc4ids_publisher);
  if (settings.oc4ids_publisher.empty()) settings.oc4ids_publisher = settings.reporting_unit;
  if (settings.oc4ids_publisher.empty()) settings.oc4ids_publisher = "Saima";
  settings.oc4ids_license = absl::GetFlag(FLAGS_oc4ids_license);

  const Backends backends({{"registry", absl::GetFlag(FLAGS_registry_addr)},
                           {"stats", absl::GetFlag(FLAGS_stats_addr)},
                           {"scoring", absl::GetFlag(FLAGS_scoring_addr)}});
  Gateway gateway(backends, settings);
  LocalMethods local;
  gateway.RegisterMethods(local);
  if (absl::Status served = CheckServed(*routes, local, backends); !served.ok()) {
    spdlog::error("{}", served.ToString());
    return 1;
  }
  RateLimiter limiter(absl::GetFlag(FLAGS_rate_limit_per_second), absl::GetFlag(FLAGS_rate_limit_burst));
  RateLimiter bulk_limiter(absl::GetFlag(FLAGS_bulk_rate_limit_per_second),
                           absl::GetFlag(FLAGS_bulk_rate_limit_per_second) * 4);
  Identities identities(backends.channel("registry"), &limiter);
  const std::vector<std::string> bulk_users = absl::GetFlag(FLAGS_bulk_users);
  identities.SetBulkUsers(std::set<std::string>(bulk_users.begin(), bulk_users.end()), &bulk_limiter);
  identities.Start();
  WorkPool pool(absl::GetFlag(FLAGS_work_threads));
  const EdgeParts parts{&*routes, &backends, &identities, &local, &pool, absl::GetFlag(FLAGS_trusted_proxies)};
  GrpcEdge grpc_edge(parts);

  saima::ServerOptions options;
  options.binary_name = "saima-gateway";
  options.listen_address = absl::GetFlag(FLAGS_listen);
  options.public_side = true;
  options.max_message_bytes = static_cast<int>(absl::GetFlag(FLAGS_max_request_bytes));
  options.generic_service = &grpc_edge;
  options.service_names = routes->PublicServices();
  // Each forwarded service is as healthy as the process behind it; the gateway's own are when all are.
  options.service_health = [&backends, &routes] {
    const auto health = backends.Health();
    bool all = true;
    for (const auto& [name, state] : health) all = all && state == "SERVING";
    std::map<std::string, bool> out;
    for (const Rpc& rpc : routes->rpcs()) {
      if (rpc.access.internal()) continue;
      auto it = health.find(rpc.backend);
      out[rpc.method->service()->full_name()] = it == health.end() ? all : it->second == "SERVING";
    }
    return out;
  };
  auto server = saima::StartServer(options, {});
  if (!server.ok()) {
    spdlog::error("{}", server.status().ToString());
    return 1;
  }

  std::optional<StaticFiles> files;
  if (const std::string web_root = absl::GetFlag(FLAGS_web_root); !web_root.empty()) {
    auto loaded = StaticFiles::Load(web_root);
    if (!loaded.ok()) {
      spdlog::error("{}", loaded.status().ToString());
      return 1;
    }
    files = *std::move(loaded);
    spdlog::info("web application: {} files from {}", files->size(), web_root);
  }
  saima::gateway::sdmx::Settings sdmx{absl::GetFlag(FLAGS_region_code), absl::GetFlag(FLAGS_region_name),
                                      absl::GetFlag(FLAGS_region_name_en)};
  const std::string sdmx_public_key_file = absl::GetFlag(FLAGS_sdmx_public_key_file);
  if (!sdmx_public_key_file.empty()) {
    spdlog::info("SDMX data without a token: served with the key in {} (read at each request), published periods only",
                 sdmx_public_key_file);
  }
  HttpEdge http_edge(parts, gateway, files ? &*files : nullptr, sdmx, sdmx_public_key_file);
  HttpServerOptions http_options;
  http_options.listen = absl::GetFlag(FLAGS_http_listen);
  http_options.threads = absl::GetFlag(FLAGS_http_threads);
  http_options.max_connections = absl::GetFlag(FLAGS_http_max_connections);
  http_options.max_connections_per_address = absl::GetFlag(FLAGS_http_max_connections_per_address);
  http_options.idle_timeout_seconds = absl::GetFlag(FLAGS_http_idle_timeout_seconds);
  http_options.max_body_bytes = static_cast<size_t>(absl::GetFlag(FLAGS_max_request_bytes));
  if (saima::PublicTlsEnabled()) {
    http_options.tls_cert_pem = ReadAll(saima::PublicTlsCertFile());
    http_options.tls_key_pem = ReadAll(saima::PublicTlsKeyFile());
  }
  // Every answered request is counted under its route's template and logged with its request id.
  auto record = [](const HttpRequest& request, const HttpResponse& response, absl::Time started) {
    const std::string route = HttpEdge::RouteLabel(request);
    saima::RecordHttp(route, response.status, absl::ToDoubleSeconds(absl::Now() - started));
    std::string request_id = "-";
    for (const auto& [name, value] : response.headers) {
      if (name == "X-Request-Id") request_id = value;
    }
    spdlog::info("http method={} route={} status={} request_id={}", request.method, route, response.status, request_id);
  };
  auto http = HttpServer::Start(
      http_options,
      [&http_edge, &record](HttpRequest* request, HttpResponse* response) {
        const absl::Time started = absl::Now();
        const bool answered = http_edge.Precheck(request, response);
        if (answered) record(*request, *response, started);
        return answered;
      },
      [&http_edge, &record](const HttpRequest& request, HttpResponse* response) {
        const absl::Time started = absl::Now();
        http_edge.Handle(request, response);
        record(request, *response, started);
      });
  if (!http.ok()) {
    spdlog::error("{}", http.status().ToString());
    return 1;
  }
  spdlog::info("saima-gateway HTTP listening on port {}", (*http)->port());
  (*server)->WaitForShutdownSignal();
  (*http)->Stop();
  return 0;
}
