#include "common/caller.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/status.h"
#include "common/tls.h"

namespace saima {
namespace {

// Values that people or clients chose (user and unit ids, addresses) travel as binary metadata, which carries any
// bytes; the others are Saima's own ASCII tokens.
constexpr char kUserKey[] = "x-saima-user-bin";
constexpr char kRoleKey[] = "x-saima-role";
constexpr char kUnitKey[] = "x-saima-unit-bin";
constexpr char kScopesKey[] = "x-saima-scopes";
constexpr char kSessionKey[] = "x-saima-session-bin";
constexpr char kClientKey[] = "x-saima-client-bin";
constexpr char kRequestIdKey[] = "x-request-id";

std::string MetadataValue(const grpc::ServerContext& context, const char* key) {
  const auto& metadata = context.client_metadata();
  auto it = metadata.find(key);
  if (it == metadata.end()) return "";
  return std::string(it->second.data(), it->second.size());
}

}  // namespace

bool IsKnownRole(const std::string& role) {
  for (const char* known : {kRoleUnitStaff, kRoleDeptReviewer, kRoleStatsOfficer, kRoleAdmin, kRoleJudge, kRoleLeader,
                            kRoleSysadmin, kRoleMachine}) {
    if (role == known) return true;
  }
  return false;
}

absl::StatusOr<Caller> CallerFromContext(const grpc::ServerContext& context) {
  auto peer = CheckPeerMayAssertIdentity(context);
  if (!peer.ok()) return peer.status();
  Caller caller{MetadataValue(context, kUserKey), MetadataValue(context, kRoleKey), MetadataValue(context, kUnitKey),
                MetadataValue(context, kClientKey)};
  caller.via = *std::move(peer);
  if (caller.client.empty()) caller.client = context.peer();
  caller.session_id = MetadataValue(context, kSessionKey);
  const std::string scopes = MetadataValue(context, kScopesKey);
  if (!scopes.empty()) caller.scopes = absl::StrSplit(scopes, ',');
  if (caller.user_id.empty()) {
    return Error(absl::StatusCode::kUnauthenticated, "no caller: metadata x-saima-user-bin is missing",
                 "未登录：请求未携带调用者身份");
  }
  if (!IsKnownRole(caller.role)) {
    return Error(absl::StatusCode::kUnauthenticated, absl::StrCat("unknown role in x-saima-role: '", caller.role, "'"),
                 "调用者的角色无法识别");
  }
  return caller;
}

bool IsValidRequestId(const std::string& id) {
  if (id.empty() || id.size() > kMaxRequestIdBytes) return false;
  for (char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                    c == '_' || c == '.' || c == ':';
    if (!ok) return false;
  }
  return true;
}

std::string RequestIdOf(const grpc::ServerContext& context) {
  std::string id = MetadataValue(context, kRequestIdKey);
  return IsValidRequestId(id) ? id : "-";
}

void AttachCaller(const Caller& caller, const std::string& request_id, grpc::ClientContext& context) {
  context.AddMetadata(kUserKey, caller.user_id);
  // Text metadata must be printable ASCII or gRPC aborts the process: only known roles and scopes are sent.
  if (IsKnownRole(caller.role)) context.AddMetadata(kRoleKey, caller.role);
  if (!caller.unit_id.empty()) context.AddMetadata(kUnitKey, caller.unit_id);
  if (!caller.client.empty()) context.AddMetadata(kClientKey, caller.client);
  if (!caller.session_id.empty()) context.AddMetadata(kSessionKey, caller.session_id);
  std::vector<std::string> scopes;
  for (const std::string& scope : caller.scopes) {
    if (IsValidRequestId(scope)) scopes.push_back(scope);  // the same character set: letters, digits, - _ . :
  }
  if (!scopes.empty()) context.AddMetadata(kScopesKey, absl::StrJoin(scopes, ","));
  if (IsValidRequestId(request_id)) context.AddMetadata(kRequestIdKey, request_id);
}

}  // namespace saima
