#include "saimactl/account_commands.h"

#include <cstdlib>
#include <iostream>

#include "absl/flags/declare.h"
#include "absl/flags/flag.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "saimactl/table.h"

ABSL_FLAG(std::string, user, "", "login / logout: the user id");
ABSL_FLAG(std::string, role, "",
          "user create: unit_staff, dept_reviewer, stats_officer, admin, judge, leader, sysadmin");
ABSL_FLAG(std::string, name, "", "user create: the person's name; apikey create: who uses the key");
ABSL_FLAG(std::string, scopes, "", "apikey create: comma-separated scopes (reports:read, projects:read)");
ABSL_FLAG(std::string, refresh_token, "", "refresh: the refresh token (or SAIMA_REFRESH_TOKEN)");
ABSL_DECLARE_FLAG(std::string, unit);

namespace saima::ctl {
namespace {

namespace auth_pb = ::saima::auth::v1;

// A secret from the environment, else the first line of standard input; never from a flag (flags show in `ps`).
std::string Secret(const char* variable) {
  if (const char* value = std::getenv(variable); value != nullptr && *value != '\0') return value;
  std::string line;
  std::getline(std::cin, line);
  return line;
}

void PrintTokens(const auth_pb::Tokens& tokens) {
  std::cout << "SAIMA_TOKEN=" << tokens.access_token() << "\n"
            << "SAIMA_REFRESH_TOKEN=" << tokens.refresh_token() << "\n";
  std::cerr << "访问令牌 " << tokens.expires_in_seconds() / 60 << " 分钟内有效; 过期前用 saimactl refresh 换新\n";
}

}  // namespace

int Login(Client& client) {
  auth_pb::SignInRequest request;
  request.set_user_id(absl::GetFlag(FLAGS_user));
  request.set_password(Secret("SAIMA_PASSWORD"));
  auth_pb::SignInResponse response;
  if (absl::Status s = client.Call(&auth_pb::AuthService::Stub::SignIn, request, &response); !s.ok()) return Fail(s);
  std::cerr << "已登录: " << response.user().display_name() << " (" << response.user().role() << ")\n";
  PrintTokens(response.tokens());
  return 0;
}

int Refresh(Client& client) {
  auth_pb::RefreshRequest request;
  std::string token = absl::GetFlag(FLAGS_refresh_token);
  if (token.empty()) token = Secret("SAIMA_REFRESH_TOKEN");
  request.set_refresh_token(token);
  auth_pb::RefreshResponse response;
  if (absl::Status s = client.Call(&auth_pb::AuthService::Stub::Refresh, request, &response); !s.ok()) return Fail(s);
  PrintTokens(response.tokens());
  return 0;
}

int Logout(Client& client) {
  auth_pb::SignOutRequest request;
  request.set_user_id(absl::GetFlag(FLAGS_user));
  auth_pb::SignOutResponse response;
  if (absl::Status s = client.Call(&auth_pb::AuthService::Stub::SignOut, request, &response); !s.ok()) return Fail(s);
  std::cout << "已注销 " << response.sessions_revoked() << " 个会话\n";
  return 0;
}

int Users(Client& client, const std::vector<std::string>& words) {
  if (words.size() == 3 && words[1] == "create") {
    auth_pb::CreateUserRequest request;
    request.mutable_user()->set_user_id(words[2]);
    request.mutable_user()->set_role(absl::GetFlag(FLAGS_role));
    request.mutable_user()->set_unit_id(absl::GetFlag(FLAGS_unit));
    request.mutable_user()->set_display_name(absl::GetFlag(FLAGS_name));
    request.set_password(Secret("SAIMA_PASSWORD"));
    auth_pb::CreateUserResponse response;
    if (absl::Status s = client.Call(&auth_pb::AuthService::Stub::CreateUser, request, &response); !s.ok()) {
      return Fail(s);
    }
    std::cout << "已创建用户 " << response.user().user_id() << " (" << response.user().role() << ")\n";
    return 0;
  }
  if (words.size() == 2 && words[1] == "list") {
    auth_pb::ListUsersResponse response;
    if (absl::Status s = client.Call(&auth_pb::AuthService::Stub::ListUsers, auth_pb::ListUsersRequest(), &response);
        !s.ok()) {
      return Fail(s);
    }
    Table table({"用户", "姓名", "角色", "单位", "状态"});
    for (const auto& u : response.users()) {
      table.AddRow({u.user_id(), u.display_name(), u.role(), u.unit_id(), u.disabled() ? "停用" : "正常"});
    }
    std::cout << table.Render();
    return 0;
  }
  std::cerr << "用法: saimactl user create ID --role= [--unit=] --name= | list\n";
  return 2;
}

int ApiKeys(Client& client, const std::vector<std::string>& words) {
  if (words.size() == 2 && words[1] == "create") {
    auth_pb::CreateApiKeyRequest request;
    request.mutable_key()->set_name(absl::GetFlag(FLAGS_name));
    for (absl::string_view scope : absl::StrSplit(absl::GetFlag(FLAGS_scopes), ',', absl::SkipEmpty())) {
      request.mutable_key()->add_scopes(std::string(scope));
    }
    auth_pb::CreateApiKeyResponse response;
    if (absl::Status s = client.Call(&auth_pb::AuthService::Stub::CreateApiKey, request, &response); !s.ok()) {
      return Fail(s);
    }
    std::cerr << "已创建 API 密钥 " << response.key().key_id() << " (" << response.key().name() << ", 权限 "
              << absl::StrJoin(response.key().scopes(), ",") << "); 密钥只显示这一次:\n";
    std::cout << response.api_key() << "\n";
    return 0;
  }
  if (words.size() == 2 && words[1] == "list") {
    auth_pb::ListApiKeysResponse response;
    if (absl::Status s =
            client.Call(&auth_pb::AuthService::Stub::ListApiKeys, auth_pb::ListApiKeysRequest(), &response);
        !s.ok()) {
      return Fail(s);
    }
    Table table({"密钥", "使用方", "权限", "创建人", "创建时间", "状态"});
    for (const auto& k : response.keys()) {
      table.AddRow({k.key_id(), k.name(), absl::StrJoin(k.scopes(), ","), k.created_by(), k.created_at(),
                    k.revoked_at().empty() ? "有效" : "已吊销 " + k.revoked_at()});
    }
    std::cout << table.Render();
    return 0;
  }
  if (words.size() == 3 && words[1] == "revoke") {
    auth_pb::RevokeApiKeyRequest request;
    request.set_key_id(words[2]);
    auth_pb::RevokeApiKeyResponse response;
    if (absl::Status s = client.Call(&auth_pb::AuthService::Stub::RevokeApiKey, request, &response); !s.ok()) {
      return Fail(s);
    }
    std::cout << "已吊销 API 密钥 " << response.key().key_id() << " (" << response.key().name() << ")\n";
    return 0;
  }
  std::cerr << "用法: saimactl apikey create --name= --scopes= | list | revoke KEY_ID\n";
  return 2;
}

}  // namespace saima::ctl
