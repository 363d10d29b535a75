#ifndef SAIMA_GATEWAY_EDGE_H_
#define SAIMA_GATEWAY_EDGE_H_

// The one entrance: every call, gRPC or HTTP, passes here. The edge finds the RPC in the contracts (RouteTable),
// decides who is calling (Identities), refuses a caller who holds none of the RPC's actions (the policy table),
// then forwards the call to the service that owns it with the caller attached, or runs the gateway's own
// computation (LocalMethods). Nothing here names an RPC.

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "gateway/backends.h"
#include "gateway/identity.h"
#include "gateway/local_methods.h"
#include "gateway/routes.h"
#include "gateway/work_pool.h"
#include "grpcpp/generic/async_generic_service.h"

namespace saima::gateway {

struct EdgeParts {
  const RouteTable* routes;
  const Backends* backends;
  Identities* identities;
  const LocalMethods* local;
  WorkPool* pool;
  // Addresses of the proxies in front (nginx) whose X-Real-IP names the client; none: the peer is the client.
  std::vector<std::string> trusted_proxies = {};
};

// The client's address as Saima records and throttles it: the peer's IP without port ("ipv4:10.0.0.7:51234" and
// "10.0.0.7" are 10.0.0.7), or, when the peer is a trusted proxy, the IP its X-Real-IP header names (ignored
// unless it is an IP address).
std::string ClientAddress(const std::string& peer, const std::string& real_ip,
                          const std::vector<std::string>& trusted_proxies);

// What the edge decided about a call before running it.
struct Admission {
  const Rpc* rpc = nullptr;
  CallInfo call;
};

// That every RPC of the contracts can be served: the gateway's own have an implementation, the others a backend
// the gateway knows. FAILED_PRECONDITION naming the first that cannot.
absl::Status CheckServed(const RouteTable& routes, const LocalMethods& local, const Backends& backends);

// Checks the request id and the caller of `rpc` and the policy's coarse rule (at least one of its actions).
// `authorization` is the header's value; `request_id` the client's (generated when empty). Blocking only when
// the registry must be asked.
absl::StatusOr<Admission> Admit(const EdgeParts& parts, const Rpc* rpc, const std::string& authorization,
                                const std::string& request_id, const std::string& client, absl::Time deadline);
// The same without blocking: nullopt when the registry must be asked (call Admit on a worker thread then).
std::optional<absl::StatusOr<Admission>> TryAdmit(const EdgeParts& parts, const Rpc* rpc,
                                                  const std::string& authorization, const std::string& request_id,
                                                  const std::string& client, absl::Time deadline);

// The outgoing context of a forwarded call: the caller (or, for anonymous RPCs, only the client's address) and
// the request id in metadata, the deadline of the call capped by `max`.
std::unique_ptr<grpc::ClientContext> ForwardContext(const Admission& admission, absl::Duration max);

// Runs an admitted unary call to completion, blocking: forwarded as bytes, or run locally. `request` is the
// serialized request message.
absl::StatusOr<grpc::ByteBuffer> RunUnary(const EdgeParts& parts, const Admission& admission,
                                          const grpc::ByteBuffer& request);

// The gRPC side: every method of every public Saima service, through one callback generic service.
class GrpcEdge final : public grpc::CallbackGenericService {
 public:
  explicit GrpcEdge(EdgeParts parts) : parts_(parts) {}
  grpc::ServerGenericBidiReactor* CreateReactor(grpc::GenericCallbackServerContext* context) override;

 private:
  EdgeParts parts_;
};

}  // namespace saima::gateway

#endif  // SAIMA_GATEWAY_EDGE_H_
