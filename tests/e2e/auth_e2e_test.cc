// Sign-in end to end: passwords, signed access tokens, refresh with rotation, sign-out refused at once, API keys
// with scopes, over HTTP and from saimactl; no password or token in any log line.

#include <httplib.h>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>
#include <thread>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/e2e/http_fixture.h"
#include "tests/e2e/system.h"

namespace saima::testing {
namespace {

class AuthEndToEndTest : public HttpSystemTest {
 protected:
  // `from`: the client's address as the proxy in front tells it (X-Real-IP; the e2e gateway trusts 127.0.0.1).
  static std::pair<int, json> Raw(const std::string& method, const std::string& path, const json& body,
                                  const std::string& bearer, const std::string& from = "") {
    httplib::Client client("127.0.0.1", system_->http_port());
    httplib::Headers headers;
    if (!bearer.empty()) headers.emplace("Authorization", "Bearer " + bearer);
    if (!from.empty()) headers.emplace("X-Real-IP", from);
    auto res = method == "GET" ? client.Get(path.c_str(), headers)
                               : client.Post(path.c_str(), headers, body.dump(), "application/json");
    if (!res) return {0, json()};
    return {res->status, json::parse(res->body, nullptr, false)};
  }

  // How long after now the gateway refuses `token` (polled every 10 ms, for at most 5 s).
  static absl::Duration RefusedWithin(const std::string& token) {
    const absl::Time start = absl::Now();
    while (absl::Now() - start < absl::Seconds(5)) {
      if (Raw("GET", "/v1/whoami", {}, token).first == 401) return absl::Now() - start;
      absl::SleepFor(absl::Milliseconds(10));
    }
    return absl::InfiniteDuration();
  }

  static std::pair<int, std::string> Ctl(const std::string& env, const std::string& args) {
    return HttpSystemTest::Ctl(env, args, /*with_stderr=*/true);
  }

  static std::string Value(const std::string& out, const std::string& name) {
    const auto at = out.find(name + "=");
    if (at == std::string::npos) return "";
    const auto end = out.find('\n', at);
    return out.substr(at + name.size() + 1, end - at - name.size() - 1);
  }
};

TEST_F(AuthEndToEndTest, SignInCallRefreshSignOutOverHttp) {
  const std::string password = System::Password("leader-1");
  auto [wrong, wrong_body] =
      Raw("POST", "/v1/auth/sign-in", {{"userId", "leader-1"}, {"password", "not-it-at-all"}}, "");
  EXPECT_EQ(wrong, 401);
  auto [nobody, nobody_body] =
      Raw("POST", "/v1/auth/sign-in", {{"userId", "no-such"}, {"password", "whatever-1234"}}, "");
  EXPECT_EQ(nobody, 401);
  EXPECT_EQ(wrong_body["message"], nobody_body["message"]);  // does not tell which part was wrong
  auto [missing, missing_body] = Raw("POST", "/v1/auth/sign-in", {{"userId", "leader-1"}}, "");
  EXPECT_EQ(missing, 400);
  EXPECT_EQ(missing_body["details"][0]["fieldViolations"][0]["field"], "password");

  auto [signed_in, session] = Raw("POST", "/v1/auth/sign-in", {{"userId", "leader-1"}, {"password", password}}, "");
  ASSERT_EQ(signed_in, 200) << session.dump();
  const std::string access = session["tokens"]["accessToken"];
  const std::string refresh = session["tokens"]["refreshToken"];
  EXPECT_EQ(std::count(access.begin(), access.end(), '.'), 2);  // a JWT
  EXPECT_EQ(session["user"]["role"], "leader");
  EXPECT_EQ(Raw("GET", "/v1/whoami", {}, access).second["caller"]["userId"], "leader-1");

  // A token altered by one character is refused.
  std::string forged = access;
  forged[forged.size() - 3] = forged[forged.size() - 3] == 'A' ? 'B' : 'A';
  EXPECT_EQ(Raw("GET", "/v1/whoami", {}, forged).first, 401);

  // Refresh: new tokens; the old refresh token is spent.
  auto [refreshed, renewed] = Raw("POST", "/v1/auth/refresh", {{"refreshToken", refresh}}, "");
  ASSERT_EQ(refreshed, 200) << renewed.dump();
  const std::string access2 = renewed["tokens"]["accessToken"];
  EXPECT_EQ(Raw("GET", "/v1/whoami", {}, access2).first, 200);
  // The spent refresh token presented again was copied: the session ends at every gateway within a second.
  EXPECT_EQ(Raw("POST", "/v1/auth/refresh", {{"refreshToken", refresh}}, "").first, 401);
  EXPECT_LT(RefusedWithin(access2), absl::Seconds(1));
  EXPECT_EQ(Raw("POST", "/v1/auth/refresh", {{"refreshToken", renewed["tokens"]["refreshToken"]}}, "").first, 401);

  // Sign-out: the session's tokens are refused within a second (the gateway verifies tokens itself and is told
  // of the revocation); another session of the same person lives.
  auto [again, session2] = Raw("POST", "/v1/auth/sign-in", {{"userId", "leader-1"}, {"password", password}}, "");
  ASSERT_EQ(again, 200) << session2.dump();
  const std::string access3 = session2["tokens"]["accessToken"];
  const std::string other_session = system_->token("leader");
  EXPECT_EQ(Raw("GET", "/v1/whoami", {}, access3).first, 200);
  ASSERT_EQ(Raw("POST", "/v1/auth/sign-out", json::object(), access3).first, 200);
  const absl::Duration refused_after = RefusedWithin(access3);
  std::printf("signed-out token refused after %.1f ms\n", absl::ToDoubleMilliseconds(refused_after));
  EXPECT_LT(refused_after, absl::Seconds(1));
  EXPECT_EQ(Raw("GET", "/v1/whoami", {}, access).first, 401);
  EXPECT_EQ(Raw("POST", "/v1/auth/refresh", {{"refreshToken", session2["tokens"]["refreshToken"]}}, "").first, 401);
  EXPECT_EQ(Raw("GET", "/v1/whoami", {}, other_session).first, 200);

  // No password or token reached a log line (the processes write their logs at least every second).
  absl::SleepFor(absl::Milliseconds(1500));
  for (const char* process : {"gateway", "registry", "stats", "scoring"}) {
    std::ifstream log(system_->log_dir() + "/" + process + ".log");
    std::stringstream text;
    text << log.rdbuf();
    EXPECT_EQ(text.str().find(password), std::string::npos) << process;
    EXPECT_EQ(text.str().find(access.substr(access.size() - 20)), std::string::npos) << process;
    EXPECT_EQ(text.str().find(refresh.substr(3, 20)), std::string::npos) << process;
  }
}

// The web application's sessions: with "X-Saima-Session: cookie" the refresh token travels only in an HttpOnly,
// Secure, SameSite=Strict cookie scoped to /v1/auth/, never in a body the page's script could read.
TEST_F(AuthEndToEndTest, BrowserSessionsKeepTheRefreshTokenInAnHttpOnlyCookie) {
  httplib::Client client("127.0.0.1", system_->http_port());
  const httplib::Headers web = {{"X-Saima-Session", "cookie"}};
  auto cookie_of = [](const httplib::Result& res) {
    const std::string set = res->get_header_value("Set-Cookie");
    const auto start = set.find("saima_refresh=");
    return start == std::string::npos ? std::string("-") : set.substr(start + 14, set.find(';') - start - 14);
  };
  const json credentials = {{"userId", "leader-1"}, {"password", System::Password("leader-1")}};
  auto signed_in = client.Post("/v1/auth/sign-in", web, credentials.dump(), "application/json");
  ASSERT_TRUE(signed_in);
  ASSERT_EQ(signed_in->status, 200) << signed_in->body;
  const json session = json::parse(signed_in->body);
  EXPECT_EQ(session["tokens"]["refreshToken"], "") << "the page never sees the refresh token";
  const std::string set_cookie = signed_in->get_header_value("Set-Cookie");
  for (const char* attribute : {"HttpOnly", "Secure", "SameSite=Strict", "Path=/v1/auth/"}) {
    EXPECT_NE(set_cookie.find(attribute), std::string::npos) << set_cookie;
  }
  const std::string cookie1 = cookie_of(signed_in);
  ASSERT_EQ(cookie1.rfind("rt_", 0), 0u) << set_cookie;

  // Refresh from the cookie: new tokens, a new cookie; the spent one presented again ends the session.
  httplib::Headers with_cookie = web;
  with_cookie.emplace("Cookie", "other=1; saima_refresh=" + cookie1);
  auto refreshed = client.Post("/v1/auth/refresh", with_cookie, "{}", "application/json");
  ASSERT_EQ(refreshed->status, 200) << refreshed->body;
  const json renewed = json::parse(refreshed->body);
  EXPECT_EQ(renewed["tokens"]["refreshToken"], "");
  const std::string cookie2 = cookie_of(refreshed);
  EXPECT_NE(cookie2, cookie1);
  const std::string access = renewed["tokens"]["accessToken"];
  EXPECT_EQ(Raw("GET", "/v1/whoami", {}, access).first, 200);
  // Without the header the cookie is not read (a cross-site form cannot send the header).
  httplib::Headers cookie_only = {{"Cookie", "saima_refresh=" + cookie2}};
  EXPECT_EQ(client.Post("/v1/auth/refresh", cookie_only, "{}", "application/json")->status, 401);
  // Sign-out clears the cookie; the session's refresh token is refused after it.
  httplib::Headers signing_out = web;
  signing_out.emplace("Authorization", "Bearer " + access);
  auto out = client.Post("/v1/auth/sign-out", signing_out, "{}", "application/json");
  ASSERT_EQ(out->status, 200) << out->body;
  EXPECT_NE(out->get_header_value("Set-Cookie").find("Max-Age=0"), std::string::npos);
  with_cookie = web;
  with_cookie.emplace("Cookie", "saima_refresh=" + cookie2);
  auto refused = client.Post("/v1/auth/refresh", with_cookie, "{}", "application/json");
  EXPECT_EQ(refused->status, 401);
  EXPECT_NE(refused->get_header_value("Set-Cookie").find("Max-Age=0"), std::string::npos) << "a dead cookie is cleared";
  // Other clients are unaffected: without the header, the body carries the refresh token as before.
  auto plain = client.Post("/v1/auth/sign-in", httplib::Headers{}, credentials.dump(), "application/json");
  EXPECT_NE(json::parse(plain->body)["tokens"]["refreshToken"], "");
  EXPECT_EQ(plain->get_header_value("Set-Cookie"), "");
}

TEST_F(AuthEndToEndTest, AccountsAndApiKeysFromSaimactl) {
  // Sign in from saimactl, as a system administrator.
  auto [login, login_out] = Ctl("SAIMA_PASSWORD=" + System::Password("root-1"), "login --user=root-1");
  ASSERT_EQ(login, 0) << login_out;
  const std::string token = Value(login_out, "SAIMA_TOKEN");
  const std::string refresh = Value(login_out, "SAIMA_REFRESH_TOKEN");
  ASSERT_FALSE(token.empty()) << login_out;

  // A new person, who can sign in.
  auto [created, created_out] = Ctl("SAIMA_TOKEN=" + token + " SAIMA_PASSWORD=long-enough-password",
                                    "user create wang-1 --role=dept_reviewer --unit=D02 --name=王审核");
  ASSERT_EQ(created, 0) << created_out;
  auto [weak, weak_out] =
      Ctl("SAIMA_TOKEN=" + token + " SAIMA_PASSWORD=short", "user create li-1 --role=leader --name=李");
  EXPECT_EQ(weak, 1);
  EXPECT_NE(weak_out.find("密码至少 12 个字符"), std::string::npos) << weak_out;
  EXPECT_EQ(weak_out.find("password"), std::string::npos) << weak_out;  // the field's path is not for officials
  EXPECT_EQ(Raw("POST", "/v1/auth/sign-in", {{"userId", "wang-1"}, {"password", "long-enough-password"}}, "").first,
            200);
  // Only system administrators manage accounts.
  auto [denied, denied_out] = Ctl("SAIMA_TOKEN=" + system_->token("admin") + " SAIMA_PASSWORD=long-enough-password",
                                  "user create zhao-1 --role=leader --name=赵");
  EXPECT_EQ(denied, 1);
  EXPECT_NE(denied_out.find("无权管理账号与密钥"), std::string::npos) << denied_out;

  // An API key for the province's platform: it reads reports, and nothing it was not given.
  auto [key_made, key_out] =
      Ctl("SAIMA_TOKEN=" + token, "apikey create --name=省统计联网直报平台 --scopes=reports:read");
  ASSERT_EQ(key_made, 0) << key_out;
  const auto at = key_out.find("sk_");
  ASSERT_NE(at, std::string::npos) << key_out;
  const std::string key = key_out.substr(at, key_out.find('\n', at) - at);
  const std::string key_id = key.substr(3, key.find('_', 3) - 3);
  EXPECT_EQ(Raw("GET", "/v1/indicators?period=2023-02", {}, key).first, 200);
  EXPECT_EQ(Raw("GET", "/v1/projects?pageSize=1", {}, key).first, 403);  // no projects:read
  EXPECT_EQ(Raw("POST", "/v1/units", {{"unitId", "X1"}, {"name", "x"}}, key).first, 403);
  auto [listed, list_out] = Ctl("SAIMA_TOKEN=" + token, "apikey list");
  EXPECT_NE(list_out.find(key_id), std::string::npos) << list_out;
  EXPECT_EQ(list_out.find(key.substr(key.size() - 16)), std::string::npos) << "the secret is shown once only";
  auto [revoked, revoked_out] = Ctl("SAIMA_TOKEN=" + token, "apikey revoke " + key_id);
  ASSERT_EQ(revoked, 0) << revoked_out;
  const absl::Duration key_refused_after = RefusedWithin(key);
  std::printf("revoked API key refused after %.1f ms\n", absl::ToDoubleMilliseconds(key_refused_after));
  EXPECT_LT(key_refused_after, absl::Seconds(1));
  EXPECT_EQ(Raw("GET", "/v1/indicators?period=2023-02", {}, key).first, 401);

  // Refresh and sign out from saimactl; the session's token is refused at once.
  auto [renewed, renewed_out] = Ctl("SAIMA_REFRESH_TOKEN=" + refresh, "refresh");
  ASSERT_EQ(renewed, 0) << renewed_out;
  const std::string token2 = Value(renewed_out, "SAIMA_TOKEN");
  auto [out_code, out_text] = Ctl("SAIMA_TOKEN=" + token2, "logout");
  ASSERT_EQ(out_code, 0) << out_text;
  // The gateway learns of the sign-out from the registry's revocation stream: within a second, not at once (a CI
  // run on a loaded machine saw the next call arrive first).
  EXPECT_LT(RefusedWithin(token2), absl::Seconds(1));
  EXPECT_EQ(Raw("GET", "/v1/whoami", {}, token2).first, 401);
  auto [after, after_out] = Ctl("SAIMA_TOKEN=" + token2, "user list");
  EXPECT_EQ(after, 1);
  EXPECT_NE(after_out.find("会话已结束"), std::string::npos) << after_out;
}

TEST_F(AuthEndToEndTest, AChangedRoleOrADisabledAccountIsRefusedWithinASecond) {
  ASSERT_EQ(
      Post("root", "/v1/users",
           {{"user",
             {{"userId", "moved-1"}, {"displayName", "调岗的人"}, {"role", "unit_staff"}, {"unitId", "331181001"}}},
            {"password", "moved-password-1"}})
          .first,
      200);
  auto sign_in = [] {
    auto [status, session] =
        Raw("POST", "/v1/auth/sign-in", {{"userId", "moved-1"}, {"password", "moved-password-1"}}, "");
    EXPECT_EQ(status, 200) << session.dump();
    return status == 200 ? session["tokens"]["accessToken"].get<std::string>() : std::string();
  };
  const std::string as_staff = sign_in();
  EXPECT_EQ(Raw("GET", "/v1/whoami", {}, as_staff).second["caller"]["role"], "unit_staff");
  // Moved to the statistics bureau: the token that says "unit staff" is refused; a new sign-in says the new role.
  ASSERT_EQ(Send("PATCH", "root", "/v1/users/moved-1", {{"role", "stats_officer"}, {"unitId", ""}}).first, 200);
  const absl::Duration role_refused_after = RefusedWithin(as_staff);
  std::printf("token of a changed role refused after %.1f ms\n", absl::ToDoubleMilliseconds(role_refused_after));
  EXPECT_LT(role_refused_after, absl::Seconds(1));
  const std::string as_officer = sign_in();
  EXPECT_EQ(Raw("GET", "/v1/whoami", {}, as_officer).second["caller"]["role"], "stats_officer");
  // Disabled: refused within a second, and no new sign-in.
  ASSERT_EQ(Send("PATCH", "root", "/v1/users/moved-1", {{"disabled", true}}).first, 200);
  const absl::Duration disabled_refused_after = RefusedWithin(as_officer);
  std::printf("token of a disabled account refused after %.1f ms\n",
              absl::ToDoubleMilliseconds(disabled_refused_after));
  EXPECT_LT(disabled_refused_after, absl::Seconds(1));
  EXPECT_EQ(Raw("POST", "/v1/auth/sign-in", {{"userId", "moved-1"}, {"password", "moved-password-1"}}, "").first, 401);
}

// Rotation without downtime: the registry signs with a new key and still vouches for the old one
// (--previous_signing_key_files) while tokens signed with it live; once the old key is dropped, its tokens are
// refused, remembered by a gateway or not.
TEST_F(AuthEndToEndTest, TheSigningKeyRotatesWithoutSigningAnyoneOut) {
  const std::string old_key = system_->tls_dir() + "/token-signing.key";
  const std::string new_key = system_->tls_dir() + "/token-signing-2.key";
  ASSERT_EQ(
      std::system(
          ("openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out " + new_key + " 2>/dev/null").c_str()),
      0);
  auto kid = [](const std::string& token) {
    std::string header;
    (void)absl::WebSafeBase64Unescape(token.substr(0, token.find('.')), &header);
    return json::parse(header, nullptr, false).value("kid", "");
  };
  // Signs in, waiting out a registry that is starting.
  auto sign_in = [] {
    for (int i = 0; i < 100; ++i) {
      auto [status, session] =
          Raw("POST", "/v1/auth/sign-in", {{"userId", "leader-1"}, {"password", System::Password("leader-1")}}, "");
      if (status == 200) return session["tokens"]["accessToken"].get<std::string>();
      EXPECT_EQ(status, 503) << session.dump();
      absl::SleepFor(absl::Milliseconds(100));
    }
    ADD_FAILURE() << "no sign-in";
    return std::string();
  };
  const std::string before = sign_in();
  ASSERT_EQ(Raw("GET", "/v1/whoami", {}, before).first, 200);
  ChildProcess& registry = system_->process("registry");
  const std::vector<std::string> original = registry.argv();
  auto restart = [&](const std::vector<std::string>& flags) {
    ASSERT_EQ(registry.Terminate(10), 0);
    std::vector<std::string> argv;
    for (const std::string& arg : original) {
      if (!absl::StartsWith(arg, "--signing_key_file=")) argv.push_back(arg);
    }
    for (const std::string& flag : flags) argv.push_back(flag);
    registry.set_argv(argv);
    registry.Start();
    ASSERT_TRUE(system_->WaitHealthy(30));
  };
  // The overlap: new tokens are signed with the new key, the old token still works.
  restart({"--signing_key_file=" + new_key, "--previous_signing_key_files=" + old_key});
  const std::string after = sign_in();
  EXPECT_NE(kid(after), kid(before));
  EXPECT_EQ(Raw("GET", "/v1/whoami", {}, after).first, 200);
  EXPECT_EQ(Raw("GET", "/v1/whoami", {}, before).first, 200) << "a token of the previous key during the overlap";
  // The old key retired: its token is refused, the new one is not.
  restart({"--signing_key_file=" + new_key});
  EXPECT_LT(RefusedWithin(before), absl::Seconds(1));
  EXPECT_EQ(Raw("GET", "/v1/whoami", {}, after).first, 200);
  // Back as the other tests expect it.
  registry.Terminate(10);
  registry.set_argv(original);
  registry.Start();
  ASSERT_TRUE(system_->WaitHealthy(30));
}

TEST_F(AuthEndToEndTest, AnAccountIsLockedAfterFiveFailedSignInsFromOneAddressOnly) {
  auto [created, body] = Post("root", "/v1/users",
                              {{"user", {{"userId", "guessed-1"}, {"displayName", "被猜密码的人"}, {"role", "leader"}}},
                               {"password", "the-right-password"}});
  ASSERT_EQ(created, 200) << body.dump();
  auto sign_in = [](const std::string& user, const std::string& password, const std::string& from) {
    return Raw("POST", "/v1/auth/sign-in", {{"userId", user}, {"password", password}}, "", from);
  };
  const std::string attacker = "203.0.113.7", owner = "198.51.100.20";
  // A failure, then a success, clears the count.
  EXPECT_EQ(sign_in("guessed-1", "wrong-guess-0", attacker).first, 401);
  EXPECT_EQ(sign_in("guessed-1", "the-right-password", attacker).first, 200);
  for (int i = 1; i <= 5; ++i) EXPECT_EQ(sign_in("guessed-1", "wrong-guess-" + std::to_string(i), attacker).first, 401);
  // Locked from there now, even with the right password...
  auto [locked, refusal] = sign_in("guessed-1", "the-right-password", attacker);
  EXPECT_EQ(locked, 429);
  EXPECT_NE(refusal.dump().find("已锁定"), std::string::npos) << refusal.dump();
  // ...but the attacker did not lock the owner out: from the owner's address the account signs in.
  EXPECT_EQ(sign_in("guessed-1", "the-right-password", owner).first, 200);
  // An unknown account answers exactly as a known one: 401 five times, then the same refusal.
  for (int i = 1; i <= 5; ++i) EXPECT_EQ(sign_in("nobody-here", "wrong-guess-" + std::to_string(i), owner).first, 401);
  auto [unknown_locked, unknown_refusal] = sign_in("nobody-here", "anything-at-all", owner);
  EXPECT_EQ(unknown_locked, 429);
  EXPECT_EQ(unknown_refusal["message"], refusal["message"]);
}

TEST_F(AuthEndToEndTest, ConcurrentGuessesAreCountedBeforeTheyAreChecked) {
  ASSERT_EQ(Post("root", "/v1/users",
                 {{"user", {{"userId", "raced-1"}, {"displayName", "被并发猜密码的人"}, {"role", "leader"}}},
                  {"password", "the-right-password"}})
                .first,
            200);
  std::vector<std::thread> threads;
  std::atomic<int> checked{0}, refused{0};
  for (int i = 0; i < 30; ++i) {
    threads.emplace_back([&, i] {
      const int status = Raw("POST", "/v1/auth/sign-in",
                             {{"userId", "raced-1"}, {"password", "guess-" + std::to_string(i)}}, "", "192.0.2.55")
                             .first;
      (status == 401 ? checked : refused).fetch_add(status == 401 || status == 429 ? 1 : 0);
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(checked.load(), 5) << "passwords evaluated";
  EXPECT_EQ(refused.load(), 25);
}

TEST_F(AuthEndToEndTest, OneAddressSprayingManyAccountsIsStopped) {
  // 10 accounts, 3 guesses each, from one address: the address is refused after 20 failures in all.
  int answered = 0, refused = 0;
  for (int account = 0; account < 10; ++account) {
    for (int guess = 0; guess < 3; ++guess) {
      const int status =
          Raw("POST", "/v1/auth/sign-in",
              {{"userId", absl::StrCat("sprayed-", account)}, {"password", absl::StrCat("spray-", guess)}}, "",
              "192.0.2.99")
              .first;
      if (status == 401) ++answered;
      if (status == 429) ++refused;
    }
  }
  EXPECT_EQ(answered, 20);
  EXPECT_EQ(refused, 10);
  // Another address is not affected.
  EXPECT_EQ(Raw("POST", "/v1/auth/sign-in", {{"userId", "leader-1"}, {"password", System::Password("leader-1")}}, "",
                "192.0.2.100")
                .first,
            200);
}

}  // namespace
}  // namespace saima::testing
