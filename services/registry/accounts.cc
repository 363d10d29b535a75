#include "services/registry/accounts.h"

#include <jwt.h>
#include <sodium.h>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/pg.h"
#include "common/policy.h"
#include "common/serve.h"
#include "common/status.h"

namespace saima::registry {
namespace {

constexpr char kIssuer[] = "saima";
constexpr char kApiKeyPrefix[] = "sk_";
constexpr char kRefreshPrefix[] = "rt_";
// One message for every failed sign-in: it must not tell which part was wrong.
constexpr char kBadCredentials[] = "unknown user or wrong password";
const char* const kApiScopes[] = {"projects:read", "reports:read"};

std::string Hex(const unsigned char* bytes, size_t n) {
  std::string out(n * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), bytes, n);
  out.pop_back();
  return out;
}

std::string RandomHex(size_t bytes) {
  std::vector<unsigned char> buffer(bytes);
  randombytes_buf(buffer.data(), buffer.size());
  return Hex(buffer.data(), buffer.size());
}

std::string Sha256(const std::string& text) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(text.data()), text.size());
  return Hex(digest, sizeof digest);
}

bool SameHash(const std::string& a, const std::string& b) {
  return a.size() == b.size() && sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

void ValidateUser(const auth_pb::User& user, Violations& v) {
  if (user.user_id().empty() || user.user_id().size() > 64 ||
      user.user_id().find_first_of(" \t\n,:/") != std::string::npos) {
    v.Add("user.user_id", "is required: up to 64 characters without spaces, commas, colons or slashes");
  }
  if (user.display_name().empty()) v.Add("user.display_name", "is required");
  if (!IsKnownRole(user.role()) || user.role() == kRoleMachine) {
    v.Add("user.role", "must be unit_staff, dept_reviewer, stats_officer, admin, judge, leader or sysadmin");
  }
  if ((user.role() == kRoleUnitStaff || user.role() == kRoleDeptReviewer) && user.unit_id().empty()) {
    v.Add("user.unit_id", "is required for unit staff and department reviewers");
  }
}

std::string TimestampText(const pqxx::field& field) { return field.is_null() ? "" : field.c_str(); }

auth_pb::ApiKey KeyFromRow(const pqxx::row& row) {
  auth_pb::ApiKey key;
  key.set_key_id(row["key_id"].c_str());
  key.set_name(row["name"].c_str());
  for (absl::string_view scope : absl::StrSplit(std::string(row["scopes"].c_str()), ',', absl::SkipEmpty())) {
    key.add_scopes(std::string(scope));
  }
  key.set_created_by(row["created_by"].c_str());
  key.set_created_at(TimestampText(row["created_at"]));
  key.set_revoked_at(TimestampText(row["revoked_at"]));
  return key;
}

constexpr char kKeyColumns[] =
    "key_id, name, array_to_string(scopes, ',') AS scopes, created_by, "
    "to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') AS created_at, "
    "to_char(revoked_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') AS revoked_at";

}  // namespace

absl::StatusOr<std::string> HashPassword(const std::string& password) {
  char hash[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(hash, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                            crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return absl::ResourceExhaustedError("not enough memory to hash the password");
  }
  return std::string(hash);
}

bool PasswordMatches(const std::string& hash, const std::string& password) {
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

std::string PasswordProblem(const std::string& password) {
  if (password.size() < 12) return "must be at least 12 characters";
  if (password.size() > 256) return "must be at most 256 characters";
  return "";
}

Accounts::Accounts(PgPool& pool, AccountSettings settings) : pool_(pool), settings_(std::move(settings)) {
  if (sodium_init() < 0) std::abort();
}

std::string Accounts::AccessToken(const auth_pb::User& user, const std::string& session_id) const {
  jwt_t* jwt = nullptr;
  jwt_new(&jwt);
  const int64_t now = absl::ToUnixSeconds(absl::Now());
  jwt_add_grant(jwt, "iss", kIssuer);
  jwt_add_grant(jwt, "sub", user.user_id().c_str());
  jwt_add_grant(jwt, "sid", session_id.c_str());
  jwt_add_grant(jwt, "role", user.role().c_str());
  jwt_add_grant(jwt, "unit", user.unit_id().c_str());
  jwt_add_grant_int(jwt, "iat", now);
  jwt_add_grant_int(jwt, "exp", now + absl::ToInt64Seconds(settings_.access_ttl));
  jwt_set_alg(jwt, JWT_ALG_HS256, reinterpret_cast<const unsigned char*>(settings_.signing_key.data()),
              static_cast<int>(settings_.signing_key.size()));
  char* encoded = jwt_encode_str(jwt);
  std::string token = encoded != nullptr ? encoded : "";
  free(encoded);
  jwt_free(jwt);
  return token;
}

absl::StatusOr<auth_pb::Tokens> Accounts::StartSession(const std::string& user_id, absl::Time deadline) {
  auth_pb::Tokens tokens;
  tokens.set_session_id(RandomHex(16));
  tokens.set_refresh_token(absl::StrCat(kRefreshPrefix, RandomHex(32)));
  absl::Status status = pool_.Transaction(deadline, [&](pqxx::work& txn) {
    txn.exec_params0(
        "INSERT INTO registry.sessions (session_id, user_id, refresh_hash, expires_at) "
        "VALUES ($1, $2, $3, now() + make_interval(secs => $4))",
        tokens.session_id(), user_id, Sha256(tokens.refresh_token()), absl::ToInt64Seconds(settings_.refresh_ttl));
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  tokens.set_expires_in_seconds(absl::ToInt64Seconds(settings_.access_ttl));
  return tokens;
}

absl::StatusOr<auth_pb::SignInResponse> Accounts::SignIn(const Caller& caller, const auth_pb::SignInRequest& request,
                                                         absl::Time deadline) {
  Violations v;
  if (request.user_id().empty()) v.Add("user_id", "is required");
  if (request.password().empty()) v.Add("password", "is required");
  if (!v.ok()) return v.ToStatus();
  auth_pb::User user;
  std::string hash;
  bool locked = false;
  absl::Status status = pool_.Transaction(deadline, [&](pqxx::work& txn) {
    auto rows = txn.exec_params(
        "SELECT display_name, role, unit_id, password_hash, disabled, "
        "failed_sign_ins >= $2 AND last_failed_at > now() - make_interval(secs => $3) "
        "FROM registry.users WHERE user_id = $1",
        request.user_id(), settings_.max_failed_sign_ins, absl::ToInt64Seconds(settings_.lockout));
    if (rows.empty()) return absl::OkStatus();
    user.set_user_id(request.user_id());
    user.set_display_name(rows[0][0].c_str());
    user.set_role(rows[0][1].c_str());
    user.set_unit_id(rows[0][2].c_str());
    hash = rows[0][3].c_str();
    user.set_disabled(rows[0][4].as<bool>());
    locked = rows[0][5].as<bool>();
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  if (locked) {
    return absl::ResourceExhaustedError(absl::StrCat("too many failed sign-ins for this account: it is locked for ",
                                                     absl::ToInt64Minutes(settings_.lockout),
                                                     " minutes after the last one"));
  }
  // An unknown user costs the same hashing as a known one, so that timing does not tell them apart.
  static const std::string* const kDummy = new std::string(*HashPassword("saima-dummy-password"));
  const bool matches = PasswordMatches(hash.empty() ? *kDummy : hash, request.password());
  if (!hash.empty()) {
    // Count the failure (or clear the count) as the account's own event.
    ScopedWriteContext as_user({user.user_id(), user.role(), "-", caller.client});
    absl::Status counted = pool_.Transaction(deadline, [&](pqxx::work& txn) {
      txn.exec_params(matches
                          ? "UPDATE registry.users SET failed_sign_ins = 0 WHERE user_id = $1 AND failed_sign_ins > 0"
                          : "UPDATE registry.users SET failed_sign_ins = failed_sign_ins + 1, last_failed_at = now() "
                            "WHERE user_id = $1",
                      user.user_id());
      return absl::OkStatus();
    });
    if (!counted.ok()) return counted;
  }
  if (hash.empty() || !matches || user.disabled()) return absl::UnauthenticatedError(kBadCredentials);
  // The session row is the signed-in person's own write.
  ScopedWriteContext as_user({user.user_id(), user.role(), "-", caller.client});
  auto tokens = StartSession(user.user_id(), deadline);
  if (!tokens.ok()) return tokens.status();
  tokens->set_access_token(AccessToken(user, tokens->session_id()));
  auth_pb::SignInResponse response;
  *response.mutable_tokens() = *std::move(tokens);
  *response.mutable_user() = std::move(user);
  return response;
}

absl::StatusOr<auth_pb::RefreshResponse> Accounts::Refresh(const Caller& caller, const auth_pb::RefreshRequest& request,
                                                           absl::Time deadline) {
  if (!absl::StartsWith(request.refresh_token(), kRefreshPrefix)) {
    return absl::UnauthenticatedError("unknown, spent, expired or revoked refresh token");
  }
  auth_pb::User user;
  auth_pb::Tokens tokens;
  tokens.set_refresh_token(absl::StrCat(kRefreshPrefix, RandomHex(32)));
  absl::Status status = pool_.Transaction(deadline, [&](pqxx::work& txn) {
    // Rotation: the presented token is spent in the same statement that issues the next one.
    auto rows = txn.exec_params(
        "UPDATE registry.sessions s SET refresh_hash = $2, refreshed_at = now(), "
        "expires_at = now() + make_interval(secs => $3) FROM registry.users u "
        "WHERE s.refresh_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > now() AND u.user_id = s.user_id "
        "AND NOT u.disabled RETURNING s.session_id, u.user_id, u.display_name, u.role, u.unit_id",
        Sha256(request.refresh_token()), Sha256(tokens.refresh_token()), absl::ToInt64Seconds(settings_.refresh_ttl));
    if (rows.empty()) return absl::UnauthenticatedError("unknown, spent, expired or revoked refresh token");
    tokens.set_session_id(rows[0][0].c_str());
    user.set_user_id(rows[0][1].c_str());
    user.set_display_name(rows[0][2].c_str());
    user.set_role(rows[0][3].c_str());
    user.set_unit_id(rows[0][4].c_str());
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  tokens.set_access_token(AccessToken(user, tokens.session_id()));
  tokens.set_expires_in_seconds(absl::ToInt64Seconds(settings_.access_ttl));
  auth_pb::RefreshResponse response;
  *response.mutable_tokens() = std::move(tokens);
  return response;
}

absl::StatusOr<auth_pb::SignOutResponse> Accounts::SignOut(const Caller& caller, const auth_pb::SignOutRequest& request,
                                                           absl::Time deadline) {
  if (!request.user_id().empty() && request.user_id() != caller.user_id) {
    if (absl::Status allowed = Authorize(caller, Action::kManageAccounts); !allowed.ok()) return allowed;
  }
  if (request.user_id().empty() && caller.session_id.empty()) {
    return absl::FailedPreconditionError("the caller has no session to end (an API key is revoked instead)");
  }
  auth_pb::SignOutResponse response;
  absl::Status status = pool_.Transaction(deadline, [&](pqxx::work& txn) {
    auto result = request.user_id().empty()
                      ? txn.exec_params(
                            "UPDATE registry.sessions SET revoked_at = now() WHERE session_id = $1 AND "
                            "revoked_at IS NULL",
                            caller.session_id)
                      : txn.exec_params(
                            "UPDATE registry.sessions SET revoked_at = now() WHERE user_id = $1 AND "
                            "revoked_at IS NULL",
                            request.user_id());
    response.set_sessions_revoked(static_cast<int>(result.affected_rows()));
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return response;
}

absl::StatusOr<auth_pb::AuthenticateResponse> Accounts::Authenticate(const Caller&,
                                                                     const auth_pb::AuthenticateRequest& request,
                                                                     absl::Time deadline) {
  absl::string_view value = request.authorization();
  if (value.empty()) return absl::UnauthenticatedError("missing Authorization: Bearer <token>");
  if (!absl::ConsumePrefix(&value, "Bearer ") || value.empty()) {
    return absl::UnauthenticatedError("Authorization must be 'Bearer <token>'");
  }
  const std::string credential(value);
  auth_pb::AuthenticateResponse response;
  if (absl::StartsWith(credential, kApiKeyPrefix)) {
    // sk_<key id>_<secret>
    std::vector<std::string> parts = absl::StrSplit(credential.substr(3), absl::MaxSplits('_', 1));
    if (parts.size() != 2 || parts[0].empty()) return absl::UnauthenticatedError("unknown or revoked API key");
    absl::Status status = pool_.Transaction(deadline, [&](pqxx::work& txn) {
      auto rows = txn.exec_params(
          "SELECT name, array_to_string(scopes, ','), secret_hash FROM registry.api_keys WHERE key_id = $1 AND "
          "revoked_at IS NULL",
          parts[0]);
      if (rows.empty() || !SameHash(rows[0][2].c_str(), Sha256(parts[1]))) {
        return absl::UnauthenticatedError("unknown or revoked API key");
      }
      auth_pb::User& user = *response.mutable_user();
      user.set_user_id(absl::StrCat("apikey:", parts[0]));
      user.set_display_name(rows[0][0].c_str());
      user.set_role(kRoleMachine);
      for (absl::string_view scope : absl::StrSplit(std::string(rows[0][1].c_str()), ',', absl::SkipEmpty())) {
        response.add_scopes(std::string(scope));
      }
      response.set_session_id(parts[0]);
      return absl::OkStatus();
    });
    if (!status.ok()) return status;
    return response;
  }
  jwt_t* jwt = nullptr;
  if (jwt_decode(&jwt, credential.c_str(), reinterpret_cast<const unsigned char*>(settings_.signing_key.data()),
                 static_cast<int>(settings_.signing_key.size())) != 0 ||
      jwt == nullptr) {
    return absl::UnauthenticatedError("invalid token");
  }
  std::unique_ptr<jwt_t, void (*)(jwt_t*)> owned(jwt, jwt_free);
  const char* issuer = jwt_get_grant(jwt, "iss");
  const char* session = jwt_get_grant(jwt, "sid");
  const long expires = jwt_get_grant_int(jwt, "exp");
  if (jwt_get_alg(jwt) != JWT_ALG_HS256 || issuer == nullptr || std::string(issuer) != kIssuer || session == nullptr) {
    return absl::UnauthenticatedError("invalid token");
  }
  if (expires <= absl::ToUnixSeconds(absl::Now())) {
    return absl::UnauthenticatedError("token expired: refresh it or sign in again");
  }
  const std::string session_id = session;
  absl::Status status = pool_.Transaction(deadline, [&](pqxx::work& txn) {
    // The session must still be open, and the role and unit are read now: a change or a revocation applies at once.
    auto rows = txn.exec_params(
        "SELECT u.user_id, u.display_name, u.role, u.unit_id FROM registry.sessions s JOIN registry.users u "
        "USING (user_id) WHERE s.session_id = $1 AND s.revoked_at IS NULL AND NOT u.disabled",
        session_id);
    if (rows.empty()) return absl::UnauthenticatedError("session ended: sign in again");
    auth_pb::User& user = *response.mutable_user();
    user.set_user_id(rows[0][0].c_str());
    user.set_display_name(rows[0][1].c_str());
    user.set_role(rows[0][2].c_str());
    user.set_unit_id(rows[0][3].c_str());
    response.set_session_id(session_id);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return response;
}

absl::StatusOr<auth_pb::CreateUserResponse> Accounts::CreateUser(const Caller& caller,
                                                                 const auth_pb::CreateUserRequest& request,
                                                                 absl::Time deadline) {
  if (absl::Status allowed = Authorize(caller, Action::kManageAccounts); !allowed.ok()) return allowed;
  Violations v;
  ValidateUser(request.user(), v);
  if (std::string problem = PasswordProblem(request.password()); !problem.empty()) v.Add("password", problem);
  if (!v.ok()) return v.ToStatus();
  auto hash = HashPassword(request.password());
  if (!hash.ok()) return hash.status();
  const auth_pb::User& user = request.user();
  absl::Status status = pool_.Transaction(deadline, [&](pqxx::work& txn) {
    auto existing = txn.exec_params("SELECT 1 FROM registry.users WHERE user_id = $1", user.user_id());
    if (!existing.empty()) {
      return absl::AlreadyExistsError(absl::StrCat("user ", user.user_id(), " already exists"));
    }
    txn.exec_params0(
        "INSERT INTO registry.users (user_id, display_name, role, unit_id, password_hash) VALUES ($1, $2, $3, $4, $5)",
        user.user_id(), user.display_name(), user.role(), user.unit_id(), *hash);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  auth_pb::CreateUserResponse response;
  *response.mutable_user() = user;
  response.mutable_user()->set_disabled(false);
  return response;
}

absl::StatusOr<auth_pb::ListUsersResponse> Accounts::ListUsers(const Caller& caller, const auth_pb::ListUsersRequest&,
                                                               absl::Time deadline) {
  if (absl::Status allowed = Authorize(caller, Action::kManageAccounts); !allowed.ok()) return allowed;
  auth_pb::ListUsersResponse response;
  absl::Status status = pool_.Transaction(deadline, [&](pqxx::work& txn) {
    for (const auto& row :
         txn.exec("SELECT user_id, display_name, role, unit_id, disabled FROM registry.users ORDER BY user_id")) {
      auth_pb::User& user = *response.add_users();
      user.set_user_id(row[0].c_str());
      user.set_display_name(row[1].c_str());
      user.set_role(row[2].c_str());
      user.set_unit_id(row[3].c_str());
      user.set_disabled(row[4].as<bool>());
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return response;
}

absl::StatusOr<auth_pb::CreateApiKeyResponse> Accounts::CreateApiKey(const Caller& caller,
                                                                     const auth_pb::CreateApiKeyRequest& request,
                                                                     absl::Time deadline) {
  if (absl::Status allowed = Authorize(caller, Action::kManageAccounts); !allowed.ok()) return allowed;
  Violations v;
  if (request.key().name().empty()) v.Add("key.name", "is required: who uses the key");
  if (request.key().scopes().empty()) v.Add("key.scopes", "at least one scope is required");
  for (int i = 0; i < request.key().scopes_size(); ++i) {
    const std::string& scope = request.key().scopes(i);
    if (std::find(std::begin(kApiScopes), std::end(kApiScopes), scope) == std::end(kApiScopes)) {
      v.Add(absl::StrCat("key.scopes[", i, "]"), absl::StrCat("must be one of ", absl::StrJoin(kApiScopes, ", ")));
    }
  }
  if (!v.ok()) return v.ToStatus();
  const std::string key_id = RandomHex(6);
  const std::string secret = RandomHex(32);
  auth_pb::CreateApiKeyResponse response;
  absl::Status status = pool_.Transaction(deadline, [&](pqxx::work& txn) {
    if (!request.request_id().empty()) {
      auto earlier = txn.exec_params(
          absl::StrCat("SELECT ", kKeyColumns, " FROM registry.api_keys WHERE request_id = $1"), request.request_id());
      if (!earlier.empty()) {
        // The secret was shown once, to the first request; a retry gets the key without it.
        *response.mutable_key() = KeyFromRow(earlier[0]);
        return absl::OkStatus();
      }
    }
    std::vector<std::string> scopes(request.key().scopes().begin(), request.key().scopes().end());
    auto row = txn.exec_params1(
        absl::StrCat("INSERT INTO registry.api_keys (key_id, name, scopes, secret_hash, created_by, request_id) "
                     "VALUES ($1, $2, string_to_array($3, ','), $4, $5, nullif($6, '')) RETURNING ",
                     kKeyColumns),
        key_id, request.key().name(), absl::StrJoin(scopes, ","), Sha256(secret), caller.user_id, request.request_id());
    *response.mutable_key() = KeyFromRow(row);
    response.set_api_key(absl::StrCat(kApiKeyPrefix, key_id, "_", secret));
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return response;
}

absl::StatusOr<auth_pb::ListApiKeysResponse> Accounts::ListApiKeys(const Caller& caller,
                                                                   const auth_pb::ListApiKeysRequest&,
                                                                   absl::Time deadline) {
  if (absl::Status allowed = Authorize(caller, Action::kManageAccounts); !allowed.ok()) return allowed;
  auth_pb::ListApiKeysResponse response;
  absl::Status status = pool_.Transaction(deadline, [&](pqxx::work& txn) {
    for (const auto& row :
         txn.exec(absl::StrCat("SELECT ", kKeyColumns, " FROM registry.api_keys ORDER BY created_at"))) {
      *response.add_keys() = KeyFromRow(row);
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return response;
}

absl::StatusOr<auth_pb::RevokeApiKeyResponse> Accounts::RevokeApiKey(const Caller& caller,
                                                                     const auth_pb::RevokeApiKeyRequest& request,
                                                                     absl::Time deadline) {
  if (absl::Status allowed = Authorize(caller, Action::kManageAccounts); !allowed.ok()) return allowed;
  if (request.key_id().empty()) return InvalidField("key_id", "is required");
  auth_pb::RevokeApiKeyResponse response;
  absl::Status status = pool_.Transaction(deadline, [&](pqxx::work& txn) {
    auto rows = txn.exec_params(
        absl::StrCat("UPDATE registry.api_keys SET revoked_at = coalesce(revoked_at, now()) WHERE key_id = $1 "
                     "RETURNING ",
                     kKeyColumns),
        request.key_id());
    if (rows.empty()) return absl::NotFoundError(absl::StrCat("no API key ", request.key_id()));
    *response.mutable_key() = KeyFromRow(rows[0]);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return response;
}

absl::StatusOr<int> Accounts::AddUsers(const std::string& text, bool replace, absl::Time deadline) {
  struct Line {
    auth_pb::User user;
    std::string hash;
  };
  std::vector<Line> lines;
  int number = 0;
  for (absl::string_view raw : absl::StrSplit(text, '\n')) {
    ++number;
    absl::string_view line = absl::StripTrailingAsciiWhitespace(raw);
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> parts = absl::StrSplit(line, '\t');
    if (parts.size() != 5) {
      return absl::InvalidArgumentError(
          absl::StrCat("line ", number, ": want user_id, role, unit_id, display name, password (tab-separated)"));
    }
    Line entry;
    entry.user.set_user_id(parts[0]);
    entry.user.set_role(parts[1]);
    entry.user.set_unit_id(parts[2]);
    entry.user.set_display_name(parts[3]);
    Violations v;
    ValidateUser(entry.user, v);
    if (std::string problem = PasswordProblem(parts[4]); !problem.empty()) v.Add("password", problem);
    if (!v.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("line ", number, ": ", v.items()[0].first, " ", v.items()[0].second));
    }
    auto hash = HashPassword(parts[4]);
    if (!hash.ok()) return hash.status();
    entry.hash = *std::move(hash);
    lines.push_back(std::move(entry));
  }
  ScopedWriteContext operator_context({"system:add-users", kRoleSysadmin, "-", "local"});
  int written = 0;
  absl::Status status = pool_.Transaction(deadline, [&](pqxx::work& txn) {
    for (const Line& line : lines) {
      auto result = txn.exec_params(
          absl::StrCat("INSERT INTO registry.users (user_id, display_name, role, unit_id, password_hash) "
                       "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (user_id) DO ",
                       replace ? "UPDATE SET display_name = excluded.display_name, role = excluded.role, "
                                 "unit_id = excluded.unit_id, password_hash = excluded.password_hash, disabled = false"
                               : "NOTHING"),
          line.user.user_id(), line.user.display_name(), line.user.role(), line.user.unit_id(), line.hash);
      written += static_cast<int>(result.affected_rows());
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return written;
}

namespace {

// Sign-in, refresh and authentication come before anyone is known: their caller is whoever the metadata names,
// or nobody.
Caller CallerOrAnonymous(const grpc::ServerContext& context) {
  auto caller = CallerFromContext(context);
  if (caller.ok()) return *std::move(caller);
  Caller anonymous("-", "");
  anonymous.client = context.peer();
  return anonymous;
}

class AuthServiceImpl final : public auth_pb::AuthService::Service {
 public:
  explicit AuthServiceImpl(Accounts& accounts) : accounts_(accounts) {}

#define SAIMA_ANONYMOUS(Method)                                                                                \
  grpc::Status Method(grpc::ServerContext* c, const auth_pb::Method##Request* q, auth_pb::Method##Response* r) \
      override {                                                                                               \
    auto result = accounts_.Method(CallerOrAnonymous(*c), *q, DeadlineOf(*c));                                 \
    if (!result.ok()) return ToGrpcStatus(result.status());                                                    \
    *r = *std::move(result);                                                                                   \
    return grpc::Status::OK;                                                                                   \
  }
  SAIMA_ANONYMOUS(SignIn)
  SAIMA_ANONYMOUS(Refresh)
  SAIMA_ANONYMOUS(Authenticate)
#undef SAIMA_ANONYMOUS

#define SAIMA_SERVE(Method)                                                                                     \
  grpc::Status Method(grpc::ServerContext* c, const auth_pb::Method##Request* q, auth_pb::Method##Response* r)  \
      override {                                                                                                \
    return Serve(c, q, r, [this](const Caller& caller, const auth_pb::Method##Request& request, absl::Time d) { \
      return accounts_.Method(caller, request, d);                                                              \
    });                                                                                                         \
  }
  SAIMA_SERVE(SignOut)
  SAIMA_SERVE(CreateUser)
  SAIMA_SERVE(ListUsers)
  SAIMA_SERVE(CreateApiKey)
  SAIMA_SERVE(ListApiKeys)
  SAIMA_SERVE(RevokeApiKey)
#undef SAIMA_SERVE

 private:
  Accounts& accounts_;
};

}  // namespace

std::shared_ptr<grpc::Service> MakeAuthService(Accounts& accounts) {
  return std::make_shared<AuthServiceImpl>(accounts);
}

}  // namespace saima::registry
