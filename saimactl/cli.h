#ifndef SAIMA_SAIMACTL_CLI_H_
#define SAIMA_SAIMACTL_CLI_H_

// What every saimactl command shares: the gateway client, error printing, files, the progress bar, and the
// way officials read amounts and rates.

#include <chrono>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "common/client.h"
#include "common/format.h"
#include "common/status.h"
#include "saima/gateway/v1/gateway.grpc.pb.h"

namespace saima::ctl {

namespace gw = ::saima::gateway::v1;

// The gateway, reached at --gateway_grpc with --token (or SAIMA_GATEWAY_GRPC, SAIMA_TOKEN).
class Client {
 public:
  Client();

  template <typename Request, typename Response>
  absl::Status Call(grpc::Status (gw::GatewayService::Stub::*method)(grpc::ClientContext*, const Request&, Response*),
                    const Request& request, Response* response) {
    auto context = Context(std::chrono::seconds(30));
    return FromGrpcStatus((stub_.get()->*method)(context.get(), request, response));
  }
  // A context with the deadline and the bearer token.
  std::unique_ptr<grpc::ClientContext> Context(std::chrono::seconds timeout) const;
  gw::GatewayService::Stub& stub() { return *stub_; }

 private:
  std::unique_ptr<gw::GatewayService::Stub> stub_;
};

// Prints an error for an official: the message, then each field that was refused. Returns 1.
int Fail(const absl::Status& status);
absl::StatusOr<std::string> ReadFile(const std::string& path);
// A progress bar on stderr.
void Progress(size_t done, size_t total);
// --format=json: prints the message in protobuf's JSON mapping. Returns 0.
int PrintJson(const google::protobuf::Message& message);
// The CSV column an official sees for a request field path.
std::string ColumnOf(const std::string& field);

}  // namespace saima::ctl

#endif  // SAIMA_SAIMACTL_CLI_H_
