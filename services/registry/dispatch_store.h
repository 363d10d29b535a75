#ifndef SAIMA_SERVICES_REGISTRY_DISPATCH_STORE_H_
#define SAIMA_SERVICES_REGISTRY_DISPATCH_STORE_H_

// Problems, orders and decisions in schema registry. Each method is one transaction; an order is read and
// rewritten under a row lock, so concurrent answers, escalations and closures never lose a step.

#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/pg.h"
#include "saima/registry/v1/dispatch.pb.h"

namespace saima::registry {

namespace pb = ::saima::registry::v1;

std::vector<NamedStatement> DispatchStatements();

class DispatchStore {
 public:
  explicit DispatchStore(PgPool& pool) : pool_(pool) {}

  // A retried request_id returns what it created first.
  absl::StatusOr<pb::Problem> InsertProblem(const pb::Problem& problem, const std::string& request_id,
                                            absl::Time deadline);
  // Reads the problem under a lock, asks `authorize` whether the caller may change it, lets `change` edit it (or
  // refuse), stores it. A request id seen before returns the problem as it is, changing nothing, but only to a
  // caller `authorize` lets through (the same for ChangeOrder).
  absl::StatusOr<pb::Problem> ChangeProblem(int64_t problem_id, const std::string& request_id,
                                            const std::function<absl::Status(const pb::Problem&)>& authorize,
                                            const std::function<absl::Status(pb::Problem&)>& change,
                                            absl::Time deadline);
  absl::StatusOr<std::vector<pb::Problem>> ListProblems(const pb::ListProblemsRequest& filter, absl::Time deadline);

  absl::StatusOr<pb::Order> GetOrder(int64_t order_id, absl::Time deadline);
  absl::StatusOr<pb::Order> InsertOrder(const pb::Order& order, const std::string& request_id, absl::Time deadline);
  absl::StatusOr<pb::Order> ChangeOrder(int64_t order_id, const std::string& request_id,
                                        const std::function<absl::Status(const pb::Order&)>& authorize,
                                        const std::function<absl::Status(pb::Order&)>& change, absl::Time deadline);
  // Applies `change` to every open order under lock; stores and returns those it changed (returned true for).
  absl::StatusOr<std::vector<pb::Order>> ChangeOpenOrders(const std::function<bool(pb::Order&)>& change,
                                                          absl::Time deadline);
  absl::StatusOr<std::vector<pb::Order>> ListOrders(const pb::ListOrdersRequest& filter, absl::Time deadline);

  absl::StatusOr<pb::Decision> InsertDecision(const pb::Decision& decision, const std::string& request_id,
                                              absl::Time deadline);
  absl::StatusOr<std::vector<pb::Decision>> ListDecisions(const std::string& period, int64_t project_id,
                                                          absl::Time deadline);

 private:
  PgPool& pool_;
};

}  // namespace saima::registry

#endif  // SAIMA_SERVICES_REGISTRY_DISPATCH_STORE_H_
