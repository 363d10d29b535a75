#ifndef SAIMA_COMMON_SERVER_H_
#define SAIMA_COMMON_SERVER_H_

// The one server bootstrap of the four binaries: logging, a gRPC server with health (overall and per service
// name) and reflection (v1 and v1alpha), an access log line per call, health that follows the database, and
// graceful shutdown on SIGTERM or SIGINT.

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "grpcpp/generic/async_generic_service.h"
#include "grpcpp/grpcpp.h"

namespace saima {

// Sets up spdlog for a binary: one line per event on stderr, with the binary's name.
void InitLogging(const std::string& binary_name);

// The largest request Saima accepts, everywhere: the gateway refuses a bigger one (HTTP 413) before a service
// would (so that the refusal says what it is).
inline constexpr int kMaxRequestBytes = 16 << 20;

struct ServerOptions {
  std::string binary_name;
  // host:port; port 0 picks a free port (see RunningServer::port()).
  std::string listen_address;
  // Upper bound on threads serving synchronous calls; match the database pool to it.
  int max_threads = 32;
  // Called about every second; health is SERVING while it returns OK. Null means always serving.
  std::function<absl::Status()> readiness_probe;
  // Serves the public (the gateway's clients): server TLS from --public_tls_cert when set. Otherwise peers only:
  // mutual TLS with the project CA when configured.
  bool public_side = false;
  // The largest request message accepted (bigger: RESOURCE_EXHAUSTED).
  int max_message_bytes = kMaxRequestBytes;
  // The full names of the services served (listed by reflection, each with its own health status).
  std::vector<std::string> service_names;
  // Each service's health, asked about every second; null: every service follows readiness_probe.
  std::function<std::map<std::string, bool>()> service_health;
  // Serves every method no registered service has (the gateway's edge); may be null.
  grpc::CallbackGenericService* generic_service = nullptr;
};

// A started server. Destroying it shuts the server down, giving in-flight calls a few seconds.
class RunningServer {
 public:
  virtual ~RunningServer() = default;
  virtual int port() const = 0;
  // Blocks until SIGTERM or SIGINT arrives (or Shutdown() is called), then shuts down gracefully.
  virtual void WaitForShutdownSignal() = 0;
  virtual void Shutdown() = 0;
};

// True once a server of this process is shutting down: long-lived streams (watches) end at once instead of
// holding the shutdown until its deadline.
bool ShuttingDown();

// Whether a streaming call should end: the caller cancelled it or the server is shutting down.
inline bool StreamEnded(grpc::ServerContext* context) { return context->IsCancelled() || ShuttingDown(); }

// Starts a server with `services` (which must outlive it), health checking and reflection.
absl::StatusOr<std::unique_ptr<RunningServer>> StartServer(const ServerOptions& options,
                                                           const std::vector<grpc::Service*>& services);

}  // namespace saima

#endif  // SAIMA_COMMON_SERVER_H_
