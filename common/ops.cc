#include "common/ops.h"

#include <algorithm>
#include <map>
#include <mutex>
#include <optional>
#include <regex>

#include "absl/container/flat_hash_map.h"
#include "absl/flags/flag.h"
#include "absl/flags/reflection.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "common/tls.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "prometheus/exposer.h"
#include "prometheus/text_serializer.h"
#include "spdlog/spdlog.h"

ABSL_FLAG(std::string, metrics_listen, "", "serve Prometheus metrics at http://HOST:PORT/metrics (empty: off)");
ABSL_FLAG(std::string, log_format, "text", "log lines as text or json (one JSON object per line)");

namespace saima {

namespace {
// The one registry, shared with the exposer that serves it.
const std::shared_ptr<prometheus::Registry>& SharedRegistry() {
  static const auto* registry = new std::shared_ptr<prometheus::Registry>(std::make_shared<prometheus::Registry>());
  return *registry;
}
}  // namespace

prometheus::Registry& MetricsRegistry() { return *SharedRegistry(); }

// The names and labels of go-grpc-prometheus / grpc-ecosystem, which the common gRPC dashboards read.
prometheus::Family<prometheus::Counter>& RpcRequests() {
  static auto& f = prometheus::BuildCounter()
                       .Name("grpc_server_handled_total")
                       .Help("gRPC calls completed on the server, by service, method, type and status code")
                       .Register(MetricsRegistry());
  return f;
}
prometheus::Family<prometheus::Histogram>& RpcDuration() {
  static auto& f = prometheus::BuildHistogram()
                       .Name("grpc_server_handling_seconds")
                       .Help("gRPC call latency on the server, by service, method and type")
                       .Register(MetricsRegistry());
  return f;
}
prometheus::Family<prometheus::Counter>& HttpRequests() {
  static auto& f = prometheus::BuildCounter()
                       .Name("saima_http_requests_total")
                       .Help("HTTP requests served by the gateway, by route and status")
                       .Register(MetricsRegistry());
  return f;
}
prometheus::Family<prometheus::Histogram>& HttpDuration() {
  static auto& f = prometheus::BuildHistogram()
                       .Name("saima_http_duration_seconds")
                       .Help("HTTP request latency, by route")
                       .Register(MetricsRegistry());
  return f;
}
namespace {

// The counter and histogram of one (method or route, code): looked up once, then kept (the keys are the
// contracts' methods and routes, "other", and the status codes: a bounded set). Handed out by value: the metrics
// themselves stay where their family put them, but an entry of the map moves when another thread's insertion
// makes it grow (a pointer to the entry, kept past the lock, was read after it was freed: ASan, in CI).
struct CallMetrics {
  prometheus::Counter* count;
  prometheus::Histogram* duration;
};

CallMetrics MetricsOf(prometheus::Family<prometheus::Counter>& counts,
                      prometheus::Family<prometheus::Histogram>& durations, const char* label, const std::string& name,
                      int code) {
  static absl::Mutex mu;
  static auto* known = new absl::flat_hash_map<std::string, CallMetrics>();
  std::string key = absl::StrCat(label, " ", name, " ", code);
  {
    absl::ReaderMutexLock lock(&mu);
    auto it = known->find(key);
    if (it != known->end()) return it->second;
  }
  absl::MutexLock lock(&mu);
  auto [it, added] = known->try_emplace(std::move(key));
  if (added) {
    it->second.count =
        &counts.Add({{label, name}, {label == std::string("method") ? "code" : "status", std::to_string(code)}});
    it->second.duration = &durations.Add({{label, name}}, LatencyBuckets());
  }
  return it->second;
}

}  // namespace

void RecordRpc(const std::string& method, const char* type, int code, double seconds) {
  static absl::Mutex mu;
  static auto* known = new absl::flat_hash_map<std::string, CallMetrics>();
  std::string key = absl::StrCat(method, " ", type, " ", code);
  std::optional<CallMetrics> m;
  {
    absl::ReaderMutexLock lock(&mu);
    if (auto it = known->find(key); it != known->end()) m = it->second;
  }
  if (!m) {
    absl::MutexLock lock(&mu);
    auto [it, added] = known->try_emplace(std::move(key));
    if (added) {
      // "/saima.stats.v1.StatsService/GetIndicators" → service and method; "other" stays whole.
      const size_t slash = method.rfind('/');
      const std::string service = slash == std::string::npos || slash == 0 ? method : method.substr(1, slash - 1);
      const std::string name = slash == std::string::npos ? method : method.substr(slash + 1);
      static const char* const kCodes[] = {
          "OK",       "Canceled",       "Unknown",          "InvalidArgument",   "DeadlineExceeded",
          "NotFound", "AlreadyExists",  "PermissionDenied", "ResourceExhausted", "FailedPrecondition",
          "Aborted",  "OutOfRange",     "Unimplemented",    "Internal",          "Unavailable",
          "DataLoss", "Unauthenticated"};
      const std::string code_name = code >= 0 && code <= 16 ? kCodes[code] : std::to_string(code);
      it->second.count = &RpcRequests().Add(
          {{"grpc_service", service}, {"grpc_method", name}, {"grpc_type", type}, {"grpc_code", code_name}});
      it->second.duration =
          &RpcDuration().Add({{"grpc_service", service}, {"grpc_method", name}, {"grpc_type", type}}, LatencyBuckets());
    }
    m = it->second;
  }
  m->count->Increment();
  m->duration->Observe(seconds);
}

void RecordHttp(const std::string& route, int status, double seconds) {
  const CallMetrics m = MetricsOf(HttpRequests(), HttpDuration(), "route", route, status);
  m.count->Increment();
  m.duration->Observe(seconds);
}

prometheus::Gauge& NamedGauge(const std::string& name, const std::string& help) {
  static std::mutex mu;
  static auto* gauges = new std::map<std::string, prometheus::Gauge*>();
  std::lock_guard<std::mutex> lock(mu);
  auto& g = (*gauges)[name];
  if (g == nullptr) g = &prometheus::BuildGauge().Name(name).Help(help).Register(MetricsRegistry()).Add({});
  return *g;
}

prometheus::Counter& NamedCounter(const std::string& name, const std::string& help) {
  static std::mutex mu;
  static auto* counters = new std::map<std::string, prometheus::Counter*>();
  std::lock_guard<std::mutex> lock(mu);
  auto& c = (*counters)[name];
  if (c == nullptr) c = &prometheus::BuildCounter().Name(name).Help(help).Register(MetricsRegistry()).Add({});
  return *c;
}

const prometheus::Histogram::BucketBoundaries& LatencyBuckets() {
  static const auto* buckets =
      new prometheus::Histogram::BucketBoundaries{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10};
  return *buckets;
}

std::string MetricsText() { return prometheus::TextSerializer().Serialize(MetricsRegistry().Collect()); }

absl::Status StartMetricsServer(const std::string& address) {
  if (address.empty()) return absl::OkStatus();
  try {
    static auto* exposer = new prometheus::Exposer(address);
    exposer->RegisterCollectable(SharedRegistry());
    spdlog::info("metrics on http://{}/metrics", address);
  } catch (const std::exception& e) {
    return absl::UnavailableError(absl::StrCat("cannot serve metrics on ", address, ": ", e.what()));
  }
  return absl::OkStatus();
}

std::string MaskSecrets(const std::string& flag_name, const std::string& value) {
  if (value.empty()) return value;
  if (absl::EndsWith(flag_name, "token") || absl::EndsWith(flag_name, "password") ||
      absl::EndsWith(flag_name, "secret") || absl::EndsWith(flag_name, "_key")) {
    return "****";
  }
  static const std::regex* url_password = new std::regex(R"(^([a-z]+://[^:/@]+:)[^@]*@)");
  std::string masked = std::regex_replace(value, *url_password, "$1****@");
  static const std::regex* param_password = new std::regex(R"((password=)[^ &]*)");
  return std::regex_replace(masked, *param_password, "$1****");
}

void LogConfiguration(const std::string& binary_name) {
  std::vector<std::pair<std::string, std::string>> flags;
  for (const auto& [name, flag] : absl::GetAllFlags()) {
    const std::string file(flag->Filename());
    // The binary's own flags: those declared in this project's sources.
    if (!absl::StrContains(file, "common/") && !absl::StrContains(file, "services/") &&
        !absl::StrContains(file, "gateway/")) {
      continue;
    }
    flags.emplace_back(std::string(name), MaskSecrets(std::string(name), flag->CurrentValue()));
  }
  std::sort(flags.begin(), flags.end());
  std::string line;
  for (const auto& [name, value] : flags) absl::StrAppend(&line, line.empty() ? "" : " ", name, "=", value);
  spdlog::info("{} configuration: {}", binary_name, line);
}

int HealthcheckMain(const std::string& address, bool public_side) {
  // The binary's own flags say how it serves: a service over mutual TLS (checked with its own certificate).
  // The gateway's public side over TLS is checked against the project CA (deploy/tls/make-certs.sh issues it).
  std::shared_ptr<grpc::ChannelCredentials> credentials = PeerChannelCredentials();
  if (public_side) credentials = PublicTlsEnabled() ? PeerChannelCredentials() : grpc::InsecureChannelCredentials();
  // A wildcard listen address is checked on loopback (which the certificates name, unlike 0.0.0.0).
  std::string target = address;
  for (const char* wildcard : {"0.0.0.0:", "[::]:"}) {
    if (absl::StartsWith(target, wildcard)) target = "127.0.0.1:" + target.substr(std::strlen(wildcard));
  }
  auto channel = grpc::CreateChannel(target, credentials);
  auto stub = grpc::health::v1::Health::NewStub(channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(3));
  grpc::health::v1::HealthCheckRequest request;
  grpc::health::v1::HealthCheckResponse response;
  const grpc::Status status = stub->Check(&context, request, &response);
  const bool serving = status.ok() && response.status() == grpc::health::v1::HealthCheckResponse::SERVING;
  std::fprintf(stderr, "%s: %s\n", address.c_str(),
               serving ? "SERVING" : (status.ok() ? "NOT_SERVING" : status.error_message().c_str()));
  return serving ? 0 : 1;
}

}  // namespace saima
