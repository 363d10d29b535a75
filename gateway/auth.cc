#include "gateway/auth.h"

#include <openssl/sha.h>

#include "absl/strings/str_cat.h"
#include "common/client.h"
#include "gateway/backend_call.h"

namespace saima::gateway {

std::string Sha256Hex(const std::string& text) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char b : digest) {
    out += kHex[b >> 4];
    out += kHex[b & 15];
  }
  return out;
}

Authenticator::Authenticator(const std::shared_ptr<grpc::Channel>& registry, RateLimiter* limiter)
    : stub_(saima::auth::v1::AuthService::NewStub(registry)), limiter_(limiter) {}

absl::StatusOr<Identity> Authenticator::Authenticate(const std::string& authorization,
                                                     const std::string& client) const {
  if (authorization.empty()) return absl::UnauthenticatedError("missing Authorization: Bearer <token>");
  saima::auth::v1::AuthenticateRequest request;
  request.set_authorization(authorization);
  auto context = CallContext(std::chrono::milliseconds(5000));
  auto answer =
      CallBackend("registry", stub_.get(), &saima::auth::v1::AuthService::Stub::Authenticate, *context, request);
  if (!answer.ok()) return answer.status();
  Identity identity;
  identity.caller = Caller(answer->user().user_id(), answer->user().role(), answer->user().unit_id(), client);
  identity.caller.session_id = answer->session_id();
  identity.caller.scopes.assign(answer->scopes().begin(), answer->scopes().end());
  identity.display_name = answer->user().display_name();
  // One bucket per session (or API key): a person signed in twice has two.
  if (limiter_ != nullptr && !limiter_->Allow(answer->session_id(), absl::Now())) {
    return absl::ResourceExhaustedError(absl::StrCat("rate limit of ", limiter_->per_second(),
                                                     " calls per second for this token exceeded; retry after ",
                                                     limiter_->RetryAfterSeconds(), " s"));
  }
  return identity;
}

}  // namespace saima::gateway
