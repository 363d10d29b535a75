#ifndef SAIMA_SERVICES_REGISTRY_DISPATCH_RULES_H_
#define SAIMA_SERVICES_REGISTRY_DISPATCH_RULES_H_

// The rules of 月调度 (DOMAIN.md §3 and the speech's "项目目标化、目标节点化、节点责任化"), free of gRPC and SQL:
// what a problem and an order must contain, when a problem is overdue, and when an order escalates.

#include <string>
#include <vector>

#include "common/period.h"
#include "common/status.h"
#include "saima/registry/v1/dispatch.pb.h"

namespace saima::registry {

namespace pb = ::saima::registry::v1;

// Validation of a new problem and a new order; violations name fields under "problem." and "order.".
void CheckProblem(const pb::Problem& problem, Violations& v);
void CheckOrder(const pb::Order& order, Violations& v);

// Open past its deadline on `as_of` (the deadline day itself is not overdue).
bool ProblemOverdue(const pb::Problem& problem, const std::string& as_of);

// The timetable nodes that newly raise the order's level on `as_of`: not yet counted, and either unmet after their
// due day or met late. Each node raises the level at most once.
std::vector<int> NodesToEscalate(const pb::Order& order, const std::string& as_of);

// 提示单 → 督办单 → 约谈, `steps` times, never past 约谈.
pb::OrderLevel RaiseLevel(pb::OrderLevel level, int steps);

// Applies NodesToEscalate to an open order: marks the nodes, raises the level, appends an "escalated" step per
// level change. Returns whether anything changed.
bool Escalate(pb::Order& order, const std::string& as_of);

}  // namespace saima::registry

#endif  // SAIMA_SERVICES_REGISTRY_DISPATCH_RULES_H_
