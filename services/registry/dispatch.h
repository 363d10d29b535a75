#ifndef SAIMA_SERVICES_REGISTRY_DISPATCH_H_
#define SAIMA_SERVICES_REGISTRY_DISPATCH_H_

// The use cases of DispatchService: who may open, answer, escalate and close what.
//  - problems: opened by the project's unit or the 发改局; notes by either or the responsible department; closed
//    with a result by the responsible department or the 发改局;
//  - orders: issued by the 发改局; answered by the responsible unit; escalated by the system when timetable dates
//    pass (EscalateOrders, also run periodically by the registry); closed by the 发改局 when the project is back
//    to 正常 (a fact stats owns, asked through `status_of`) or by a leader with a reason;
//  - decisions: recorded by the 发改局 at the meeting.
// Reads are authorized like writes: unit staff see their own unit's problems, orders and decisions, a
// department the problems it is responsible for.

#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/caller.h"
#include "saima/stats/v1/stats.pb.h"
#include "services/registry/dispatch_store.h"
#include "services/registry/registry_store.h"

namespace saima::registry {

class Dispatch {
 public:
  // A project's progress status at a period (YYYY-MM), as stats computes it, asked with the caller's identity.
  using StatusOf = std::function<absl::StatusOr<saima::stats::v1::ProgressStatus>(
      const Caller& caller, int64_t project_id, const std::string& period, absl::Time deadline)>;

  Dispatch(DispatchStore& store, RegistryStore& registry, StatusOf status_of)
      : store_(store), registry_(registry), status_of_(std::move(status_of)) {}

  absl::StatusOr<pb::OpenProblemResponse> OpenProblem(const Caller& c, const pb::OpenProblemRequest& q, absl::Time d);
  absl::StatusOr<pb::UpdateProblemResponse> UpdateProblem(const Caller& c, const pb::UpdateProblemRequest& q,
                                                          absl::Time d);
  absl::StatusOr<pb::ListProblemsResponse> ListProblems(const Caller& c, const pb::ListProblemsRequest& q,
                                                        absl::Time d);
  absl::StatusOr<pb::IssueOrderResponse> IssueOrder(const Caller& c, const pb::IssueOrderRequest& q, absl::Time d);
  absl::StatusOr<pb::RespondToOrderResponse> RespondToOrder(const Caller& c, const pb::RespondToOrderRequest& q,
                                                            absl::Time d);
  absl::StatusOr<pb::CloseOrderResponse> CloseOrder(const Caller& c, const pb::CloseOrderRequest& q, absl::Time d);
  absl::StatusOr<pb::EscalateOrdersResponse> EscalateOrders(const Caller& c, const pb::EscalateOrdersRequest& q,
                                                            absl::Time d);
  absl::StatusOr<pb::ListOrdersResponse> ListOrders(const Caller& c, const pb::ListOrdersRequest& q, absl::Time d);
  absl::StatusOr<pb::RecordDecisionResponse> RecordDecision(const Caller& c, const pb::RecordDecisionRequest& q,
                                                            absl::Time d);
  absl::StatusOr<pb::ListDecisionsResponse> ListDecisions(const Caller& c, const pb::ListDecisionsRequest& q,
                                                          absl::Time d);

 private:
  DispatchStore& store_;
  RegistryStore& registry_;
  StatusOf status_of_;
};

// Today in the server's time zone, YYYY-MM-DD.
std::string Today();

}  // namespace saima::registry

#endif  // SAIMA_SERVICES_REGISTRY_DISPATCH_H_
