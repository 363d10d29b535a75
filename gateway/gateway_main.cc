// saima-gateway: the one entrance (gRPC saima.gateway.v1 and HTTP/JSON) in front of registry, stats, scoring.

#include <httplib.h>

#include <optional>
#include <thread>

#include "absl/flags/flag.h"
#include "common/flags.h"
#include "common/ops.h"
#include "common/server.h"
#include "common/tls.h"
#include "gateway/auth.h"
#include "gateway/gateway.h"
#include "gateway/gateway_service.h"
#include "gateway/http_api.h"
#include "gateway/static_files.h"
#include "spdlog/spdlog.h"

ABSL_FLAG(std::string, listen, "127.0.0.1:50050", "gRPC listen address host:port");
ABSL_FLAG(std::string, http_listen, "127.0.0.1:8080", "HTTP listen address host:port");
ABSL_FLAG(std::string, registry_addr, "127.0.0.1:50051", "registry service address");
ABSL_FLAG(std::string, stats_addr, "127.0.0.1:50052", "stats service address");
ABSL_FLAG(std::string, scoring_addr, "127.0.0.1:50053", "scoring service address");
ABSL_FLAG(int, http_threads, 16, "HTTP worker threads");
ABSL_FLAG(double, rate_limit_per_second, 50, "calls per second each token (session or API key) may make; 0: none");
ABSL_FLAG(double, rate_limit_burst, 200, "calls a token may make at once before the per-second rate applies");
ABSL_FLAG(int64_t, max_request_bytes, 32 << 20, "largest HTTP request body (bigger: 413); gRPC messages likewise");
ABSL_FLAG(std::string, start_rate_milestones, "3:>=30,6:>60,9:>85,10:>=100",
          "季分析: new-project start-rate milestones, MONTH:>=PERCENT or MONTH:>PERCENT");
ABSL_FLAG(int64_t, growth_target_milli_percent, 15000, "年总结: the year's growth target (15% is 15000)");
ABSL_FLAG(std::string, web_root, "", "the dashboard's static files (web/build.mjs output); empty: no dashboard");
ABSL_FLAG(std::string, oc4ids_prefix, "oc4ids-saima0", "OC4IDS project identifier prefix of the publisher");

int main(int argc, char** argv) {
  using namespace saima::gateway;
  std::vector<char*> args = saima::ParseFlags(argc, argv, "saima-gateway [healthcheck]");
  saima::InitLogging("saima-gateway");
  if (args.size() > 1 && std::string(args[1]) == "healthcheck")
    return saima::HealthcheckMain(absl::GetFlag(FLAGS_listen), /*public_side=*/true);
  saima::LogConfiguration("saima-gateway");
  if (absl::Status secure = saima::CheckTransportSecurity(); !secure.ok()) {
    spdlog::error("{}", std::string(secure.message()));
    return 2;
  }
  ReportSettings settings;
  auto milestones = ParseStartRateMilestones(absl::GetFlag(FLAGS_start_rate_milestones));
  if (!milestones.ok()) {
    spdlog::error("{}", milestones.status().ToString());
    return 1;
  }
  settings.start_rate_milestones = *std::move(milestones);
  settings.growth_target_milli_percent = absl::GetFlag(FLAGS_growth_target_milli_percent);
  Gateway gateway(
      {absl::GetFlag(FLAGS_registry_addr), absl::GetFlag(FLAGS_stats_addr), absl::GetFlag(FLAGS_scoring_addr)},
      settings);
  // Every bearer credential is resolved by the registry, call by call, over the gateway's one registry channel.
  RateLimiter limiter(absl::GetFlag(FLAGS_rate_limit_per_second), absl::GetFlag(FLAGS_rate_limit_burst));
  const Authenticator tokens(gateway.registry_channel(), &limiter);
  GatewayService service(gateway, tokens);
  GatewayAuditService audit(gateway, tokens);
  GatewayAuthService auth(tokens);

  saima::ServerOptions options;
  options.binary_name = "saima-gateway";
  options.listen_address = absl::GetFlag(FLAGS_listen);
  options.public_side = true;
  options.max_message_bytes = static_cast<int>(absl::GetFlag(FLAGS_max_request_bytes));
  auto server = saima::StartServer(options, {&service, &audit, &auth});
  if (!server.ok()) {
    spdlog::error("{}", server.status().ToString());
    return 1;
  }

  // HTTPS when a certificate is configured.
  std::unique_ptr<httplib::Server> http_server =
      saima::PublicTlsEnabled()
          ? std::make_unique<httplib::SSLServer>(saima::PublicTlsCertFile().c_str(), saima::PublicTlsKeyFile().c_str())
          : std::make_unique<httplib::Server>();
  if (!http_server->is_valid()) {
    spdlog::error("cannot serve HTTPS with --public_tls_cert / --public_tls_key");
    return 1;
  }
  httplib::Server& http = *http_server;
  http.set_payload_max_length(static_cast<size_t>(absl::GetFlag(FLAGS_max_request_bytes)));
  http.set_tcp_nodelay(true);  // cpp-httplib 0.11 leaves it off: ~40 ms per keep-alive response otherwise.
  const int http_threads = absl::GetFlag(FLAGS_http_threads);
  http.new_task_queue = [http_threads] { return new httplib::ThreadPool(http_threads); };
  HttpApi api(gateway, tokens, absl::GetFlag(FLAGS_oc4ids_prefix));
  api.Register(http);
  std::optional<StaticFiles> dashboard;
  if (const std::string web_root = absl::GetFlag(FLAGS_web_root); !web_root.empty()) {
    auto files = StaticFiles::Load(web_root);
    if (!files.ok()) {
      spdlog::error("{}", files.status().ToString());
      return 1;
    }
    dashboard = *std::move(files);
    dashboard->Register(http);
    spdlog::info("dashboard: {} files from {}", dashboard->size(), web_root);
  }
  const std::string http_listen = absl::GetFlag(FLAGS_http_listen);
  const auto colon = http_listen.rfind(':');
  const std::string host = http_listen.substr(0, colon);
  const int port = std::stoi(http_listen.substr(colon + 1));
  const int bound = port == 0 ? http.bind_to_any_port(host) : (http.bind_to_port(host, port) ? port : -1);
  if (bound < 0) {
    spdlog::error("cannot listen on {}", http_listen);
    return 1;
  }
  spdlog::info("saima-gateway HTTP listening on port {}", bound);
  std::thread http_thread([&http] { http.listen_after_bind(); });
  (*server)->WaitForShutdownSignal();
  http.stop();
  http_thread.join();
  return 0;
}
