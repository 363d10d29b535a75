#include "gateway/identity.h"

#include <jwt.h>
#include <openssl/crypto.h>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/client.h"
#include "common/digest.h"
#include "common/status.h"
#include "nlohmann/json.hpp"
#include "spdlog/spdlog.h"

namespace saima::gateway {
namespace {

namespace auth = ::saima::auth::v1;

constexpr char kApiKeyPrefix[] = "sk_";
constexpr size_t kMaxCachedTokens = 200000;
constexpr size_t kMaxCachedKeys = 10000;
// Tokens and API keys are at most this long; anything longer is refused before any work.
constexpr size_t kMaxCredentialBytes = 4096;

absl::Status Unauthenticated(const std::string& english, const std::string& chinese) {
  return Error(absl::StatusCode::kUnauthenticated, english, chinese);
}

absl::Status Invalid() { return Unauthenticated("invalid token", "登录凭证无效，请重新登录"); }

// The JSON of a JWT's header or claims segment; discarded when it is not base64url JSON.
nlohmann::json Segment(absl::string_view segment) {
  std::string text;
  if (!absl::WebSafeBase64Unescape(segment, &text)) return nlohmann::json::value_t::discarded;
  return nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
}

std::string StringClaim(const nlohmann::json& claims, const char* name) {
  auto it = claims.find(name);
  return it != claims.end() && it->is_string() ? it->get<std::string>() : "";
}

}  // namespace

Identities::Identities(std::shared_ptr<grpc::Channel> registry, RateLimiter* limiter)
    : stub_(auth::AuthService::NewStub(registry)), limiter_(limiter) {}

Identities::~Identities() {
  stopping_.store(true);
  {
    absl::MutexLock lock(&stream_mu_);
    if (stream_context_ != nullptr) stream_context_->TryCancel();
  }
  if (follower_.joinable()) follower_.join();
}

void Identities::Start() {
  follower_ = std::thread([this] { Follow(); });
}

std::optional<absl::StatusOr<Identity>> Identities::TryLocal(const std::string& authorization,
                                                             const std::string& client) {
  auto resolved = Resolve(authorization, client);
  if (!resolved.has_value()) return std::nullopt;
  return Limited(*std::move(resolved));
}

absl::StatusOr<Identity> Identities::Authenticate(const std::string& authorization, const std::string& client) {
  auto resolved = Resolve(authorization, client);
  if (resolved.has_value()) return Limited(*std::move(resolved));
  return Limited(AskRegistry(authorization, client));
}

absl::StatusOr<Identity> Identities::Limited(absl::StatusOr<Identity> identity) {
  if (!identity.ok() || limiter_ == nullptr) return identity;
  // One bucket per session (or API key): a person signed in twice has two.
  // Accounts that load data in bulk (--bulk_users) have a limit that fits an import.
  RateLimiter* limiter =
      bulk_limiter_ != nullptr && bulk_users_.count(identity->caller.user_id) > 0 ? bulk_limiter_ : limiter_;
  if (!limiter->Allow(identity->caller.session_id, absl::Now())) {
    return WithRetryAfter(
        Error(absl::StatusCode::kResourceExhausted,
              absl::StrCat("rate limit of ", limiter->per_second(), " calls per second for this token exceeded; ",
                           "retry after ", limiter->RetryAfterSeconds(), " s"),
              absl::StrCat("请求过于频繁，请 ", limiter->RetryAfterSeconds(), " 秒后重试")),
        absl::Seconds(limiter->RetryAfterSeconds()));
  }
  return identity;
}

std::optional<absl::StatusOr<Identity>> Identities::Resolve(const std::string& authorization,
                                                            const std::string& client) {
  absl::string_view value = authorization;
  if (value.empty()) {
    return absl::StatusOr<Identity>(
        Unauthenticated("missing Authorization: Bearer <token>", "未登录：请先登录(缺少 Authorization 请求头)"));
  }
  if (!absl::ConsumePrefix(&value, "Bearer ") || value.empty() || value.size() > kMaxCredentialBytes) {
    return absl::StatusOr<Identity>(
        Unauthenticated("Authorization must be 'Bearer <token>'", "Authorization 请求头的格式应为“Bearer <令牌>”"));
  }
  const std::string credential(value);
  if (absl::StartsWith(credential, kApiKeyPrefix)) {
    std::vector<std::string> parts = absl::StrSplit(credential.substr(3), absl::MaxSplits('_', 1));
    if (parts.size() != 2 || parts[0].empty()) {
      return absl::StatusOr<Identity>(Unauthenticated("unknown or revoked API key", "API 密钥无效或已被吊销"));
    }
    absl::ReaderMutexLock lock(&mu_);
    if (!in_sync_.load()) return std::nullopt;
    if (revoked_keys_.count(parts[0]) > 0) {
      return absl::StatusOr<Identity>(Unauthenticated("unknown or revoked API key", "API 密钥无效或已被吊销"));
    }
    auto it = api_keys_.find(parts[0]);
    if (it == api_keys_.end()) return std::nullopt;
    const std::string hash = Sha256Hex(parts[1]);
    if (hash.size() != it->second.secret_sha256.size() ||
        CRYPTO_memcmp(hash.data(), it->second.secret_sha256.data(), hash.size()) != 0) {
      return absl::StatusOr<Identity>(Unauthenticated("unknown or revoked API key", "API 密钥无效或已被吊销"));
    }
    Identity identity = it->second.identity;
    identity.caller.client = client;
    return absl::StatusOr<Identity>(std::move(identity));
  }
  if (!in_sync_.load()) return std::nullopt;
  return VerifyToken(credential, client);
}

absl::Status Identities::RevokedStatus(const Identity& identity, int64_t issued_at) {
  if (revoked_sessions_.count(identity.caller.session_id) > 0) {
    return Unauthenticated("session ended: sign in again", "会话已结束，请重新登录");
  }
  auto it = user_not_before_.find(identity.caller.user_id);
  if (it != user_not_before_.end() && issued_at < it->second) {
    return Unauthenticated("the account changed since this token was issued: refresh it or sign in again",
                           "账号信息已变更，请重新登录");
  }
  return absl::OkStatus();
}

absl::StatusOr<Identity> Identities::VerifyToken(const std::string& token, const std::string& client) {
  const absl::Time now = absl::Now();
  {
    absl::ReaderMutexLock lock(&mu_);
    auto it = tokens_.find(token);
    if (it != tokens_.end()) {
      if (it->second.expires <= now) {
        return Unauthenticated("token expired: refresh it or sign in again", "登录已过期，请重新登录");
      }
      if (absl::Status revoked = RevokedStatus(it->second.identity, it->second.issued_at); !revoked.ok()) {
        return revoked;
      }
      Identity identity = it->second.identity;
      identity.caller.client = client;
      return identity;
    }
  }
  // Not seen yet: check the header before any cryptography, then the signature with the key it names.
  std::vector<absl::string_view> parts = absl::StrSplit(token, '.');
  if (parts.size() != 3) return Invalid();
  const nlohmann::json header = Segment(parts[0]);
  if (!header.is_object() || StringClaim(header, "alg") != "ES256") return Invalid();
  const std::string kid = StringClaim(header, "kid");
  std::string pem;
  std::string issuer;
  {
    absl::ReaderMutexLock lock(&mu_);
    auto key = keys_.find(kid);
    if (key != keys_.end()) pem = key->second;
    issuer = issuer_;
  }
  if (pem.empty()) {
    // A key the gateway has not fetched yet (a rotation): fetch at most once a second.
    bool fetch = false;
    {
      absl::MutexLock lock(&mu_);
      if (now - keys_fetched_ > absl::Seconds(1)) {
        keys_fetched_ = now;
        fetch = true;
      }
    }
    if (fetch) (void)FetchKeys();
    absl::ReaderMutexLock lock(&mu_);
    auto key = keys_.find(kid);
    if (key == keys_.end()) return Invalid();
    pem = key->second;
    issuer = issuer_;
  }
  jwt_t* jwt = nullptr;
  if (jwt_decode(&jwt, token.c_str(), reinterpret_cast<const unsigned char*>(pem.data()),
                 static_cast<int>(pem.size())) != 0 ||
      jwt == nullptr) {
    return Invalid();
  }
  std::unique_ptr<jwt_t, void (*)(jwt_t*)> owned(jwt, jwt_free);
  if (jwt_get_alg(jwt) != JWT_ALG_ES256) return Invalid();
  const nlohmann::json claims = Segment(parts[1]);
  if (!claims.is_object() || StringClaim(claims, "iss") != issuer || StringClaim(claims, "sub").empty() ||
      StringClaim(claims, "sid").empty() || !claims.contains("exp") || !claims["exp"].is_number_integer() ||
      !claims.contains("iat") || !claims["iat"].is_number_integer()) {
    return Invalid();
  }
  Token entry;
  entry.identity.caller = Caller(StringClaim(claims, "sub"), StringClaim(claims, "role"), StringClaim(claims, "unit"));
  entry.identity.caller.session_id = StringClaim(claims, "sid");
  entry.identity.display_name = StringClaim(claims, "name");
  entry.issued_at = claims["iat"].get<int64_t>();
  entry.key_id = kid;
  entry.expires = absl::FromUnixSeconds(claims["exp"].get<int64_t>());
  if (!IsKnownRole(entry.identity.caller.role) || entry.identity.caller.role == kRoleMachine) return Invalid();
  if (entry.expires <= now) {
    return Unauthenticated("token expired: refresh it or sign in again", "登录已过期，请重新登录");
  }
  absl::MutexLock lock(&mu_);
  if (absl::Status revoked = RevokedStatus(entry.identity, entry.issued_at); !revoked.ok()) return revoked;
  if (now - last_prune_ > absl::Minutes(1) || tokens_.size() >= kMaxCachedTokens) {
    for (auto it = tokens_.begin(); it != tokens_.end();) it = it->second.expires <= now ? tokens_.erase(it) : ++it;
    for (auto it = revoked_sessions_.begin(); it != revoked_sessions_.end();) {
      it = it->second <= now ? revoked_sessions_.erase(it) : ++it;
    }
    last_prune_ = now;
  }
  if (tokens_.size() < kMaxCachedTokens) tokens_.emplace(token, entry);
  Identity identity = entry.identity;
  identity.caller.client = client;
  return identity;
}

absl::StatusOr<Identity> Identities::AskRegistry(const std::string& authorization, const std::string& client) {
  const int64_t sequence_before = sequence_.load();
  auth::AuthenticateRequest request;
  request.set_authorization(authorization);
  auto context = CallContext(std::chrono::milliseconds(5000));
  context->AddMetadata("x-saima-client-bin", client);
  auth::AuthenticateResponse answer;
  grpc::Status status = stub_->Authenticate(context.get(), request, &answer);
  if (!status.ok()) {
    if (status.error_code() == grpc::StatusCode::UNAVAILABLE ||
        status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED) {
      return Error(absl::StatusCode::kUnavailable, "registry is unavailable; retry shortly",
                   "身份核验服务暂不可用，请稍后重试");
    }
    return FromGrpcStatus(status);
  }
  Identity identity;
  identity.caller = Caller(answer.user().user_id(), answer.user().role(), answer.user().unit_id(), client);
  identity.caller.session_id = answer.session_id();
  identity.caller.scopes.assign(answer.scopes().begin(), answer.scopes().end());
  identity.display_name = answer.user().display_name();
  // An API key the registry vouched for is held until it is revoked, unless a revocation arrived meanwhile.
  absl::string_view value = authorization;
  if (identity.caller.role == kRoleMachine && absl::ConsumePrefix(&value, "Bearer ") &&
      absl::ConsumePrefix(&value, kApiKeyPrefix)) {
    std::vector<std::string> parts = absl::StrSplit(value, absl::MaxSplits('_', 1));
    absl::MutexLock lock(&mu_);
    if (parts.size() == 2 && in_sync_.load() && sequence_.load() == sequence_before &&
        revoked_keys_.count(parts[0]) == 0 && api_keys_.size() < kMaxCachedKeys) {
      ApiKey key{Sha256Hex(parts[1]), identity};
      key.identity.caller.client.clear();
      api_keys_[parts[0]] = std::move(key);
    }
  }
  return identity;
}

absl::Status Identities::FetchKeys() {
  auto context = CallContext(std::chrono::milliseconds(3000));
  auth::GetSigningKeysResponse response;
  grpc::Status status = stub_->GetSigningKeys(context.get(), auth::GetSigningKeysRequest(), &response);
  if (!status.ok()) return FromGrpcStatus(status);
  absl::MutexLock lock(&mu_);
  keys_.clear();
  for (const auto& key : response.keys()) {
    if (key.algorithm() == "ES256") keys_[key.key_id()] = key.public_key_pem();
  }
  // A retired key vouches for nothing any more, remembered or not.
  for (auto it = tokens_.begin(); it != tokens_.end();) {
    it = keys_.count(it->second.key_id) == 0 ? tokens_.erase(it) : ++it;
  }
  issuer_ = response.issuer();
  if (response.max_token_seconds() > 0) max_token_lifetime_ = absl::Seconds(response.max_token_seconds());
  keys_fetched_ = absl::Now();
  return absl::OkStatus();
}

void Identities::Apply(const auth::Revocation& revocation) {
  absl::MutexLock lock(&mu_);
  switch (revocation.kind()) {
    case auth::REVOCATION_KIND_SESSION:
      revoked_sessions_[revocation.subject()] =
          absl::FromUnixSeconds(revocation.revoked_at_seconds()) + max_token_lifetime_;
      break;
    case auth::REVOCATION_KIND_USER: {
      int64_t& not_before = user_not_before_[revocation.subject()];
      not_before = std::max(not_before, revocation.revoked_at_seconds());
      break;
    }
    case auth::REVOCATION_KIND_API_KEY:
      revoked_keys_.insert(revocation.subject());
      api_keys_.erase(revocation.subject());
      break;
    case auth::REVOCATION_KIND_SIGNING_KEYS:
      keys_fetched_ = absl::InfinitePast();  // fetched again below, outside the lock
      break;
    default:
      break;
  }
}

void Identities::Follow() {
  int delay_ms = 100;
  absl::Time last_fetch = absl::InfinitePast();
  while (!stopping_.load()) {
    if (absl::Status s = FetchKeys(); !s.ok()) {
      spdlog::warn("identity: cannot fetch the signing keys: {}", s.ToString());
      std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
      delay_ms = std::min(delay_ms * 2, 2000);
      continue;
    }
    last_fetch = absl::Now();
    grpc::ClientContext context;
    {
      absl::MutexLock lock(&stream_mu_);
      if (stopping_.load()) break;
      stream_context_ = &context;
    }
    auth::WatchRevocationsRequest request;
    request.set_from_sequence(sequence_.load());
    auto reader = stub_->WatchRevocations(&context, request);
    auth::WatchRevocationsResponse message;
    while (reader->Read(&message)) {
      delay_ms = 100;
      if (message.has_revocation()) {
        Apply(message.revocation());
        sequence_.store(message.revocation().sequence());
        if (message.revocation().kind() == auth::REVOCATION_KIND_SIGNING_KEYS) (void)FetchKeys();
      }
      if (message.in_sync() && !in_sync_.exchange(true)) spdlog::info("identity: following revocations live");
      if (absl::Now() - last_fetch > absl::Minutes(1)) {
        (void)FetchKeys();
        last_fetch = absl::Now();
      }
    }
    grpc::Status status = reader->Finish();
    {
      absl::MutexLock lock(&stream_mu_);
      stream_context_ = nullptr;
    }
    // Fail closed: until the stream is back and caught up, the registry decides every call.
    if (in_sync_.exchange(false))
      spdlog::warn("identity: revocation stream ended ({}); asking the registry", status.error_message());
    if (stopping_.load()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
    delay_ms = std::min(delay_ms * 2, 2000);
  }
}

}  // namespace saima::gateway
