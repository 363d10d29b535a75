#ifndef SAIMA_GATEWAY_AUTH_H_
#define SAIMA_GATEWAY_AUTH_H_

// Authentication at the gateway: every bearer credential (a signed access token or an API key) is resolved by
// the registry's AuthService on every call, so that a revoked session or key is refused from the next call on.
// The gateway also serves the sign-in, refresh, sign-out and account calls to clients, forwarding them.

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "common/caller.h"
#include "common/client.h"
#include "gateway/backend_call.h"
#include "gateway/rate_limit.h"
#include "grpcpp/channel.h"
#include "saima/auth/v1/auth.grpc.pb.h"

namespace saima::gateway {

struct Identity {
  Caller caller;
  std::string display_name;
};

// Lower-case hex SHA-256 of `text`.
std::string Sha256Hex(const std::string& text);

class Authenticator {
 public:
  // `limiter` may be null (no rate limits).
  Authenticator(const std::shared_ptr<grpc::Channel>& registry, RateLimiter* limiter = nullptr);

  // Checks an Authorization header value ("Bearer <token>") of a request from `client` (its address).
  // UNAUTHENTICATED when absent, malformed, unknown, expired or revoked; UNAVAILABLE when the registry is down;
  // RESOURCE_EXHAUSTED when the credential has used up its rate (retry after RetryAfterSeconds()).
  absl::StatusOr<Identity> Authenticate(const std::string& authorization, const std::string& client) const;

  int RetryAfterSeconds() const { return limiter_ != nullptr ? limiter_->RetryAfterSeconds() : 1; }

  // Forwards a sign-in, refresh or account call to the registry as `caller` (null for sign-in and refresh, which
  // come before anyone is known), recording the client's address.
  template <typename Request, typename Response>
  absl::StatusOr<Response> Forward(grpc::Status (saima::auth::v1::AuthService::Stub::*method)(grpc::ClientContext*,
                                                                                              const Request&,
                                                                                              Response*),
                                   const Caller* caller, const std::string& client, const Request& request) const {
    auto context = CallContext(std::chrono::milliseconds(10000));
    if (caller != nullptr) {
      AttachCaller(*caller, "", *context);
    } else {
      context->AddMetadata("x-saima-client", client);
    }
    return CallBackend("registry", stub_.get(), method, *context, request);
  }

 private:
  std::unique_ptr<saima::auth::v1::AuthService::Stub> stub_;
  RateLimiter* limiter_;
};

}  // namespace saima::gateway

#endif  // SAIMA_GATEWAY_AUTH_H_
