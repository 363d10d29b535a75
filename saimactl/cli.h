#ifndef SAIMA_SAIMACTL_CLI_H_
#define SAIMA_SAIMACTL_CLI_H_

// What every saimactl command shares: the gateway client, error printing, files, the progress bar, and the
// way officials read amounts and rates.

#include <algorithm>
#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "common/client.h"
#include "common/format.h"
#include "common/status.h"
#include "saima/audit/v1/audit.grpc.pb.h"
#include "saima/auth/v1/auth.grpc.pb.h"
#include "saima/gateway/v1/gateway.grpc.pb.h"
#include "saima/registry/v1/dispatch.grpc.pb.h"
#include "saima/registry/v1/registry.grpc.pb.h"
#include "saima/scoring/v1/scoring.grpc.pb.h"
#include "saima/stats/v1/stats.grpc.pb.h"

namespace saima::ctl {

namespace gw = ::saima::gateway::v1;
namespace reg = ::saima::registry::v1;
namespace st = ::saima::stats::v1;
namespace sc = ::saima::scoring::v1;

// The gateway, reached at --gateway_grpc with --token (or SAIMA_GATEWAY_GRPC, SAIMA_TOKEN). Every service is
// called under its own name; the gateway forwards the call to the process that owns it.
class Client {
 public:
  Client();

  // One call, retried while the gateway or a service is unavailable or too slow (backoff 200 ms doubling to 3 s,
  // about 30 s in all), and paced, without a word per call, when the gateway asks to slow down (a rate limit with
  // RetryInfo; for up to 10 minutes in all). Retrying is safe: every creating request carries its request id, so a
  // retry of a write that did reach the database returns the first result instead of writing again.
  template <typename Stub, typename Request, typename Response>
  absl::Status Call(grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
                    const Request& request, Response* response) {
    Stub* stub = StubOf(static_cast<Stub*>(nullptr));
    absl::Status status;
    int delay_ms = 200;
    for (int attempt = 0; attempt < 12;) {
      auto context = Context(std::chrono::seconds(30));
      status = FromGrpcStatus((stub->*method)(context.get(), request, response));
      if (auto pace = RetryAfterOf(status); pace.has_value() && absl::IsResourceExhausted(status)) {
        if (!Paced(*pace)) return status;
        continue;
      }
      if (!absl::IsUnavailable(status) && !absl::IsDeadlineExceeded(status)) return status;
      NoteRetry(status, delay_ms);
      std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
      delay_ms = std::min(delay_ms * 2, 3000);
      ++attempt;
    }
    return status;
  }
  // A context with the deadline and the bearer token.
  std::unique_ptr<grpc::ClientContext> Context(std::chrono::seconds timeout) const;
  st::StatsService::Stub& stats() { return *stats_; }
  // How many calls were retried in this process.
  int retries() const { return retries_; }

 private:
  void NoteRetry(const absl::Status& status, int delay_ms);
  // Waits as the gateway asked (saying so once); false when this process has waited 10 minutes in all.
  bool Paced(absl::Duration delay);
  absl::Duration paced_ = absl::ZeroDuration();
  gw::GatewayService::Stub* StubOf(gw::GatewayService::Stub*) { return gateway_.get(); }
  reg::RegistryService::Stub* StubOf(reg::RegistryService::Stub*) { return registry_.get(); }
  reg::DispatchService::Stub* StubOf(reg::DispatchService::Stub*) { return dispatch_.get(); }
  st::StatsService::Stub* StubOf(st::StatsService::Stub*) { return stats_.get(); }
  sc::ScoringService::Stub* StubOf(sc::ScoringService::Stub*) { return scoring_.get(); }
  saima::audit::v1::AuditService::Stub* StubOf(saima::audit::v1::AuditService::Stub*) { return audit_.get(); }
  saima::auth::v1::AuthService::Stub* StubOf(saima::auth::v1::AuthService::Stub*) { return auth_.get(); }

  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<gw::GatewayService::Stub> gateway_;
  std::unique_ptr<reg::RegistryService::Stub> registry_;
  std::unique_ptr<reg::DispatchService::Stub> dispatch_;
  std::unique_ptr<st::StatsService::Stub> stats_;
  std::unique_ptr<sc::ScoringService::Stub> scoring_;
  std::unique_ptr<saima::audit::v1::AuditService::Stub> audit_;
  std::unique_ptr<saima::auth::v1::AuthService::Stub> auth_;
  int retries_ = 0;
};

// A request saimactl refuses itself (a flag, an argument, a file): `what` names it, `rule` says in Chinese what
// it must be.
inline absl::Status Refused(const std::string& what, const std::string& rule) { return InvalidField(what, rule, rule); }

// Prints an error for an official: the message, then each field that was refused. Returns 1.
int Fail(const absl::Status& status);
absl::StatusOr<std::string> ReadFile(const std::string& path);
// A progress bar on stderr.
void Progress(size_t done, size_t total);
// --format=json: prints the message in protobuf's JSON mapping. Returns 0.
int PrintJson(const google::protobuf::Message& message);
// The CSV column (or the name) an official sees for a request field path; empty for a field without one.
std::string ColumnOf(const std::string& field);

}  // namespace saima::ctl

#endif  // SAIMA_SAIMACTL_CLI_H_
