#ifndef SAIMA_COMMON_AUDIT_H_
#define SAIMA_COMMON_AUDIT_H_

// A service's own audit chain (deploy/sql/roles.sql): verifying it and reading it. ServiceMain serves it in
// every database-backed service.

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/caller.h"
#include "saima/audit/v1/audit.grpc.pb.h"

namespace saima {

class PgPool;

namespace audit_pb = ::saima::audit::v1;

// Validates a listing request; the gateway uses it too.
absl::Status ValidateListAuditEntries(const audit_pb::ListAuditEntriesRequest& request, bool service_required);

class AuditLog {
 public:
  AuditLog(PgPool& pool, std::string service) : pool_(pool), service_(std::move(service)) {}

  absl::StatusOr<audit_pb::VerifyAuditResponse> VerifyAudit(const Caller& caller,
                                                            const audit_pb::VerifyAuditRequest& request,
                                                            absl::Time deadline);
  absl::StatusOr<audit_pb::ListAuditEntriesResponse> ListAuditEntries(const Caller& caller,
                                                                      const audit_pb::ListAuditEntriesRequest& request,
                                                                      absl::Time deadline);

 private:
  PgPool& pool_;
  const std::string service_;
};

// The gRPC adapter.
std::shared_ptr<grpc::Service> MakeAuditService(PgPool& pool, const std::string& service);

}  // namespace saima

#endif  // SAIMA_COMMON_AUDIT_H_
