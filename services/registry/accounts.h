#ifndef SAIMA_SERVICES_REGISTRY_ACCOUNTS_H_
#define SAIMA_SERVICES_REGISTRY_ACCOUNTS_H_

// People, sessions and API keys (proto/saima/auth/v1): Argon2id passwords (libsodium), HS256 access tokens
// (libjwt) naming their session, refresh tokens that rotate on use, API keys "sk_<id>_<secret>" with scopes.
// Secrets are stored only as hashes and never logged.

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/caller.h"
#include "saima/auth/v1/auth.grpc.pb.h"

namespace saima {
class PgPool;
}

namespace saima::registry {

namespace auth_pb = ::saima::auth::v1;

struct AccountSettings {
  std::string signing_key;  // the HS256 key (at least 32 bytes)
  absl::Duration access_ttl = absl::Minutes(15);
  absl::Duration refresh_ttl = absl::Hours(24 * 7);
  // After this many failed sign-ins in a row, the account refuses sign-in for `lockout`.
  int max_failed_sign_ins = 5;
  absl::Duration lockout = absl::Minutes(15);
};

// Argon2id (libsodium's crypto_pwhash_str, interactive limits) and its check.
absl::StatusOr<std::string> HashPassword(const std::string& password);
bool PasswordMatches(const std::string& hash, const std::string& password);
// The rule a new password must meet; empty when it does.
std::string PasswordProblem(const std::string& password);

class Accounts {
 public:
  Accounts(PgPool& pool, AccountSettings settings);

  absl::StatusOr<auth_pb::SignInResponse> SignIn(const Caller& caller, const auth_pb::SignInRequest& request,
                                                 absl::Time deadline);
  absl::StatusOr<auth_pb::RefreshResponse> Refresh(const Caller& caller, const auth_pb::RefreshRequest& request,
                                                   absl::Time deadline);
  absl::StatusOr<auth_pb::SignOutResponse> SignOut(const Caller& caller, const auth_pb::SignOutRequest& request,
                                                   absl::Time deadline);
  absl::StatusOr<auth_pb::AuthenticateResponse> Authenticate(const Caller& caller,
                                                             const auth_pb::AuthenticateRequest& request,
                                                             absl::Time deadline);
  absl::StatusOr<auth_pb::CreateUserResponse> CreateUser(const Caller& caller,
                                                         const auth_pb::CreateUserRequest& request,
                                                         absl::Time deadline);
  absl::StatusOr<auth_pb::ListUsersResponse> ListUsers(const Caller& caller, const auth_pb::ListUsersRequest& request,
                                                       absl::Time deadline);
  absl::StatusOr<auth_pb::CreateApiKeyResponse> CreateApiKey(const Caller& caller,
                                                             const auth_pb::CreateApiKeyRequest& request,
                                                             absl::Time deadline);
  absl::StatusOr<auth_pb::ListApiKeysResponse> ListApiKeys(const Caller& caller,
                                                           const auth_pb::ListApiKeysRequest& request,
                                                           absl::Time deadline);
  absl::StatusOr<auth_pb::RevokeApiKeyResponse> RevokeApiKey(const Caller& caller,
                                                             const auth_pb::RevokeApiKeyRequest& request,
                                                             absl::Time deadline);

  // Creates or replaces accounts from lines "user_id<TAB>role<TAB>unit_id<TAB>display name<TAB>password" (the
  // `saima-registry add-users FILE` command, for the first system administrator and for loading accounts).
  // With `replace` unset only missing accounts are created (--bootstrap_accounts_file at start-up: a password
  // changed since is kept).
  absl::StatusOr<int> AddUsers(const std::string& text, bool replace, absl::Time deadline);

 private:
  absl::StatusOr<auth_pb::Tokens> StartSession(const std::string& user_id, absl::Time deadline);
  std::string AccessToken(const auth_pb::User& user, const std::string& session_id) const;

  PgPool& pool_;
  const AccountSettings settings_;
};

// The gRPC adapter.
std::shared_ptr<grpc::Service> MakeAuthService(Accounts& accounts);

}  // namespace saima::registry

#endif  // SAIMA_SERVICES_REGISTRY_ACCOUNTS_H_
