#ifndef SAIMA_COMMON_OPS_H_
#define SAIMA_COMMON_OPS_H_

// Operations basics shared by the four binaries: Prometheus metrics (prometheus-cpp), the start-up configuration
// line with secrets masked, and the `healthcheck` command that containers and compose use.

#include <memory>
#include <string>

#include "absl/flags/declare.h"
#include "absl/status/status.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/gauge.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"

// --metrics_listen (host:port of GET /metrics; empty: none) and --log_format (text or json).
ABSL_DECLARE_FLAG(std::string, metrics_listen);
ABSL_DECLARE_FLAG(std::string, log_format);

namespace saima {

// The process's metrics registry.
prometheus::Registry& MetricsRegistry();

// Well-known families.
// grpc_server_handled_total{grpc_service,grpc_method,grpc_type,grpc_code} and
// grpc_server_handling_seconds{grpc_service,grpc_method,grpc_type}: the standard gRPC server metrics.
prometheus::Family<prometheus::Counter>& RpcRequests();
prometheus::Family<prometheus::Histogram>& RpcDuration();
prometheus::Family<prometheus::Counter>& HttpRequests();    // saima_http_requests_total{route,status}
prometheus::Family<prometheus::Histogram>& HttpDuration();  // saima_http_duration_seconds{route}
// Counts one served call and observes its duration (the handles are found once per method or route and code).
// `type`: unary, client_stream, server_stream or bidi_stream.
void RecordRpc(const std::string& method, const char* type, int code, double seconds);
void RecordHttp(const std::string& route, int status, double seconds);
// A gauge or counter of its own name (e.g. saima_db_pool_in_use, saima_import_rows_total), created once.
prometheus::Gauge& NamedGauge(const std::string& name, const std::string& help);
prometheus::Counter& NamedCounter(const std::string& name, const std::string& help);

// Latency buckets in seconds, from 1 ms to 10 s.
const prometheus::Histogram::BucketBoundaries& LatencyBuckets();

// The registry in the Prometheus text format.
std::string MetricsText();

// Serves GET /metrics on `address` (host:port) until the process ends; empty address: nothing.
absl::Status StartMetricsServer(const std::string& address);

// Logs every flag of the binary's own code with its value, secrets masked (tokens, passwords, the password in
// a database URL).
void LogConfiguration(const std::string& binary_name);
// "postgresql://saima:secret@db/saima" → "postgresql://saima:****@db/saima".
std::string MaskSecrets(const std::string& flag_name, const std::string& value);

// The `healthcheck` command: asks grpc.health.v1 at `address` and returns 0 when SERVING, 1 otherwise.
int HealthcheckMain(const std::string& address, bool public_side = false);

}  // namespace saima

#endif  // SAIMA_COMMON_OPS_H_
