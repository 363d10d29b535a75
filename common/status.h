#ifndef SAIMA_COMMON_STATUS_H_
#define SAIMA_COMMON_STATUS_H_

// The one status mapper of all four binaries: absl::Status inside, canonical gRPC codes with
// google.rpc.BadRequest details on the wire, and the HTTP status and JSON body the gateway derives from them.

#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "grpcpp/support/status.h"

namespace saima {

// Collects field violations while validating a request, then yields one INVALID_ARGUMENT status that
// carries them all as google.rpc.BadRequest. Typical use:
//   Violations v;
//   if (p.name().empty()) v.Add("project.name", "is required");
//   if (!v.ok()) return v.ToStatus();
class Violations {
 public:
  // `field` is the request path, e.g. "project.project_code"; `rule` names the rule the value broke.
  void Add(std::string field, std::string rule);
  bool ok() const { return items_.empty(); }
  const std::vector<std::pair<std::string, std::string>>& items() const { return items_; }
  // OK when nothing was added.
  absl::Status ToStatus() const;

 private:
  std::vector<std::pair<std::string, std::string>> items_;
};

// The field violations carried by a status (empty when it has none).
std::vector<std::pair<std::string, std::string>> FieldViolationsOf(const absl::Status& status);

// INVALID_ARGUMENT with one field violation.
absl::Status InvalidField(const std::string& field, const std::string& rule);

// absl::Status → grpc::Status, packing payloads into grpc-status-details-bin as google.rpc.Status.
grpc::Status ToGrpcStatus(const absl::Status& status);

// grpc::Status → absl::Status, keeping the details as payloads, so a gateway passes errors through intact.
absl::Status FromGrpcStatus(const grpc::Status& status);

// The HTTP status for a canonical code (INVALID_ARGUMENT → 400, NOT_FOUND → 404, ABORTED → 409 ...).
int HttpStatusOf(absl::StatusCode code);

// The JSON body of an HTTP error: google.rpc.Status in protobuf's JSON mapping.
std::string StatusToJson(const absl::Status& status);

}  // namespace saima

#endif  // SAIMA_COMMON_STATUS_H_
