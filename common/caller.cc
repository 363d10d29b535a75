#include "common/caller.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/tls.h"

namespace saima {
namespace {

constexpr char kUserKey[] = "x-saima-user";
constexpr char kRoleKey[] = "x-saima-role";
constexpr char kUnitKey[] = "x-saima-unit";
constexpr char kScopesKey[] = "x-saima-scopes";
constexpr char kSessionKey[] = "x-saima-session";
constexpr char kClientKey[] = "x-saima-client";
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
  if (absl::Status peer = CheckPeerMayAssertIdentity(context); !peer.ok()) return peer;
  Caller caller{MetadataValue(context, kUserKey), MetadataValue(context, kRoleKey), MetadataValue(context, kUnitKey),
                MetadataValue(context, kClientKey)};
  if (caller.client.empty()) caller.client = context.peer();
  caller.session_id = MetadataValue(context, kSessionKey);
  const std::string scopes = MetadataValue(context, kScopesKey);
  if (!scopes.empty()) caller.scopes = absl::StrSplit(scopes, ',');
  if (caller.user_id.empty()) return absl::UnauthenticatedError("no caller: metadata x-saima-user is missing");
  if (!IsKnownRole(caller.role)) {
    return absl::UnauthenticatedError(absl::StrCat("unknown role in x-saima-role: '", caller.role, "'"));
  }
  return caller;
}

std::string RequestIdOf(const grpc::ServerContext& context) {
  std::string id = MetadataValue(context, kRequestIdKey);
  return id.empty() ? "-" : id;
}

void AttachCaller(const Caller& caller, const std::string& request_id, grpc::ClientContext& context) {
  context.AddMetadata(kUserKey, caller.user_id);
  context.AddMetadata(kRoleKey, caller.role);
  if (!caller.unit_id.empty()) context.AddMetadata(kUnitKey, caller.unit_id);
  if (!caller.client.empty()) context.AddMetadata(kClientKey, caller.client);
  if (!caller.session_id.empty()) context.AddMetadata(kSessionKey, caller.session_id);
  if (!caller.scopes.empty()) context.AddMetadata(kScopesKey, absl::StrJoin(caller.scopes, ","));
  if (!request_id.empty() && request_id != "-") context.AddMetadata(kRequestIdKey, request_id);
}

}  // namespace saima
