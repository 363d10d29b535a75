#ifndef SAIMA_COMMON_STATUS_H_
#define SAIMA_COMMON_STATUS_H_

// The one status mapper of all four binaries: absl::Status inside, canonical gRPC codes with
// google.rpc.BadRequest details and a zh-CN google.rpc.LocalizedMessage on the wire (AIP-193), and the HTTP
// status and JSON body the gateway derives from them.
//
// Every error a person may read carries its Chinese text: the English message is for developers and logs.

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "grpcpp/support/status.h"

namespace saima {

// One broken rule of a request.
struct FieldViolation {
  // The request path, e.g. "project.project_code".
  std::string field;
  // The rule, in English for developers.
  std::string description;
  // The rule for people, in Chinese, readable on its own (it names the field as officials call it).
  std::string localized;
};

// Collects field violations while validating a request, then yields one INVALID_ARGUMENT status that
// carries them all as google.rpc.BadRequest. Typical use:
//   Violations v;
//   if (p.name().empty()) v.Add("project.name", "is required", "项目名称必填");
//   if (!v.ok()) return v.ToStatus();
class Violations {
 public:
  void Add(std::string field, std::string rule, std::string chinese);
  bool ok() const { return items_.empty(); }
  const std::vector<FieldViolation>& items() const { return items_; }
  // OK when nothing was added.
  absl::Status ToStatus() const;

 private:
  std::vector<FieldViolation> items_;
};

// The field violations carried by a status (empty when it has none).
std::vector<FieldViolation> FieldViolationsOf(const absl::Status& status);

// INVALID_ARGUMENT with one field violation.
absl::Status InvalidField(const std::string& field, const std::string& rule, const std::string& chinese);

// `status` with `chinese` attached as its zh-CN LocalizedMessage (replacing one it had).
absl::Status Localized(absl::Status status, const std::string& chinese);
// A status of `code` with the English developer message and the Chinese one for people.
absl::Status Error(absl::StatusCode code, const std::string& english, const std::string& chinese);

// `status` saying when the client may try again (google.rpc.RetryInfo; over HTTP the Retry-After header).
absl::Status WithRetryAfter(absl::Status status, absl::Duration delay);
// The delay a status asks the client to wait before retrying, when it carries one.
std::optional<absl::Duration> RetryAfterOf(const absl::Status& status);

// The zh-CN message of a status: its LocalizedMessage, or a general one for its code when it carries none.
std::string ChineseMessageOf(const absl::Status& status);
// Whether the status carries a LocalizedMessage of its own.
bool HasLocalizedMessage(const absl::Status& status);

// absl::Status → grpc::Status, packing payloads into grpc-status-details-bin as google.rpc.Status. A status
// without a LocalizedMessage gets the general one for its code, so that no person ever reads only English.
grpc::Status ToGrpcStatus(const absl::Status& status);

// grpc::Status → absl::Status, keeping the details as payloads, so a gateway passes errors through intact.
absl::Status FromGrpcStatus(const grpc::Status& status);

// The HTTP status for a canonical code (INVALID_ARGUMENT → 400, NOT_FOUND → 404, ABORTED → 409 ...).
int HttpStatusOf(absl::StatusCode code);

// The JSON body of an HTTP error: google.rpc.Status in protobuf's JSON mapping, always with the zh-CN
// LocalizedMessage among its details.
std::string StatusToJson(const absl::Status& status);

}  // namespace saima

#endif  // SAIMA_COMMON_STATUS_H_
