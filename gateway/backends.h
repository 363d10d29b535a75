#ifndef SAIMA_GATEWAY_BACKENDS_H_
#define SAIMA_GATEWAY_BACKENDS_H_

// The processes behind the gateway, by the names the contracts use ("registry", "stats", "scoring"): one
// long-lived channel each, calls forwarded by method path as raw bytes (the gateway does not re-encode what it
// forwards), and their health.

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "common/caller.h"
#include "grpcpp/channel.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/support/byte_buffer.h"

namespace saima::gateway {

class Backends {
 public:
  // backend name → address.
  explicit Backends(const std::map<std::string, std::string>& addresses);

  // The channel of a backend; null when unknown.
  std::shared_ptr<grpc::Channel> channel(const std::string& backend) const;
  grpc::GenericStub* stub(const std::string& backend) const;
  std::vector<std::string> names() const;

  // A unary call by method path, blocking until done. Transport failures become UNAVAILABLE naming the backend.
  absl::StatusOr<grpc::ByteBuffer> CallUnary(const std::string& backend, const std::string& grpc_path,
                                             grpc::ClientContext& context, const grpc::ByteBuffer& request) const;

  // Each backend's health ("SERVING", "NOT_SERVING", "UNAVAILABLE"), asked with a one-second deadline.
  std::map<std::string, std::string> Health() const;

 private:
  struct Backend {
    std::shared_ptr<grpc::Channel> channel;
    std::unique_ptr<grpc::GenericStub> stub;
  };
  std::map<std::string, Backend> backends_;
};

// The status of a backend call as the gateway passes it on: UNAVAILABLE and DEADLINE_EXCEEDED name the backend
// (so a client learns which part is down), application errors pass through with their details.
absl::Status BackendStatus(const std::string& backend, const grpc::Status& status);

}  // namespace saima::gateway

#endif  // SAIMA_GATEWAY_BACKENDS_H_
