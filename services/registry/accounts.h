#ifndef SAIMA_SERVICES_REGISTRY_ACCOUNTS_H_
#define SAIMA_SERVICES_REGISTRY_ACCOUNTS_H_

// People, sessions and API keys (proto/saima/auth/v1): Argon2id passwords (libsodium), access tokens signed with
// ES256 (libjwt, OpenSSL) naming their session and verified by the gateways with the published public keys,
// refresh tokens that rotate on use (a spent one presented again ends its session), API keys "sk_<id>_<secret>"
// with scopes. Every revocation is recorded in registry.revocations and announced with NOTIFY, so the gateways
// following WatchRevocations apply it within a second. Secrets are stored only as hashes and never logged.

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/caller.h"
#include "saima/auth/v1/auth.grpc.pb.h"

namespace saima {
class PgPool;
class PgListener;
}  // namespace saima

namespace saima::registry {

namespace auth_pb = ::saima::auth::v1;

// An ES256 key pair (or, for a previous key, only its public half).
struct SigningKey {
  // The first 16 hex digits of the SHA-256 of the public key (DER), carried as the token's "kid".
  std::string key_id;
  std::string private_pem;  // empty for previous keys
  std::string public_pem;
};

// Reads a PEM EC P-256 key (private, or public for previous keys). INVALID_ARGUMENT naming the file.
absl::StatusOr<SigningKey> LoadSigningKey(const std::string& pem, const std::string& source);

struct AccountSettings {
  // Signs new tokens; `previous` are still accepted (published) during a rotation.
  SigningKey signing_key;
  std::vector<SigningKey> previous_keys;
  absl::Duration access_ttl = absl::Minutes(15);
  absl::Duration refresh_ttl = absl::Hours(24 * 7);
  // After this many failed sign-ins within `lockout`, an account refuses sign-in from that client address for the
  // rest of it (from other addresses it does not: an outsider cannot lock someone out); after
  // `max_failed_sign_ins_per_address` failures from one address, that address is refused sign-in altogether.
  int max_failed_sign_ins = 5;
  int max_failed_sign_ins_per_address = 20;
  absl::Duration lockout = absl::Minutes(15);
};

// Argon2id (libsodium's crypto_pwhash_str, interactive limits) and its check.
absl::StatusOr<std::string> HashPassword(const std::string& password);
bool PasswordMatches(const std::string& hash, const std::string& password);
// The rule a new password must meet, in English and Chinese; empty when it does.
std::pair<std::string, std::string> PasswordProblem(const std::string& password);
// The rule a user id must meet (letters, digits and - _ . @, at most 64 characters), or empty.
std::pair<std::string, std::string> UserIdProblem(const std::string& user_id);

class Accounts {
 public:
  // `listener` wakes revocation streams (LISTEN saima_revocations); may be null (streams then poll each second).
  Accounts(PgPool& pool, AccountSettings settings, PgListener* listener = nullptr);

  absl::StatusOr<auth_pb::SignInResponse> SignIn(const Caller& caller, const auth_pb::SignInRequest& request,
                                                 absl::Time deadline);
  absl::StatusOr<auth_pb::RefreshResponse> Refresh(const Caller& caller, const auth_pb::RefreshRequest& request,
                                                   absl::Time deadline);
  absl::StatusOr<auth_pb::SignOutResponse> SignOut(const Caller& caller, const auth_pb::SignOutRequest& request,
                                                   absl::Time deadline);
  absl::StatusOr<auth_pb::ChangePasswordResponse> ChangePassword(const Caller& caller,
                                                                 const auth_pb::ChangePasswordRequest& request,
                                                                 absl::Time deadline);
  absl::StatusOr<auth_pb::AuthenticateResponse> Authenticate(const Caller& caller,
                                                             const auth_pb::AuthenticateRequest& request,
                                                             absl::Time deadline);
  absl::StatusOr<auth_pb::GetSigningKeysResponse> GetSigningKeys(const Caller& caller,
                                                                 const auth_pb::GetSigningKeysRequest& request,
                                                                 absl::Time deadline);
  // Sends revocations after request.from_sequence (see auth.proto), then follows new ones until `cancelled`.
  absl::Status WatchRevocations(const auth_pb::WatchRevocationsRequest& request,
                                const std::function<bool(const auth_pb::WatchRevocationsResponse&)>& send,
                                const std::function<bool()>& cancelled);
  absl::StatusOr<auth_pb::CreateUserResponse> CreateUser(const Caller& caller,
                                                         const auth_pb::CreateUserRequest& request,
                                                         absl::Time deadline);
  absl::StatusOr<auth_pb::ListUsersResponse> ListUsers(const Caller& caller, const auth_pb::ListUsersRequest& request,
                                                       absl::Time deadline);
  absl::StatusOr<auth_pb::UpdateUserResponse> UpdateUser(const Caller& caller,
                                                         const auth_pb::UpdateUserRequest& request,
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
  PgListener* listener_;
};

std::shared_ptr<grpc::Service> MakeAuthService(Accounts& accounts);

}  // namespace saima::registry

#endif  // SAIMA_SERVICES_REGISTRY_ACCOUNTS_H_
