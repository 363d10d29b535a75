#include "gateway/web_session.h"

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "saima/auth/v1/auth.pb.h"

namespace saima::gateway {
namespace {

namespace auth = ::saima::auth::v1;

constexpr char kSignIn[] = "saima.auth.v1.AuthService.SignIn";
constexpr char kRefresh[] = "saima.auth.v1.AuthService.Refresh";
constexpr char kSignOut[] = "saima.auth.v1.AuthService.SignOut";
constexpr char kAttributes[] = "; Path=/v1/auth/; HttpOnly; Secure; SameSite=Strict";

// A refresh token is "rt_" and hex (services/registry/accounts.cc); anything else in the cookie is ignored.
bool LooksLikeRefreshToken(const std::string& value) {
  if (value.size() < 4 || value.size() > 128) return false;
  for (char c : value) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-') return false;
  }
  return true;
}

void ClearCookie(HttpResponse* response) {
  response->headers.emplace_back("Set-Cookie", absl::StrCat(kRefreshCookie, "=", kAttributes, "; Max-Age=0"));
}

}  // namespace

bool UsesCookieSession(const HttpRequest& request, const std::string& full_method) {
  if (absl::AsciiStrToLower(request.Header("x-saima-session")) != "cookie") return false;
  return full_method == kSignIn || full_method == kRefresh || full_method == kSignOut;
}

std::string CookieValue(const HttpRequest& request, const std::string& name) {
  for (absl::string_view part : absl::StrSplit(request.Header("cookie"), ';')) {
    part = absl::StripAsciiWhitespace(part);
    std::vector<absl::string_view> pair = absl::StrSplit(part, absl::MaxSplits('=', 1));
    if (pair.size() == 2 && pair[0] == name) return std::string(pair[1]);
  }
  return "";
}

void TakeRefreshCookie(const HttpRequest& request, const std::string& full_method, google::protobuf::Message* in) {
  if (full_method != kRefresh) return;
  auto* refresh = static_cast<auth::RefreshRequest*>(in);
  if (!refresh->refresh_token().empty()) return;
  const std::string cookie = CookieValue(request, kRefreshCookie);
  if (LooksLikeRefreshToken(cookie)) refresh->set_refresh_token(cookie);
}

void AnswerRefreshCookie(const std::string& full_method, bool ok, google::protobuf::Message* out,
                         HttpResponse* response) {
  auth::Tokens* tokens = nullptr;
  if (ok && full_method == kSignIn) tokens = static_cast<auth::SignInResponse*>(out)->mutable_tokens();
  if (ok && full_method == kRefresh) tokens = static_cast<auth::RefreshResponse*>(out)->mutable_tokens();
  if (tokens == nullptr) {
    // Signed out, or a refresh refused (spent, expired, revoked): the cookie is of no more use.
    if (full_method == kSignOut || full_method == kRefresh) ClearCookie(response);
    return;
  }
  // A session cookie (no Max-Age): it ends with the browser; the server's refresh lifetime still applies.
  response->headers.emplace_back("Set-Cookie", absl::StrCat(kRefreshCookie, "=", tokens->refresh_token(), kAttributes));
  tokens->clear_refresh_token();
}

}  // namespace saima::gateway
