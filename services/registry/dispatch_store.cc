#include "services/registry/dispatch_store.h"

#include "absl/strings/str_cat.h"
#include "common/pg_json.h"
#include "common/status.h"
#include "google/protobuf/util/time_util.h"

namespace saima::registry {
namespace {

const char* NullIfEmpty(const std::string& s) { return s.empty() ? nullptr : s.c_str(); }

template <typename T>
T WithId(const pqxx::row& r, const char* id_column, void (T::*set_id)(int64_t)) {
  T message = FromJson<T>(r["doc"]);
  (message.*set_id)(r[id_column].as<int64_t>());
  return message;
}

pb::Problem ProblemOf(const pqxx::row& r) { return WithId(r, "problem_id", &pb::Problem::set_problem_id); }
pb::Order OrderOf(const pqxx::row& r) { return WithId(r, "order_id", &pb::Order::set_order_id); }
pb::Decision DecisionOf(const pqxx::row& r) { return WithId(r, "decision_id", &pb::Decision::set_decision_id); }

}  // namespace

std::vector<NamedStatement> DispatchStatements() {
  return {
      {"problem_by_request", "SELECT problem_id, doc FROM registry.problems WHERE request_id = $1"},
      {"insert_problem",
       "INSERT INTO registry.problems (project_id, unit_id, opened_date, doc, request_id) "
       "VALUES ($1, $2, $3::date, $4::jsonb, $5) RETURNING problem_id"},
      {"problem_for_update", "SELECT problem_id, doc FROM registry.problems WHERE problem_id = $1 FOR UPDATE"},
      {"update_problem",
       "UPDATE registry.problems SET doc = $2::jsonb, closed_date = NULLIF($3, '')::date WHERE problem_id = $1"},
      {"list_problems",
       "SELECT problem_id, doc FROM registry.problems WHERE ($1 = 0 OR project_id = $1) AND ($2 = '' OR unit_id = $2) "
       "AND (NOT $3 OR closed_date IS NULL) AND ($4 = '' OR opened_date >= $4::date) "
       "AND ($5 = '' OR opened_date <= $5::date) ORDER BY problem_id"},
      {"order_by_request", "SELECT order_id, doc FROM registry.orders WHERE request_id = $1"},
      {"insert_order",
       "INSERT INTO registry.orders (project_id, unit_id, state, issued_date, doc, request_id) "
       "VALUES ($1, $2, $3, $4::date, $5::jsonb, $6) RETURNING order_id"},
      {"order_for_update", "SELECT order_id, doc FROM registry.orders WHERE order_id = $1 FOR UPDATE"},
      {"get_order", "SELECT order_id, doc FROM registry.orders WHERE order_id = $1"},
      {"open_orders_for_update", absl::StrCat("SELECT order_id, doc FROM registry.orders WHERE state <> ",
                                              pb::ORDER_STATE_CLOSED, " ORDER BY order_id FOR UPDATE")},
      {"update_order", "UPDATE registry.orders SET doc = $2::jsonb, state = $3 WHERE order_id = $1"},
      {"list_orders",
       absl::StrCat("SELECT order_id, doc FROM registry.orders WHERE ($1 = 0 OR project_id = $1) "
                    "AND ($2 = '' OR unit_id = $2) AND (NOT $3 OR state <> ",
                    pb::ORDER_STATE_CLOSED,
                    ") AND ($4 = '' OR issued_date >= $4::date) AND ($5 = '' OR issued_date <= $5::date) "
                    "ORDER BY order_id")},
      {"dispatch_request_seen", "SELECT object_id FROM registry.dispatch_requests WHERE request_id = $1"},
      {"insert_dispatch_request", "INSERT INTO registry.dispatch_requests (request_id, object_id) VALUES ($1, $2)"},
      {"decision_by_request", "SELECT decision_id, doc FROM registry.decisions WHERE request_id = $1"},
      {"insert_decision",
       "INSERT INTO registry.decisions (period, project_id, doc, request_id) VALUES ($1, $2, $3::jsonb, $4) "
       "RETURNING decision_id"},
      {"list_decisions",
       "SELECT decision_id, doc FROM registry.decisions WHERE ($1 = '' OR period = $1) AND ($2 = 0 OR project_id = $2) "
       "ORDER BY decision_id"},
  };
}

absl::StatusOr<pb::Problem> DispatchStore::InsertProblem(const pb::Problem& problem, const std::string& request_id,
                                                         absl::Time deadline) {
  pb::Problem out;
  absl::Status status = pool_.Transaction(deadline, [&](pqxx::work& txn) {
    if (!request_id.empty()) {
      auto seen = txn.exec_prepared("problem_by_request", request_id);
      if (!seen.empty()) {
        out = ProblemOf(seen[0]);
        return absl::OkStatus();
      }
    }
    out = problem;
    out.clear_problem_id();
    const int64_t id = txn.exec_prepared1("insert_problem", out.project_id(), out.unit_id(), out.opened_date(),
                                          ToJson(out), NullIfEmpty(request_id))[0]
                           .as<int64_t>();
    out.set_problem_id(id);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return out;
}

absl::StatusOr<pb::Problem> DispatchStore::ChangeProblem(
    int64_t problem_id, const std::string& request_id, const std::function<absl::Status(const pb::Problem&)>& authorize,
    const std::function<absl::Status(pb::Problem&)>& change, absl::Time deadline) {
  pb::Problem out;
  absl::Status status = pool_.Transaction(deadline, [&](pqxx::work& txn) -> absl::Status {
    auto rows = txn.exec_prepared("problem_for_update", problem_id);
    if (rows.empty())
      return Error(absl::StatusCode::kNotFound, absl::StrCat("problem ", problem_id, " does not exist"),
                   absl::StrCat("问题 ", problem_id, " 不存在"));
    out = ProblemOf(rows[0]);
    if (absl::Status allowed = authorize(out); !allowed.ok()) return allowed;
    if (!request_id.empty()) {
      if (!txn.exec_prepared("dispatch_request_seen", request_id).empty()) return absl::OkStatus();  // a retry
      txn.exec_prepared0("insert_dispatch_request", request_id, problem_id);
    }
    if (absl::Status s = change(out); !s.ok()) return s;
    pb::Problem stored = out;
    stored.clear_problem_id();
    stored.clear_overdue();
    txn.exec_prepared0("update_problem", problem_id, ToJson(stored), out.closed_date());
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return out;
}

absl::StatusOr<std::vector<pb::Problem>> DispatchStore::ListProblems(const pb::ListProblemsRequest& f,
                                                                     absl::Time deadline) {
  std::vector<pb::Problem> out;
  absl::Status status = pool_.Transaction(deadline, [&](pqxx::work& txn) {
    for (const auto& r : txn.exec_prepared("list_problems", f.project_id(), f.unit_id(), f.open_only(), f.opened_from(),
                                           f.opened_to())) {
      out.push_back(ProblemOf(r));
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return out;
}

absl::StatusOr<pb::Order> DispatchStore::InsertOrder(const pb::Order& order, const std::string& request_id,
                                                     absl::Time deadline) {
  pb::Order out;
  absl::Status status = pool_.Transaction(deadline, [&](pqxx::work& txn) {
    if (!request_id.empty()) {
      auto seen = txn.exec_prepared("order_by_request", request_id);
      if (!seen.empty()) {
        out = OrderOf(seen[0]);
        return absl::OkStatus();
      }
    }
    out = order;
    out.clear_order_id();
    const int64_t id =
        txn.exec_prepared1("insert_order", out.project_id(), out.unit_id(), static_cast<int>(out.state()),
                           out.issued_date(), ToJson(out), NullIfEmpty(request_id))[0]
            .as<int64_t>();
    out.set_order_id(id);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return out;
}

absl::StatusOr<pb::Order> DispatchStore::GetOrder(int64_t order_id, absl::Time deadline) {
  pb::Order out;
  absl::Status status = pool_.Transaction(deadline, [&](pqxx::work& txn) -> absl::Status {
    auto rows = txn.exec_prepared("get_order", order_id);
    if (rows.empty()) {
      return Error(absl::StatusCode::kNotFound, absl::StrCat("order ", order_id, " does not exist"),
                   absl::StrCat("督办单 ", order_id, " 不存在"));
    }
    out = OrderOf(rows[0]);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return out;
}

absl::StatusOr<pb::Order> DispatchStore::ChangeOrder(int64_t order_id, const std::string& request_id,
                                                     const std::function<absl::Status(const pb::Order&)>& authorize,
                                                     const std::function<absl::Status(pb::Order&)>& change,
                                                     absl::Time deadline) {
  pb::Order out;
  absl::Status status = pool_.Transaction(deadline, [&](pqxx::work& txn) -> absl::Status {
    auto rows = txn.exec_prepared("order_for_update", order_id);
    if (rows.empty()) {
      return Error(absl::StatusCode::kNotFound, absl::StrCat("order ", order_id, " does not exist"),
                   absl::StrCat("督办单 ", order_id, " 不存在"));
    }
    out = OrderOf(rows[0]);
    if (absl::Status allowed = authorize(out); !allowed.ok()) return allowed;
    if (!request_id.empty()) {
      if (!txn.exec_prepared("dispatch_request_seen", request_id).empty()) return absl::OkStatus();  // a retry
      txn.exec_prepared0("insert_dispatch_request", request_id, order_id);
    }
    if (absl::Status s = change(out); !s.ok()) return s;
    pb::Order stored = out;
    stored.clear_order_id();
    txn.exec_prepared0("update_order", order_id, ToJson(stored), static_cast<int>(out.state()));
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return out;
}

absl::StatusOr<std::vector<pb::Order>> DispatchStore::ChangeOpenOrders(const std::function<bool(pb::Order&)>& change,
                                                                       absl::Time deadline) {
  std::vector<pb::Order> changed;
  absl::Status status = pool_.Transaction(deadline, [&](pqxx::work& txn) {
    changed.clear();
    for (const auto& r : txn.exec_prepared("open_orders_for_update")) {
      pb::Order order = OrderOf(r);
      if (!change(order)) continue;
      pb::Order stored = order;
      stored.clear_order_id();
      txn.exec_prepared0("update_order", order.order_id(), ToJson(stored), static_cast<int>(order.state()));
      changed.push_back(std::move(order));
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return changed;
}

absl::StatusOr<std::vector<pb::Order>> DispatchStore::ListOrders(const pb::ListOrdersRequest& f, absl::Time deadline) {
  std::vector<pb::Order> out;
  absl::Status status = pool_.Transaction(deadline, [&](pqxx::work& txn) {
    for (const auto& r :
         txn.exec_prepared("list_orders", f.project_id(), f.unit_id(), f.open_only(), f.issued_from(), f.issued_to())) {
      out.push_back(OrderOf(r));
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return out;
}

absl::StatusOr<pb::Decision> DispatchStore::InsertDecision(const pb::Decision& decision, const std::string& request_id,
                                                           absl::Time deadline) {
  pb::Decision out;
  absl::Status status = pool_.Transaction(deadline, [&](pqxx::work& txn) {
    if (!request_id.empty()) {
      auto seen = txn.exec_prepared("decision_by_request", request_id);
      if (!seen.empty()) {
        out = DecisionOf(seen[0]);
        return absl::OkStatus();
      }
    }
    out = decision;
    out.clear_decision_id();
    const int64_t id =
        txn.exec_prepared1("insert_decision", out.period(), out.project_id(), ToJson(out), NullIfEmpty(request_id))[0]
            .as<int64_t>();
    out.set_decision_id(id);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return out;
}

absl::StatusOr<std::vector<pb::Decision>> DispatchStore::ListDecisions(const std::string& period, int64_t project_id,
                                                                       absl::Time deadline) {
  std::vector<pb::Decision> out;
  absl::Status status = pool_.Transaction(deadline, [&](pqxx::work& txn) {
    for (const auto& r : txn.exec_prepared("list_decisions", period, project_id)) out.push_back(DecisionOf(r));
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return out;
}

}  // namespace saima::registry
