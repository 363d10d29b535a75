// The audit API of the gateway: the three services' chains behind one call. Each service checks who may read
// its audit (the policy's kReadAudit); the gateway only fans out and merges.

#include "common/audit.h"
#include "common/status.h"
#include "gateway/gateway.h"

namespace saima::gateway {

namespace audit_pb = ::saima::audit::v1;

absl::StatusOr<audit_pb::VerifyAuditResponse> Gateway::VerifyAudit(const CallInfo& call,
                                                                   const audit_pb::VerifyAuditRequest& request) {
  if (!request.service().empty() && audit_.count(request.service()) == 0) {
    return InvalidField("service", "must be registry, stats or scoring, or empty for all",
                        "服务名应为 registry、stats 或 scoring，留空表示全部");
  }
  audit_pb::VerifyAuditResponse merged;
  for (const auto& [service, stub] : audit_) {
    if (!request.service().empty() && request.service() != service) continue;
    // A long chain takes a while to walk: give it a minute whatever the client asked for.
    CallInfo patient = call;
    patient.deadline = absl::Now() + absl::Seconds(60);
    auto context = Downstream(patient, std::chrono::seconds(60));
    audit_pb::VerifyAuditRequest down;
    down.set_service(service);
    audit_pb::VerifyAuditResponse result;
    grpc::Status status = stub->VerifyAudit(context.get(), down, &result);
    if (!status.ok()) return BackendStatus(service, status);
    for (auto& chain : *result.mutable_chains()) *merged.add_chains() = std::move(chain);
  }
  return merged;
}

absl::StatusOr<audit_pb::ListAuditEntriesResponse> Gateway::ListAuditEntries(
    const CallInfo& call, const audit_pb::ListAuditEntriesRequest& request) {
  if (absl::Status valid = ValidateListAuditEntries(request, /*service_required=*/true); !valid.ok()) return valid;
  auto context = Downstream(call, std::chrono::seconds(10));
  audit_pb::ListAuditEntriesResponse response;
  grpc::Status status = audit_.at(request.service())->ListAuditEntries(context.get(), request, &response);
  if (!status.ok()) return BackendStatus(request.service(), status);
  return response;
}

}  // namespace saima::gateway
