#ifndef SAIMA_GATEWAY_WEB_SESSION_H_
#define SAIMA_GATEWAY_WEB_SESSION_H_

// Browser sessions (the web application): the refresh token lives in a cookie the page cannot read (HttpOnly,
// Secure, SameSite=Strict, path /v1/auth/) instead of in the page. A call opts in with the header
// "X-Saima-Session: cookie" (a header a cross-site form cannot send, and a cross-site script cannot without a CORS
// preflight the gateway never grants): sign-in and refresh then answer the refresh token as the cookie and blank it
// in the body, refresh takes it from the cookie, sign-out and a refused refresh clear it. Other clients (saimactl,
// partners) are unaffected.

#include <string>

#include "gateway/transcode.h"
#include "google/protobuf/message.h"

namespace saima::gateway {

inline constexpr char kRefreshCookie[] = "saima_refresh";

// True when the call asks for the cookie scheme and is one of the auth calls it applies to.
bool UsesCookieSession(const HttpRequest& request, const std::string& full_method);

// Before the call: a Refresh without a token in its body takes the cookie's.
void TakeRefreshCookie(const HttpRequest& request, const std::string& full_method, google::protobuf::Message* in);

// After the call: the refresh token of SignIn/Refresh answers goes into the cookie (and out of the body); SignOut
// and a failed Refresh clear the cookie.
void AnswerRefreshCookie(const std::string& full_method, bool ok, google::protobuf::Message* out,
                         HttpResponse* response);

// The value of one cookie of the request's Cookie header ("" when absent).
std::string CookieValue(const HttpRequest& request, const std::string& name);

}  // namespace saima::gateway

#endif  // SAIMA_GATEWAY_WEB_SESSION_H_
