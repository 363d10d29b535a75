#ifndef SAIMA_COMMON_AUDIT_H_
#define SAIMA_COMMON_AUDIT_H_

// A service's own audit chain (deploy/sql/roles.sql): verifying it and reading it. ServiceMain serves it in
// every database-backed service.

#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/caller.h"
#include "saima/audit/v1/audit.grpc.pb.h"

namespace pqxx {
class transaction_base;
}

namespace saima {

class PgPool;

// A service's further check of what its entries cover (stats: the Merkle roots of its imports), run in the
// verifying transaction after the chain; it marks `check` broken when something does not hold.
using AuditCoverageCheck = std::function<void(pqxx::transaction_base& txn, audit::v1::ChainCheck& check)>;

namespace audit_pb = ::saima::audit::v1;

// Validates a listing request; the gateway uses it too.
absl::Status ValidateListAuditEntries(const audit_pb::ListAuditEntriesRequest& request, bool service_required);

class AuditLog {
 public:
  AuditLog(PgPool& pool, std::string service, AuditCoverageCheck coverage = nullptr)
      : pool_(pool), service_(std::move(service)), coverage_(std::move(coverage)) {}

  absl::StatusOr<audit_pb::VerifyAuditResponse> VerifyAudit(const Caller& caller,
                                                            const audit_pb::VerifyAuditRequest& request,
                                                            absl::Time deadline);
  absl::StatusOr<audit_pb::ListAuditEntriesResponse> ListAuditEntries(const Caller& caller,
                                                                      const audit_pb::ListAuditEntriesRequest& request,
                                                                      absl::Time deadline);

 private:
  PgPool& pool_;
  const std::string service_;
  const AuditCoverageCheck coverage_;
};

// The gRPC adapter.
std::shared_ptr<grpc::Service> MakeAuditService(PgPool& pool, const std::string& service,
                                                AuditCoverageCheck coverage = nullptr);

}  // namespace saima

#endif  // SAIMA_COMMON_AUDIT_H_
