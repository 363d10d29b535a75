#ifndef SAIMA_GATEWAY_LOCAL_METHODS_H_
#define SAIMA_GATEWAY_LOCAL_METHODS_H_

// The RPCs whose backend is the gateway itself (`(saima.api.v1.backend) = "gateway"`): the computations across
// services. Both edges (gRPC and HTTP) find them here by method path and call them with the authenticated call.

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "gateway/identity.h"
#include "google/protobuf/message.h"

namespace saima::gateway {

// One authenticated incoming call.
struct CallInfo {
  Identity identity;
  std::string request_id;
  // The client's deadline (capped by the gateway).
  absl::Time deadline = absl::InfiniteFuture();
};

class LocalMethods {
 public:
  using Handler =
      std::function<absl::Status(const CallInfo&, const google::protobuf::Message&, google::protobuf::Message*)>;

  // Registers `method` of `impl` under the gRPC path "/<Service full name>/<Method>".
  template <typename Impl, typename Request, typename Response>
  void Add(const std::string& grpc_path, Impl* impl,
           absl::StatusOr<Response> (Impl::*method)(const CallInfo&, const Request&)) {
    handlers_[grpc_path] = [impl, method](const CallInfo& call, const google::protobuf::Message& request,
                                          google::protobuf::Message* response) {
      auto result = (impl->*method)(call, static_cast<const Request&>(request));
      if (!result.ok()) return result.status();
      static_cast<Response*>(response)->Swap(&*result);
      return absl::OkStatus();
    };
  }

  // The handler of a gRPC path; null when none.
  const Handler* Find(const std::string& grpc_path) const {
    auto it = handlers_.find(grpc_path);
    return it == handlers_.end() ? nullptr : &it->second;
  }

  std::vector<std::string> paths() const {
    std::vector<std::string> out;
    for (const auto& [path, handler] : handlers_) out.push_back(path);
    return out;
  }

 private:
  std::map<std::string, Handler> handlers_;
};

}  // namespace saima::gateway

#endif  // SAIMA_GATEWAY_LOCAL_METHODS_H_
