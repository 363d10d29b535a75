#include "services/registry/accounts.h"

#include <jwt.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <sodium.h>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/digest.h"
#include "common/pg.h"
#include "common/pg_listener.h"
#include "common/policy.h"
#include "common/serve.h"
#include "common/server.h"
#include "common/status.h"
#include "nlohmann/json.hpp"

namespace saima::registry {
namespace {

constexpr char kIssuer[] = "saima";
constexpr char kApiKeyPrefix[] = "sk_";
constexpr char kRefreshPrefix[] = "rt_";
constexpr char kRevocationChannel[] = "saima_revocations";

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

bool SameHash(const std::string& a, const std::string& b) {
  return a.size() == b.size() && sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

// One message for every failed sign-in: it must not tell which part was wrong.
absl::Status BadCredentials() {
  return Error(absl::StatusCode::kUnauthenticated, "unknown user or wrong password", "用户名或密码错误");
}

absl::Status BadRefresh() {
  return Error(absl::StatusCode::kUnauthenticated, "unknown, spent, expired or revoked refresh token",
               "登录已失效，请重新登录");
}

void ValidateUser(const auth_pb::User& user, Violations& v) {
  if (auto [english, chinese] = UserIdProblem(user.user_id()); !english.empty()) {
    v.Add("user.user_id", english, chinese);
  }
  if (user.display_name().empty() || user.display_name().size() > 100) {
    v.Add("user.display_name", "is required, at most 100 bytes", "姓名必填，最长 33 个汉字");
  }
  if (!IsKnownRole(user.role()) || user.role() == kRoleMachine) {
    v.Add("user.role", "must be unit_staff, dept_reviewer, stats_officer, admin, judge, leader or sysadmin",
          "角色应为单位填报员、主管部门审核员、统计局工作人员、发改局管理员、评委、市领导或系统管理员之一");
  }
  if ((user.role() == kRoleUnitStaff || user.role() == kRoleDeptReviewer) && user.unit_id().empty()) {
    v.Add("user.unit_id", "is required for unit staff and department reviewers",
          "单位填报员和主管部门审核员须指定所属单位");
  }
  if (!user.unit_id().empty() && !IsValidRequestId(user.unit_id())) {
    v.Add("user.unit_id", "must be a unit id (letters, digits, - _ . :)", "所属单位编码无效");
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

// Records a revocation in the same transaction as the change that causes it, and wakes every follower at commit.
// `revoked_at` is in seconds since the epoch.
void Revoke(pqxx::work& txn, auth_pb::RevocationKind kind, const std::string& subject, int64_t revoked_at) {
  const int64_t sequence =
      txn.exec("UPDATE registry.revocation_counter SET last_sequence = last_sequence + 1 RETURNING last_sequence")[0][0]
          .as<int64_t>();
  txn.exec_params0(
      "INSERT INTO registry.revocations (sequence, kind, subject, revoked_at) VALUES ($1, $2, $3, to_timestamp($4))",
      sequence, static_cast<int>(kind), subject, revoked_at);
  txn.exec0(absl::StrCat("NOTIFY ", kRevocationChannel));
}

int64_t NowSeconds() { return absl::ToUnixSeconds(absl::Now()); }

// Tokens of a person changed now are refused if issued in this second or before: the next second on.

// Ends sessions (RETURNING session_id rows) and records each as a revocation.
int RevokeSessions(pqxx::work& txn, const pqxx::result& ended) {
  for (const auto& row : ended) Revoke(txn, auth_pb::REVOCATION_KIND_SESSION, row[0].c_str(), NowSeconds());
  return static_cast<int>(ended.size());
}

}  // namespace

absl::StatusOr<SigningKey> LoadSigningKey(const std::string& pem, const std::string& source) {
  auto invalid = [&source](const std::string& why) {
    return absl::InvalidArgumentError(absl::StrCat(source, ": ", why));
  };
  std::unique_ptr<BIO, void (*)(BIO*)> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), BIO_free_all);
  SigningKey key;
  EVP_PKEY* raw = PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr);
  if (raw != nullptr) {
    key.private_pem = pem;
  } else {
    bio.reset(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    raw = PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr);
  }
  if (raw == nullptr) return invalid("not a PEM key");
  std::unique_ptr<EVP_PKEY, void (*)(EVP_PKEY*)> pkey(raw, EVP_PKEY_free);
  char group[64] = {0};
  size_t group_length = 0;
  if (EVP_PKEY_get_base_id(pkey.get()) != EVP_PKEY_EC ||
      EVP_PKEY_get_group_name(pkey.get(), group, sizeof group, &group_length) != 1 ||
      std::string(group) != "prime256v1") {
    return invalid("not an EC P-256 key (ES256)");
  }
  unsigned char* der = nullptr;
  const int der_length = i2d_PUBKEY(pkey.get(), &der);
  if (der_length <= 0) return invalid("cannot encode the public key");
  key.key_id = Sha256Hex(std::string(reinterpret_cast<char*>(der), der_length)).substr(0, 16);
  OPENSSL_free(der);
  std::unique_ptr<BIO, void (*)(BIO*)> out(BIO_new(BIO_s_mem()), BIO_free_all);
  PEM_write_bio_PUBKEY(out.get(), pkey.get());
  char* data = nullptr;
  const long length = BIO_get_mem_data(out.get(), &data);
  key.public_pem.assign(data, static_cast<size_t>(length));
  return key;
}

absl::StatusOr<std::string> HashPassword(const std::string& password) {
  char hash[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(hash, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                            crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return Error(absl::StatusCode::kResourceExhausted, "not enough memory to hash the password",
                 "系统繁忙，请稍后重试");
  }
  return std::string(hash);
}

bool PasswordMatches(const std::string& hash, const std::string& password) {
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

std::pair<std::string, std::string> PasswordProblem(const std::string& password) {
  if (password.size() < 12) return {"must be at least 12 characters", "密码至少 12 个字符"};
  if (password.size() > 256) return {"must be at most 256 characters", "密码最长 256 个字符"};
  return {};
}

std::pair<std::string, std::string> UserIdProblem(const std::string& user_id) {
  bool valid = !user_id.empty() && user_id.size() <= 64;
  for (char c : user_id) {
    valid = valid && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                      c == '_' || c == '.' || c == '@');
  }
  if (valid) return {};
  return {"is required: 1 to 64 letters, digits or - _ . @", "账号必填，由 1 至 64 个英文字母、数字或 - _ . @ 组成"};
}

Accounts::Accounts(PgPool& pool, AccountSettings settings, PgListener* listener)
    : pool_(pool), settings_(std::move(settings)), listener_(listener) {
  if (sodium_init() < 0) std::abort();
}

std::string Accounts::AccessToken(const auth_pb::User& user, const std::string& session_id) const {
  jwt_t* jwt = nullptr;
  jwt_new(&jwt);
  const int64_t now = NowSeconds();
  jwt_add_header(jwt, "kid", settings_.signing_key.key_id.c_str());
  jwt_add_grant(jwt, "iss", kIssuer);
  jwt_add_grant(jwt, "sub", user.user_id().c_str());
  jwt_add_grant(jwt, "sid", session_id.c_str());
  jwt_add_grant(jwt, "role", user.role().c_str());
  jwt_add_grant(jwt, "unit", user.unit_id().c_str());
  jwt_add_grant(jwt, "name", user.display_name().c_str());
  jwt_add_grant_int(jwt, "iat", now);
  jwt_add_grant_int(jwt, "exp", now + absl::ToInt64Seconds(settings_.access_ttl));
  jwt_set_alg(jwt, JWT_ALG_ES256, reinterpret_cast<const unsigned char*>(settings_.signing_key.private_pem.data()),
              static_cast<int>(settings_.signing_key.private_pem.size()));
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
        tokens.session_id(), user_id, Sha256Hex(tokens.refresh_token()), absl::ToInt64Seconds(settings_.refresh_ttl));
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  tokens.set_expires_in_seconds(absl::ToInt64Seconds(settings_.access_ttl));
  return tokens;
}

absl::StatusOr<auth_pb::SignInResponse> Accounts::SignIn(const Caller& caller, const auth_pb::SignInRequest& request,
                                                         absl::Time deadline) {
  Violations v;
  if (request.user_id().empty()) v.Add("user_id", "is required", "请输入账号");
  if (request.password().empty()) v.Add("password", "is required", "请输入密码");
  if (!v.ok()) return v.ToStatus();
  // Every attempt is counted as a failure before the password is checked (and taken back when it matches), in one
  // statement per counter: concurrent attempts cannot slip past the limit. The counters are the account from this
  // address (whether the account exists or not) and the address.
  const std::string address = caller.client.empty() ? "-" : caller.client;
  const std::string pair_key = Sha256Hex(absl::StrCat("account\n", request.user_id(), "\n", address));
  const std::string address_key = Sha256Hex(absl::StrCat("address\n", address));
  int pair_failures = 0, address_failures = 0;
  auth_pb::User user;
  std::string hash;
  absl::Status status = pool_.Transaction(deadline, [&](pqxx::work& txn) {
    auto count = [&](const std::string& key) {
      return txn
          .exec_params1(
              "INSERT INTO registry.sign_in_failures AS f (key, failures, window_start) "
              "VALUES ($1, 1, now()) ON CONFLICT (key) DO UPDATE SET "
              "failures = CASE WHEN f.window_start < now() - make_interval(secs => $2) THEN 1 "
              "ELSE f.failures + 1 END, "
              "window_start = CASE WHEN f.window_start < now() - make_interval(secs => $2) THEN now() "
              "ELSE f.window_start END RETURNING failures",
              key, absl::ToInt64Seconds(settings_.lockout))[0]
          .as<int>();
    };
    pair_failures = count(pair_key);
    address_failures = count(address_key);
    auto rows = txn.exec_params(
        "SELECT display_name, role, unit_id, password_hash, disabled FROM registry.users WHERE user_id = $1",
        request.user_id());
    if (rows.empty()) return absl::OkStatus();
    user.set_user_id(request.user_id());
    user.set_display_name(rows[0][0].c_str());
    user.set_role(rows[0][1].c_str());
    user.set_unit_id(rows[0][2].c_str());
    hash = rows[0][3].c_str();
    user.set_disabled(rows[0][4].as<bool>());
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  if (address_failures > settings_.max_failed_sign_ins_per_address) {
    return Error(absl::StatusCode::kResourceExhausted,
                 absl::StrCat("too many failed sign-ins from this address: refused for up to ",
                              absl::ToInt64Minutes(settings_.lockout), " minutes"),
                 absl::StrCat("该地址登录失败次数过多，", absl::ToInt64Minutes(settings_.lockout),
                              " 分钟内不能登录，请稍后再试"));
  }
  if (pair_failures > settings_.max_failed_sign_ins) {
    // The same answer whether the account exists or not.
    return Error(absl::StatusCode::kResourceExhausted,
                 absl::StrCat("too many failed sign-ins for this account from this address: refused for up to ",
                              absl::ToInt64Minutes(settings_.lockout), " minutes"),
                 absl::StrCat("该账号连续登录失败次数过多，已锁定 ", absl::ToInt64Minutes(settings_.lockout),
                              " 分钟，请稍后再试"));
  }
  // An unknown user costs the same hashing as a known one, so that timing does not tell them apart.
  static const std::string* const kDummy = new std::string(*HashPassword("saima-dummy-password"));
  const bool matches = PasswordMatches(hash.empty() ? *kDummy : hash, request.password());
  const bool signed_in = matches && !hash.empty() && !user.disabled();
  {
    ScopedWriteContext as_user({hash.empty() ? "-" : user.user_id(), user.role(), "-", caller.client});
    absl::Status counted = pool_.Transaction(deadline, [&](pqxx::work& txn) {
      if (signed_in) {
        // Taken back: a success clears the account's count here and returns the address's one.
        txn.exec_params("DELETE FROM registry.sign_in_failures WHERE key = $1", pair_key);
        txn.exec_params("UPDATE registry.sign_in_failures SET failures = greatest(failures - 1, 0) WHERE key = $1",
                        address_key);
      } else if (!hash.empty()) {
        // A failure of a known account is the account's own audited event.
        txn.exec_params("UPDATE registry.users SET last_failed_at = now() WHERE user_id = $1", user.user_id());
      }
      return absl::OkStatus();
    });
    if (!counted.ok()) return counted;
  }
  if (!signed_in) return BadCredentials();
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
  if (!absl::StartsWith(request.refresh_token(), kRefreshPrefix)) return BadRefresh();
  auth_pb::User user;
  auth_pb::Tokens tokens;
  tokens.set_refresh_token(absl::StrCat(kRefreshPrefix, RandomHex(32)));
  const std::string presented = Sha256Hex(request.refresh_token());
  bool reused = false;
  absl::Status status = pool_.Transaction(deadline, [&](pqxx::work& txn) {
    // Rotation: the presented token is spent in the same statement that issues the next one.
    auto rows = txn.exec_params(
        "UPDATE registry.sessions s SET refresh_hash = $2, refreshed_at = now(), "
        "expires_at = now() + make_interval(secs => $3) FROM registry.users u "
        "WHERE s.refresh_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > now() AND u.user_id = s.user_id "
        "AND NOT u.disabled RETURNING s.session_id, u.user_id, u.display_name, u.role, u.unit_id",
        presented, Sha256Hex(tokens.refresh_token()), absl::ToInt64Seconds(settings_.refresh_ttl));
    if (rows.empty()) {
      // A spent token presented again was copied: whoever holds the session now may be an intruder; end it.
      auto spent =
          txn.exec_params("SELECT session_id FROM registry.spent_refresh_tokens WHERE refresh_hash = $1", presented);
      if (!spent.empty()) {
        reused = true;
        RevokeSessions(txn, txn.exec_params("UPDATE registry.sessions SET revoked_at = now() WHERE session_id = $1 "
                                            "AND revoked_at IS NULL RETURNING session_id",
                                            spent[0][0].c_str()));
      }
      return absl::OkStatus();
    }
    tokens.set_session_id(rows[0][0].c_str());
    user.set_user_id(rows[0][1].c_str());
    user.set_display_name(rows[0][2].c_str());
    user.set_role(rows[0][3].c_str());
    user.set_unit_id(rows[0][4].c_str());
    txn.exec_params0("INSERT INTO registry.spent_refresh_tokens (refresh_hash, session_id) VALUES ($1, $2)", presented,
                     tokens.session_id());
    txn.exec_params0("DELETE FROM registry.spent_refresh_tokens WHERE spent_at < now() - make_interval(secs => $1)",
                     absl::ToInt64Seconds(settings_.refresh_ttl));
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  if (reused) {
    return Error(absl::StatusCode::kUnauthenticated, "refresh token reused: the session is ended",
                 "登录凭证被重复使用，为安全起见会话已结束，请重新登录");
  }
  if (user.user_id().empty()) return BadRefresh();
  tokens.set_access_token(AccessToken(user, tokens.session_id()));
  tokens.set_expires_in_seconds(absl::ToInt64Seconds(settings_.access_ttl));
  auth_pb::RefreshResponse response;
  *response.mutable_tokens() = std::move(tokens);
  return response;
}

absl::StatusOr<auth_pb::SignOutResponse> Accounts::SignOut(const Caller& caller, const auth_pb::SignOutRequest& request,
                                                           absl::Time deadline) {
  if (!request.user_id().empty() && request.user_id() != caller.user_id) {
    if (absl::Status allowed = Authorize(caller, Action::ACTION_MANAGE_ACCOUNTS); !allowed.ok()) return allowed;
  }
  if (request.user_id().empty() && (caller.session_id.empty() || caller.role == kRoleMachine)) {
    return Error(absl::StatusCode::kFailedPrecondition,
                 "the caller has no session to end (an API key is revoked instead)",
                 "API 密钥没有会话，请改为吊销密钥");
  }
  auth_pb::SignOutResponse response;
  absl::Status status = pool_.Transaction(deadline, [&](pqxx::work& txn) {
    auto ended = request.user_id().empty()
                     ? txn.exec_params(
                           "UPDATE registry.sessions SET revoked_at = now() WHERE session_id = $1 AND "
                           "revoked_at IS NULL RETURNING session_id",
                           caller.session_id)
                     : txn.exec_params(
                           "UPDATE registry.sessions SET revoked_at = now() WHERE user_id = $1 AND "
                           "revoked_at IS NULL RETURNING session_id",
                           request.user_id());
    response.set_sessions_revoked(RevokeSessions(txn, ended));
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return response;
}

absl::StatusOr<auth_pb::ChangePasswordResponse> Accounts::ChangePassword(const Caller& caller,
                                                                         const auth_pb::ChangePasswordRequest& request,
                                                                         absl::Time deadline) {
  if (caller.role == kRoleMachine) {
    return Error(absl::StatusCode::kFailedPrecondition, "an API key has no password", "API 密钥没有密码");
  }
  Violations v;
  if (request.current_password().empty()) v.Add("current_password", "is required", "请输入当前密码");
  if (auto [english, chinese] = PasswordProblem(request.new_password()); !english.empty()) {
    v.Add("new_password", english, chinese);
  }
  if (!v.ok()) return v.ToStatus();
  std::string hash;
  absl::Status read = pool_.Transaction(deadline, [&](pqxx::work& txn) {
    auto rows =
        txn.exec_params("SELECT password_hash FROM registry.users WHERE user_id = $1 AND NOT disabled", caller.user_id);
    if (!rows.empty()) hash = rows[0][0].c_str();
    return absl::OkStatus();
  });
  if (!read.ok()) return read;
  if (hash.empty() || !PasswordMatches(hash, request.current_password())) {
    return InvalidField("current_password", "does not match", "当前密码不正确");
  }
  auto new_hash = HashPassword(request.new_password());
  if (!new_hash.ok()) return new_hash.status();
  auth_pb::ChangePasswordResponse response;
  absl::Status status = pool_.Transaction(deadline, [&](pqxx::work& txn) {
    txn.exec_params0("UPDATE registry.users SET password_hash = $2 WHERE user_id = $1", caller.user_id, *new_hash);
    response.set_sessions_revoked(
        RevokeSessions(txn, txn.exec_params("UPDATE registry.sessions SET revoked_at = now() WHERE user_id = $1 AND "
                                            "session_id <> $2 AND revoked_at IS NULL RETURNING session_id",
                                            caller.user_id, caller.session_id)));
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return response;
}

absl::StatusOr<auth_pb::AuthenticateResponse> Accounts::Authenticate(const Caller&,
                                                                     const auth_pb::AuthenticateRequest& request,
                                                                     absl::Time deadline) {
  absl::string_view value = request.authorization();
  if (value.empty()) {
    return Error(absl::StatusCode::kUnauthenticated, "missing Authorization: Bearer <token>", "未登录：请先登录");
  }
  if (!absl::ConsumePrefix(&value, "Bearer ") || value.empty()) {
    return Error(absl::StatusCode::kUnauthenticated, "Authorization must be 'Bearer <token>'",
                 "Authorization 请求头的格式应为“Bearer <令牌>”");
  }
  const std::string credential(value);
  auth_pb::AuthenticateResponse response;
  if (absl::StartsWith(credential, kApiKeyPrefix)) {
    // sk_<key id>_<secret>
    std::vector<std::string> parts = absl::StrSplit(credential.substr(3), absl::MaxSplits('_', 1));
    auto unknown = [] {
      return Error(absl::StatusCode::kUnauthenticated, "unknown or revoked API key", "API 密钥无效或已被吊销");
    };
    if (parts.size() != 2 || parts[0].empty()) return unknown();
    absl::Status status = pool_.Transaction(deadline, [&](pqxx::work& txn) {
      auto rows = txn.exec_params(
          "SELECT name, array_to_string(scopes, ','), secret_hash FROM registry.api_keys WHERE key_id = $1 AND "
          "revoked_at IS NULL",
          parts[0]);
      if (rows.empty() || !SameHash(rows[0][2].c_str(), Sha256Hex(parts[1]))) return unknown();
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
  // An access token: any published key may have signed it (a rotation); the session must still be open, and the
  // role and unit are read now.
  auto invalid = [] { return Error(absl::StatusCode::kUnauthenticated, "invalid token", "登录凭证无效，请重新登录"); };
  std::vector<absl::string_view> segments = absl::StrSplit(credential, '.');
  if (segments.size() != 3) return invalid();
  std::string header_text;
  if (!absl::WebSafeBase64Unescape(segments[0], &header_text)) return invalid();
  const nlohmann::json header = nlohmann::json::parse(header_text, nullptr, false);
  if (!header.is_object() || header.value("alg", "") != "ES256") return invalid();
  const std::string kid = header.value("kid", "");
  const SigningKey* key = settings_.signing_key.key_id == kid ? &settings_.signing_key : nullptr;
  for (const SigningKey& previous : settings_.previous_keys) {
    if (previous.key_id == kid) key = &previous;
  }
  if (key == nullptr) return invalid();
  jwt_t* jwt = nullptr;
  if (jwt_decode(&jwt, credential.c_str(), reinterpret_cast<const unsigned char*>(key->public_pem.data()),
                 static_cast<int>(key->public_pem.size())) != 0 ||
      jwt == nullptr) {
    return invalid();
  }
  std::unique_ptr<jwt_t, void (*)(jwt_t*)> owned(jwt, jwt_free);
  const char* issuer = jwt_get_grant(jwt, "iss");
  const char* session = jwt_get_grant(jwt, "sid");
  const long expires = jwt_get_grant_int(jwt, "exp");
  if (jwt_get_alg(jwt) != JWT_ALG_ES256 || issuer == nullptr || std::string(issuer) != kIssuer || session == nullptr) {
    return invalid();
  }
  if (expires <= NowSeconds()) {
    return Error(absl::StatusCode::kUnauthenticated, "token expired: refresh it or sign in again",
                 "登录已过期，请重新登录");
  }
  const std::string session_id = session;
  absl::Status status = pool_.Transaction(deadline, [&](pqxx::work& txn) {
    auto rows = txn.exec_params(
        "SELECT u.user_id, u.display_name, u.role, u.unit_id FROM registry.sessions s JOIN registry.users u "
        "USING (user_id) WHERE s.session_id = $1 AND s.revoked_at IS NULL AND NOT u.disabled",
        session_id);
    if (rows.empty()) {
      return Error(absl::StatusCode::kUnauthenticated, "session ended: sign in again", "会话已结束，请重新登录");
    }
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

absl::StatusOr<auth_pb::GetSigningKeysResponse> Accounts::GetSigningKeys(const Caller&,
                                                                         const auth_pb::GetSigningKeysRequest&,
                                                                         absl::Time) {
  auth_pb::GetSigningKeysResponse response;
  auto add = [&response](const SigningKey& key, bool current) {
    auto* out = response.add_keys();
    out->set_key_id(key.key_id);
    out->set_algorithm("ES256");
    out->set_public_key_pem(key.public_pem);
    out->set_current(current);
  };
  add(settings_.signing_key, true);
  for (const SigningKey& key : settings_.previous_keys) add(key, false);
  response.set_issuer(kIssuer);
  response.set_max_token_seconds(absl::ToInt64Seconds(settings_.access_ttl));
  return response;
}

absl::Status Accounts::WatchRevocations(const auth_pb::WatchRevocationsRequest& request,
                                        const std::function<bool(const auth_pb::WatchRevocationsResponse&)>& send,
                                        const std::function<bool()>& cancelled) {
  if (request.from_sequence() < 0) {
    return InvalidField("from_sequence", "must not be negative", "起始序号不能为负数");
  }
  int64_t last = request.from_sequence();
  bool in_sync = false;
  absl::Time last_sent = absl::Now();
  // Only revocations that can still matter: a token lives at most access_ttl (the margin covers clock skew).
  const int64_t window = absl::ToInt64Seconds(settings_.access_ttl) + 60;
  while (!cancelled()) {
    const uint64_t seen = listener_ != nullptr ? listener_->count() : 0;
    std::vector<auth_pb::Revocation> batch;
    absl::Status status = pool_.Transaction(absl::Now() + absl::Seconds(10), [&](pqxx::work& txn) {
      auto rows = txn.exec_params(
          "SELECT sequence, kind, subject, extract(epoch FROM revoked_at)::bigint FROM registry.revocations "
          "WHERE sequence > $1 AND ($2 > 0 OR revoked_at > now() - make_interval(secs => $3)) "
          "ORDER BY sequence LIMIT 1000",
          last, request.from_sequence(), window);
      for (const auto& row : rows) {
        auth_pb::Revocation r;
        r.set_sequence(row[0].as<int64_t>());
        r.set_kind(static_cast<auth_pb::RevocationKind>(row[1].as<int>()));
        r.set_subject(row[2].c_str());
        r.set_revoked_at_seconds(row[3].as<int64_t>());
        batch.push_back(std::move(r));
      }
      if (batch.empty() && last == 0) {
        // Nothing in the window: continue from the newest sequence so that later ones are all sent.
        last = txn.exec("SELECT last_sequence FROM registry.revocation_counter")[0][0].as<int64_t>();
      }
      return absl::OkStatus();
    });
    if (!status.ok()) return status;
    for (const auto& r : batch) {
      auth_pb::WatchRevocationsResponse message;
      *message.mutable_revocation() = r;
      if (!send(message)) return absl::OkStatus();
      last = r.sequence();
      last_sent = absl::Now();
    }
    if (batch.size() == 1000) continue;
    // The backlog is sent: from here on the stream is live. A heartbeat keeps idle streams known alive.
    if (!in_sync || absl::Now() - last_sent > absl::Seconds(15)) {
      auth_pb::WatchRevocationsResponse message;
      message.set_in_sync(true);
      if (!send(message)) return absl::OkStatus();
      in_sync = true;
      last_sent = absl::Now();
    }
    if (listener_ != nullptr) {
      listener_->WaitAfter(seen, absl::Seconds(1));
    } else {
      absl::SleepFor(absl::Milliseconds(200));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<auth_pb::CreateUserResponse> Accounts::CreateUser(const Caller& caller,
                                                                 const auth_pb::CreateUserRequest& request,
                                                                 absl::Time deadline) {
  if (absl::Status allowed = Authorize(caller, Action::ACTION_MANAGE_ACCOUNTS); !allowed.ok()) return allowed;
  Violations v;
  ValidateUser(request.user(), v);
  if (auto [english, chinese] = PasswordProblem(request.password()); !english.empty()) {
    v.Add("password", english, chinese);
  }
  if (!v.ok()) return v.ToStatus();
  auto hash = HashPassword(request.password());
  if (!hash.ok()) return hash.status();
  const auth_pb::User& user = request.user();
  absl::Status status = pool_.Transaction(deadline, [&](pqxx::work& txn) {
    auto existing = txn.exec_params("SELECT 1 FROM registry.users WHERE user_id = $1", user.user_id());
    if (!existing.empty()) {
      return Error(absl::StatusCode::kAlreadyExists, absl::StrCat("user ", user.user_id(), " already exists"),
                   absl::StrCat("账号 ", user.user_id(), " 已存在"));
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
  if (absl::Status allowed = Authorize(caller, Action::ACTION_MANAGE_ACCOUNTS); !allowed.ok()) return allowed;
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

absl::StatusOr<auth_pb::UpdateUserResponse> Accounts::UpdateUser(const Caller& caller,
                                                                 const auth_pb::UpdateUserRequest& request,
                                                                 absl::Time deadline) {
  if (absl::Status allowed = Authorize(caller, Action::ACTION_MANAGE_ACCOUNTS); !allowed.ok()) return allowed;
  Violations v;
  if (request.update_mask().paths().empty()) v.Add("update_mask", "must name at least one field", "请至少修改一项");
  for (const std::string& path : request.update_mask().paths()) {
    if (path != "display_name" && path != "role" && path != "unit_id" && path != "disabled") {
      v.Add("update_mask", absl::StrCat("field '", path, "' cannot be changed"),
            absl::StrCat("账号字段“", path, "”不能修改"));
    }
  }
  if (!v.ok()) return v.ToStatus();
  auth_pb::UpdateUserResponse response;
  absl::Status status = pool_.Transaction(deadline, [&](pqxx::work& txn) -> absl::Status {
    auto rows = txn.exec_params(
        "SELECT display_name, role, unit_id, disabled FROM registry.users WHERE user_id = $1 FOR UPDATE",
        request.user().user_id());
    if (rows.empty()) {
      return Error(absl::StatusCode::kNotFound, absl::StrCat("user ", request.user().user_id(), " does not exist"),
                   absl::StrCat("账号 ", request.user().user_id(), " 不存在"));
    }
    auth_pb::User user;
    user.set_user_id(request.user().user_id());
    user.set_display_name(rows[0][0].c_str());
    user.set_role(rows[0][1].c_str());
    user.set_unit_id(rows[0][2].c_str());
    user.set_disabled(rows[0][3].as<bool>());
    const auth_pb::User before = user;
    for (const std::string& path : request.update_mask().paths()) {
      if (path == "display_name") user.set_display_name(request.user().display_name());
      if (path == "role") user.set_role(request.user().role());
      if (path == "unit_id") user.set_unit_id(request.user().unit_id());
      if (path == "disabled") user.set_disabled(request.user().disabled());
    }
    Violations checked;
    ValidateUser(user, checked);
    if (!checked.ok()) return checked.ToStatus();
    txn.exec_params0(
        "UPDATE registry.users SET display_name = $2, role = $3, unit_id = $4, disabled = $5 "
        "WHERE user_id = $1",
        user.user_id(), user.display_name(), user.role(), user.unit_id(), user.disabled());
    // What the person may do changed: their sessions end and the tokens issued before are refused, everywhere,
    // from now on; they sign in again as what they now are.
    if (user.role() != before.role() || user.unit_id() != before.unit_id() || user.disabled() != before.disabled()) {
      Revoke(txn, auth_pb::REVOCATION_KIND_USER, user.user_id(), NowSeconds());
      RevokeSessions(txn, txn.exec_params("UPDATE registry.sessions SET revoked_at = now() WHERE user_id = $1 AND "
                                          "revoked_at IS NULL RETURNING session_id",
                                          user.user_id()));
    }
    *response.mutable_user() = user;
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return response;
}

absl::StatusOr<auth_pb::CreateApiKeyResponse> Accounts::CreateApiKey(const Caller& caller,
                                                                     const auth_pb::CreateApiKeyRequest& request,
                                                                     absl::Time deadline) {
  if (absl::Status allowed = Authorize(caller, Action::ACTION_MANAGE_ACCOUNTS); !allowed.ok()) return allowed;
  Violations v;
  if (request.key().name().empty()) v.Add("key.name", "is required: who uses the key", "须写明使用该密钥的系统");
  if (request.key().scopes().empty()) v.Add("key.scopes", "at least one scope is required", "至少授予一项权限");
  for (int i = 0; i < request.key().scopes_size(); ++i) {
    const std::string& scope = request.key().scopes(i);
    const auto& known = AllApiScopes();
    if (std::find(known.begin(), known.end(), scope) == known.end()) {
      v.Add(absl::StrCat("key.scopes[", i, "]"), absl::StrCat("must be one of ", absl::StrJoin(known, ", ")),
            absl::StrCat("权限应为 ", absl::StrJoin(known, "、"), " 之一"));
    }
  }
  if (!v.ok()) return v.ToStatus();
  const std::string key_id = RandomHex(6);
  const std::string secret = RandomHex(32);
  auth_pb::CreateApiKeyResponse response;
  absl::Status status = pool_.Transaction(deadline, [&](pqxx::work& txn) {
    if (!request.request_id().empty()) {
      auto earlier = txn.exec_params(
          absl::StrCat("SELECT ", kKeyColumns, " FROM registry.api_keys WHERE request_id = $1 AND created_by = $2"),
          request.request_id(), caller.user_id);
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
        key_id, request.key().name(), absl::StrJoin(scopes, ","), Sha256Hex(secret), caller.user_id,
        request.request_id());
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
  if (absl::Status allowed = Authorize(caller, Action::ACTION_MANAGE_ACCOUNTS); !allowed.ok()) return allowed;
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
  if (absl::Status allowed = Authorize(caller, Action::ACTION_MANAGE_ACCOUNTS); !allowed.ok()) return allowed;
  if (request.key_id().empty()) return InvalidField("key_id", "is required", "密钥编号必填");
  auth_pb::RevokeApiKeyResponse response;
  absl::Status status = pool_.Transaction(deadline, [&](pqxx::work& txn) {
    auto rows = txn.exec_params(
        absl::StrCat("UPDATE registry.api_keys SET revoked_at = coalesce(revoked_at, now()) WHERE key_id = $1 "
                     "RETURNING ",
                     kKeyColumns),
        request.key_id());
    if (rows.empty()) {
      return Error(absl::StatusCode::kNotFound, absl::StrCat("no API key ", request.key_id()),
                   absl::StrCat("API 密钥 ", request.key_id(), " 不存在"));
    }
    *response.mutable_key() = KeyFromRow(rows[0]);
    Revoke(txn, auth_pb::REVOCATION_KIND_API_KEY, request.key_id(), NowSeconds());
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
      return Error(
          absl::StatusCode::kInvalidArgument,
          absl::StrCat("line ", number, ": want user_id, role, unit_id, display name, password (tab-separated)"),
          absl::StrCat("第 ", number, " 行应有 5 列(账号、角色、单位、姓名、密码，以制表符分隔)"));
    }
    Line entry;
    entry.user.set_user_id(parts[0]);
    entry.user.set_role(parts[1]);
    entry.user.set_unit_id(parts[2]);
    entry.user.set_display_name(parts[3]);
    Violations v;
    ValidateUser(entry.user, v);
    if (auto [english, chinese] = PasswordProblem(parts[4]); !english.empty()) v.Add("password", english, chinese);
    if (!v.ok()) {
      return Error(absl::StatusCode::kInvalidArgument,
                   absl::StrCat("line ", number, ": ", v.items()[0].field, " ", v.items()[0].description),
                   absl::StrCat("第 ", number, " 行：", v.items()[0].localized));
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

// Sign-in, refresh and the gateway's own calls come before anyone is known: their caller is whoever the metadata
// names, or nobody.
Caller CallerOrAnonymous(const grpc::ServerContext& context) {
  auto caller = CallerFromContext(context);
  if (caller.ok()) return *std::move(caller);
  Caller anonymous("-", "");
  anonymous.client = context.peer();
  auto it = context.client_metadata().find("x-saima-client-bin");
  if (it != context.client_metadata().end()) anonymous.client.assign(it->second.data(), it->second.size());
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
  SAIMA_ANONYMOUS(GetSigningKeys)
#undef SAIMA_ANONYMOUS

#define SAIMA_SERVE(Method)                                                                                     \
  grpc::Status Method(grpc::ServerContext* c, const auth_pb::Method##Request* q, auth_pb::Method##Response* r)  \
      override {                                                                                                \
    return Serve(c, q, r, [this](const Caller& caller, const auth_pb::Method##Request& request, absl::Time d) { \
      return accounts_.Method(caller, request, d);                                                              \
    });                                                                                                         \
  }
  SAIMA_SERVE(SignOut)
  SAIMA_SERVE(ChangePassword)
  SAIMA_SERVE(CreateUser)
  SAIMA_SERVE(ListUsers)
  SAIMA_SERVE(UpdateUser)
  SAIMA_SERVE(CreateApiKey)
  SAIMA_SERVE(ListApiKeys)
  SAIMA_SERVE(RevokeApiKey)
#undef SAIMA_SERVE

  grpc::Status WatchRevocations(grpc::ServerContext* c, const auth_pb::WatchRevocationsRequest* q,
                                grpc::ServerWriter<auth_pb::WatchRevocationsResponse>* writer) override {
    return ToGrpcStatus(accounts_.WatchRevocations(
        *q, [writer](const auth_pb::WatchRevocationsResponse& message) { return writer->Write(message); },
        [c] { return StreamEnded(c); }));
  }

 private:
  Accounts& accounts_;
};

}  // namespace

std::shared_ptr<grpc::Service> MakeAuthService(Accounts& accounts) {
  return std::make_shared<AuthServiceImpl>(accounts);
}

}  // namespace saima::registry
