#ifndef SAIMA_GATEWAY_IDENTITY_H_
#define SAIMA_GATEWAY_IDENTITY_H_

// Who is calling, decided at the gateway without a round trip.
//
// Access tokens are JWTs signed by the registry with ES256; the gateway verifies signature, issuer and expiry
// itself with the registry's public keys (AuthService.GetSigningKeys, fetched at start, every minute and when a
// token names an unknown key). Revocations — a session ended, a person disabled or their role changed, an API key
// revoked — are pushed by the registry (AuthService.WatchRevocations) and applied within milliseconds. An API key
// is checked by the registry once, then held (its secret's hash) until it is revoked.
//
// Fail-closed: while the gateway does not follow the revocations (at start, or after the stream broke), every
// credential is resolved by the registry call by call, as before, so a revoked token is never accepted.
//
// Thread-safe.

#include <atomic>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/caller.h"
#include "gateway/rate_limit.h"
#include "grpcpp/channel.h"
#include "saima/auth/v1/auth.grpc.pb.h"

namespace saima::gateway {

struct Identity {
  Caller caller;
  std::string display_name;
};

class Identities {
 public:
  // `limiter` may be null (no rate limits).
  Identities(std::shared_ptr<grpc::Channel> registry, RateLimiter* limiter);
  // The accounts whose calls count against `bulk` instead (loaders of data; --bulk_users).
  void SetBulkUsers(std::set<std::string> users, RateLimiter* bulk) {
    bulk_users_ = std::move(users);
    bulk_limiter_ = bulk;
  }
  ~Identities();
  Identities(const Identities&) = delete;
  Identities& operator=(const Identities&) = delete;

  // Starts following the registry's signing keys and revocations in the background.
  void Start();

  // The caller of an Authorization header value ("Bearer <token>") from `client` (its address), when that can be
  // decided here: nullopt when the registry must be asked (an API key not seen yet, or while revocations are not
  // followed). UNAUTHENTICATED when absent, malformed, forged, expired or revoked; RESOURCE_EXHAUSTED when the
  // credential used up its rate.
  std::optional<absl::StatusOr<Identity>> TryLocal(const std::string& authorization, const std::string& client);
  // The same, asking the registry when needed (blocks for at most 5 s; UNAVAILABLE when the registry is down).
  absl::StatusOr<Identity> Authenticate(const std::string& authorization, const std::string& client);

  // Whether revocations are followed live (tokens are then verified locally).
  bool in_sync() const { return in_sync_.load(); }

 private:
  struct Token {
    Identity identity;
    int64_t issued_at = 0;
    absl::Time expires;
    std::string key_id;  // the signing key that vouched for it: retired with the key
  };
  struct ApiKey {
    std::string secret_sha256;
    Identity identity;
  };

  std::optional<absl::StatusOr<Identity>> Resolve(const std::string& authorization, const std::string& client);
  absl::StatusOr<Identity> VerifyToken(const std::string& token, const std::string& client);
  absl::StatusOr<Identity> AskRegistry(const std::string& authorization, const std::string& client);
  absl::StatusOr<Identity> Limited(absl::StatusOr<Identity> identity);
  absl::Status RevokedStatus(const Identity& identity, int64_t issued_at) ABSL_SHARED_LOCKS_REQUIRED(mu_);
  absl::Status FetchKeys();
  void Follow();
  void Apply(const saima::auth::v1::Revocation& revocation);

  std::unique_ptr<saima::auth::v1::AuthService::Stub> stub_;
  RateLimiter* limiter_;
  std::set<std::string> bulk_users_;
  RateLimiter* bulk_limiter_ = nullptr;

  mutable absl::Mutex mu_;
  // kid → public key PEM.
  std::unordered_map<std::string, std::string> keys_ ABSL_GUARDED_BY(mu_);
  std::string issuer_ ABSL_GUARDED_BY(mu_);
  absl::Duration max_token_lifetime_ ABSL_GUARDED_BY(mu_) = absl::Hours(8);
  absl::Time keys_fetched_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
  // Verified tokens (the token text → what it says).
  std::unordered_map<std::string, Token> tokens_ ABSL_GUARDED_BY(mu_);
  std::unordered_map<std::string, ApiKey> api_keys_ ABSL_GUARDED_BY(mu_);
  // Revocations: session id → when it can be forgotten; user → tokens issued before this second are refused;
  // revoked API keys (never cached again).
  std::unordered_map<std::string, absl::Time> revoked_sessions_ ABSL_GUARDED_BY(mu_);
  std::unordered_map<std::string, int64_t> user_not_before_ ABSL_GUARDED_BY(mu_);
  std::unordered_set<std::string> revoked_keys_ ABSL_GUARDED_BY(mu_);
  absl::Time last_prune_ ABSL_GUARDED_BY(mu_) = absl::Now();

  std::atomic<bool> in_sync_{false};
  std::atomic<bool> stopping_{false};
  std::atomic<int64_t> sequence_{0};
  absl::Mutex stream_mu_;
  grpc::ClientContext* stream_context_ ABSL_GUARDED_BY(stream_mu_) = nullptr;
  std::thread follower_;
};

}  // namespace saima::gateway

#endif  // SAIMA_GATEWAY_IDENTITY_H_
