#ifndef SAIMA_GATEWAY_ROUTES_H_
#define SAIMA_GATEWAY_ROUTES_H_

// What the gateway serves, read from the contracts: every RPC of every Saima service with its backend
// (`(saima.api.v1.backend)`), who may call it (`(saima.api.v1.access)`) and its HTTP bindings (`google.api.http`).
// Nothing here names an RPC: a new annotated RPC is routed and forwarded without gateway code.

#include <memory>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "common/policy.h"
#include "gateway/path_template.h"
#include "google/protobuf/descriptor.h"
#include "saima/api/v1/annotations.pb.h"

namespace saima::gateway {

// One RPC of a Saima service.
struct Rpc {
  const google::protobuf::MethodDescriptor* method = nullptr;
  // The gRPC path, "/saima.registry.v1.RegistryService/GetProject".
  std::string grpc_path;
  // "registry", "stats", "scoring" or "gateway".
  std::string backend;
  saima::api::v1::Access access;
  std::vector<Action> actions;
};

// One HTTP binding of an RPC.
struct Route {
  std::string http_method;  // GET, POST, PUT, PATCH, DELETE
  PathTemplate path;
  const Rpc* rpc = nullptr;
  // "" (no body), "*" (the whole request) or the request field the body fills.
  std::string body;
  // "" (the whole response) or the response field sent.
  std::string response_body;
};

class RouteTable {
 public:
  // Reads the services of the generated descriptor pool's `files`. INVALID_ARGUMENT naming the RPC when a
  // contract is incomplete: a service without a backend, an RPC without exactly one kind of access, an internal
  // RPC with an HTTP binding, an unparsable path, a body or response field that does not exist.
  static absl::StatusOr<RouteTable> Build(const std::vector<std::string>& files);

  RouteTable() = default;
  RouteTable(RouteTable&&) = default;
  RouteTable& operator=(RouteTable&&) = default;

  // Every RPC, internal ones included, in declaration order.
  const std::vector<Rpc>& rpcs() const { return *rpcs_; }
  const std::vector<Route>& routes() const { return routes_; }
  // The services (full names) the gateway serves to clients: those with at least one RPC that is not internal.
  std::vector<std::string> PublicServices() const;

  // The RPC of a gRPC path, if the gateway serves it to clients (null for unknown and internal ones).
  const Rpc* FindPublicRpc(const std::string& grpc_path) const;

  struct Resolution {
    const Route* route = nullptr;
    std::vector<std::pair<std::string, std::string>> bindings;
    // When no route of the method matches but routes of other methods do: those methods (for 405 and Allow).
    std::vector<std::string> allowed_methods;
  };
  Resolution Resolve(const std::string& http_method, const std::string& path) const;

 private:
  // Stable addresses: routes point into it.
  std::unique_ptr<std::vector<Rpc>> rpcs_ = std::make_unique<std::vector<Rpc>>();
  std::vector<Route> routes_;
  std::unordered_map<std::string, const Rpc*> by_path_;
};

// The access kind of an RPC, for messages and tests: "actions", "signed_in", "anonymous" or "internal".
std::string AccessKind(const saima::api::v1::Access& access);

}  // namespace saima::gateway

#endif  // SAIMA_GATEWAY_ROUTES_H_
