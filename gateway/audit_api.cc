// The audit API of the gateway: the three services' chains behind one call. Each service checks who may read
// its audit (the policy's kReadAudit); the gateway only fans out and merges.

#include "common/audit.h"
#include "gateway/backend_call.h"
#include "gateway/gateway.h"

namespace saima::gateway {

namespace audit_pb = ::saima::audit::v1;

absl::StatusOr<audit_pb::VerifyAuditResponse> Gateway::VerifyAudit(const CallInfo& call,
                                                                   const audit_pb::VerifyAuditRequest& request) {
  if (!request.service().empty() && audit_.count(request.service()) == 0) {
    return InvalidField("service", "must be registry, stats or scoring, or empty for all");
  }
  audit_pb::VerifyAuditResponse merged;
  for (const auto& [service, stub] : audit_) {
    if (!request.service().empty() && request.service() != service) continue;
    auto context = Downstream(call);
    // A long chain takes a while to walk: give it a minute whatever the client asked for.
    context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
    audit_pb::VerifyAuditRequest down;
    down.set_service(service);
    auto result = CallBackend(service.c_str(), stub.get(), &audit_pb::AuditService::Stub::VerifyAudit, *context, down);
    if (!result.ok()) return result.status();
    for (auto& chain : *result->mutable_chains()) *merged.add_chains() = std::move(chain);
  }
  return merged;
}

absl::StatusOr<audit_pb::ListAuditEntriesResponse> Gateway::ListAuditEntries(
    const CallInfo& call, const audit_pb::ListAuditEntriesRequest& request) {
  if (absl::Status valid = ValidateListAuditEntries(request, /*service_required=*/true); !valid.ok()) return valid;
  auto context = Downstream(call);
  return CallBackend(request.service().c_str(), audit_.at(request.service()).get(),
                     &audit_pb::AuditService::Stub::ListAuditEntries, *context, request);
}

}  // namespace saima::gateway
