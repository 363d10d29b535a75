#ifndef SAIMA_COMMON_CALLER_H_
#define SAIMA_COMMON_CALLER_H_

// Who is calling. The gateway authenticates a person and passes them downstream in metadata; services read
// the caller from there and enforce their own rules with it.

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "grpcpp/client_context.h"
#include "grpcpp/server_context.h"

namespace saima {

// Roles, as carried in metadata and tokens.
inline constexpr char kRoleUnitStaff[] = "unit_staff";        // 单位填报员
inline constexpr char kRoleDeptReviewer[] = "dept_reviewer";  // 主管部门审核员
inline constexpr char kRoleStatsOfficer[] = "stats_officer";  // 统计局
inline constexpr char kRoleAdmin[] = "admin";                 // 发改局 administrator
inline constexpr char kRoleJudge[] = "judge";                 // 评委
inline constexpr char kRoleLeader[] = "leader";               // 领导, read-only
inline constexpr char kRoleSysadmin[] = "sysadmin";           // system administrator
inline constexpr char kRoleMachine[] = "machine";             // another system, with an API key's scopes

struct Caller {
  Caller() = default;
  Caller(std::string user, std::string role_name, std::string unit = {}, std::string client_address = {})
      : user_id(std::move(user)),
        role(std::move(role_name)),
        unit_id(std::move(unit)),
        client(std::move(client_address)) {}

  std::string user_id;
  std::string role;
  // Set for unit staff and department reviewers.
  std::string unit_id;
  // Where the request came from (the address the gateway saw); recorded in the audit log.
  std::string client;
  // The signed-in session (for access tokens) or the API key id.
  std::string session_id;
  // For machine clients: the API key's scopes (e.g. "reports:read").
  std::vector<std::string> scopes;
  // The Saima process that made the call, from its certificate (mutual TLS): "saima-gateway" for people and
  // partner systems, "saima-scoring" for the contest's own steps. Empty without TLS (development).
  std::string via;

  bool IsAdministrator() const { return role == kRoleAdmin || role == kRoleSysadmin; }
};

bool IsKnownRole(const std::string& role);

// Reads the caller from a server call's metadata. UNAUTHENTICATED when absent or malformed.
absl::StatusOr<Caller> CallerFromContext(const grpc::ServerContext& context);

// Request ids (X-Request-Id, x-request-id, Idempotency-Key) are 1 to 64 characters of A–Z a–z 0–9 - _ . :
inline constexpr size_t kMaxRequestIdBytes = 64;
bool IsValidRequestId(const std::string& id);

// The request id of a server call: the client's x-request-id, or "-" when it sent none or an invalid one.
std::string RequestIdOf(const grpc::ServerContext& context);

// Adds the caller and request id to an outgoing call's metadata.
void AttachCaller(const Caller& caller, const std::string& request_id, grpc::ClientContext& context);

}  // namespace saima

#endif  // SAIMA_COMMON_CALLER_H_
