#include "services/registry/dispatch.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/policy.h"
#include "common/status.h"
#include "google/protobuf/util/time_util.h"
#include "services/registry/dispatch_rules.h"

namespace saima::registry {
namespace {

using google::protobuf::util::TimeUtil;

void AddStep(pb::Order& order, const std::string& actor, const std::string& action, const std::string& text) {
  auto* step = order.add_history();
  *step->mutable_time() = TimeUtil::GetCurrentTime();
  step->set_actor(actor);
  step->set_action(action);
  step->set_level(order.level());
  step->set_text(text);
}

}  // namespace

std::string Today() { return absl::FormatTime("%Y-%m-%d", absl::Now(), absl::LocalTimeZone()); }

absl::StatusOr<pb::OpenProblemResponse> Dispatch::OpenProblem(const Caller& c, const pb::OpenProblemRequest& q,
                                                              absl::Time d) {
  pb::Problem problem = q.problem();
  if (problem.opened_date().empty()) problem.set_opened_date(Today());
  Violations v;
  CheckProblem(problem, v);
  if (!v.ok()) return v.ToStatus();
  auto project = registry_.GetProject(problem.project_id(), d);
  if (!project.ok()) return project.status();
  if (absl::Status s = Authorize(c, Action::kOpenProblem, Target{project->unit_id(), "", ""}); !s.ok()) return s;
  if (!registry_.GetUnit(problem.responsible_unit_id(), d).ok()) {
    return InvalidField("problem.responsible_unit_id",
                        absl::StrCat("unit ", problem.responsible_unit_id(), " does not exist"));
  }
  problem.set_unit_id(project->unit_id());
  problem.set_opened_by(c.user_id);
  problem.clear_notes();
  problem.clear_closed_date();
  problem.clear_result();
  problem.clear_overdue();
  auto stored = store_.InsertProblem(problem, q.request_id(), d);
  if (!stored.ok()) return stored.status();
  pb::OpenProblemResponse r;
  *r.mutable_problem() = *std::move(stored);
  return r;
}

absl::StatusOr<pb::UpdateProblemResponse> Dispatch::UpdateProblem(const Caller& c, const pb::UpdateProblemRequest& q,
                                                                  absl::Time d) {
  Violations v;
  const bool closing = !q.result().empty();
  const bool noting = !q.note().text().empty();
  if (!closing && !noting) v.Add("note.text", "a progress note or a result is required");
  if (noting && !q.note().date().empty() && !IsDate(q.note().date())) v.Add("note.date", "must be a date YYYY-MM-DD");
  if (!q.closed_date().empty() && !IsDate(q.closed_date())) v.Add("closed_date", "must be a date YYYY-MM-DD");
  if (!v.ok()) return v.ToStatus();
  auto problem = store_.ChangeProblem(
      q.problem_id(), q.request_id(),
      [&](pb::Problem& p) -> absl::Status {
        // Closing is the responsible department's (or the 发改局's); notes also come from the project's unit.
        const Target target{p.unit_id(), p.responsible_unit_id(), ""};
        if (absl::Status s = Authorize(c, closing ? Action::kResolveProblem : Action::kNoteProblem, target); !s.ok()) {
          return s;
        }
        if (!p.closed_date().empty()) {
          return absl::FailedPreconditionError(
              absl::StrCat("problem ", p.problem_id(), " was closed on ", p.closed_date()));
        }
        if (noting) {
          pb::ProgressNote* note = p.add_notes();
          *note = q.note();
          if (note->date().empty()) note->set_date(Today());
          note->set_actor(c.user_id);
        }
        if (closing) {
          p.set_result(q.result());
          p.set_closed_date(!q.closed_date().empty() ? q.closed_date()
                                                     : (!q.note().date().empty() ? q.note().date() : Today()));
        }
        return absl::OkStatus();
      },
      d);
  if (!problem.ok()) return problem.status();
  pb::UpdateProblemResponse r;
  *r.mutable_problem() = *std::move(problem);
  return r;
}

absl::StatusOr<pb::ListProblemsResponse> Dispatch::ListProblems(const Caller&, const pb::ListProblemsRequest& q,
                                                                absl::Time d) {
  const std::string as_of = q.as_of_date().empty() ? Today() : q.as_of_date();
  if (!IsDate(as_of)) return InvalidField("as_of_date", "must be a date YYYY-MM-DD");
  auto problems = store_.ListProblems(q, d);
  if (!problems.ok()) return problems.status();
  pb::ListProblemsResponse r;
  for (auto& p : *problems) {
    p.set_overdue(ProblemOverdue(p, as_of));
    *r.add_problems() = std::move(p);
  }
  return r;
}

absl::StatusOr<pb::IssueOrderResponse> Dispatch::IssueOrder(const Caller& c, const pb::IssueOrderRequest& q,
                                                            absl::Time d) {
  if (absl::Status s = Authorize(c, Action::kIssueOrder); !s.ok()) return s;
  pb::Order order = q.order();
  if (order.issued_date().empty()) order.set_issued_date(Today());
  Violations v;
  CheckOrder(order, v);
  if (!v.ok()) return v.ToStatus();
  auto project = registry_.GetProject(order.project_id(), d);
  if (!project.ok()) return project.status();
  if (order.unit_id().empty()) order.set_unit_id(project->unit_id());
  if (order.level() == pb::ORDER_LEVEL_UNSPECIFIED) order.set_level(pb::ORDER_LEVEL_NOTICE);
  order.set_state(pb::ORDER_STATE_OPEN);
  order.clear_answer();
  order.clear_closure();
  order.clear_closed_date();
  order.clear_close_reason();
  order.clear_history();
  for (auto& node : *order.mutable_timetable()) {
    node.clear_done_date();
    node.clear_escalated();
  }
  AddStep(order, c.user_id, "issued", absl::StrCat(OrderLevelName(order.level()), "：", order.task()));
  auto stored = store_.InsertOrder(order, q.request_id(), d);
  if (!stored.ok()) return stored.status();
  pb::IssueOrderResponse r;
  *r.mutable_order() = *std::move(stored);
  return r;
}

absl::StatusOr<pb::RespondToOrderResponse> Dispatch::RespondToOrder(const Caller& c, const pb::RespondToOrderRequest& q,
                                                                    absl::Time d) {
  Violations v;
  if (q.answer().empty()) v.Add("answer", "is required");
  if (q.done_nodes_size() > 0 && !IsDate(q.done_date())) v.Add("done_date", "must be a date YYYY-MM-DD");
  if (!v.ok()) return v.ToStatus();
  auto order = store_.ChangeOrder(
      q.order_id(), q.request_id(),
      [&](pb::Order& o) -> absl::Status {
        if (absl::Status s = Authorize(c, Action::kRespondToOrder, Target{o.unit_id(), "", ""}); !s.ok()) return s;
        if (o.state() == pb::ORDER_STATE_CLOSED) {
          return absl::FailedPreconditionError(absl::StrCat("order ", o.order_id(), " is closed"));
        }
        Violations nodes;
        for (int i = 0; i < q.done_nodes_size(); ++i) {
          auto it = std::find_if(o.mutable_timetable()->begin(), o.mutable_timetable()->end(),
                                 [&](const pb::TimetableNode& n) { return n.title() == q.done_nodes(i); });
          if (it == o.mutable_timetable()->end()) {
            nodes.Add(absl::StrCat("done_nodes[", i, "]"),
                      absl::StrCat("“", q.done_nodes(i), "” is not in the timetable"));
          } else if (it->done_date().empty()) {
            it->set_done_date(q.done_date());
          }
        }
        if (!nodes.ok()) return nodes.ToStatus();
        o.set_answer(q.answer());
        o.set_state(pb::ORDER_STATE_ANSWERED);
        AddStep(o, c.user_id, "answered", q.answer());
        return absl::OkStatus();
      },
      d);
  if (!order.ok()) return order.status();
  pb::RespondToOrderResponse r;
  *r.mutable_order() = *std::move(order);
  return r;
}

absl::StatusOr<pb::CloseOrderResponse> Dispatch::CloseOrder(const Caller& c, const pb::CloseOrderRequest& q,
                                                            absl::Time d) {
  Violations v;
  if (q.closure() == pb::ORDER_CLOSURE_UNSPECIFIED || !pb::OrderClosure_IsValid(q.closure())) {
    v.Add("closure", "must be BACK_TO_NORMAL or BY_LEADER");
  }
  if (q.closure() == pb::ORDER_CLOSURE_BY_LEADER && q.reason().empty())
    v.Add("reason", "a leader closes with a reason");
  if (!q.closed_date().empty() && !IsDate(q.closed_date())) v.Add("closed_date", "must be a date YYYY-MM-DD");
  if (!v.ok()) return v.ToStatus();
  if (q.closure() == pb::ORDER_CLOSURE_BY_LEADER) {
    if (absl::Status s = Authorize(c, Action::kCloseOrderByLeader); !s.ok()) return s;
  }
  if (q.closure() == pb::ORDER_CLOSURE_BACK_TO_NORMAL) {
    if (absl::Status s = Authorize(c, Action::kCloseOrderBackToNormal); !s.ok()) return s;
  }
  auto order = store_.ChangeOrder(
      q.order_id(), q.request_id(),
      [&](pb::Order& o) -> absl::Status {
        if (o.state() == pb::ORDER_STATE_CLOSED) {
          return absl::FailedPreconditionError(
              absl::StrCat("order ", o.order_id(), " was closed on ", o.closed_date()));
        }
        o.set_state(pb::ORDER_STATE_CLOSED);
        o.set_closure(q.closure());
        o.set_closed_date(q.closed_date().empty() ? Today() : q.closed_date());
        o.set_close_reason(q.reason());
        AddStep(o, c.user_id, "closed",
                q.closure() == pb::ORDER_CLOSURE_BACK_TO_NORMAL
                    ? absl::StrCat("项目进度恢复正常", q.reason().empty() ? "" : "：", q.reason())
                    : absl::StrCat("领导决定关闭：", q.reason()));
        return absl::OkStatus();
      },
      d);
  if (!order.ok()) return order.status();
  pb::CloseOrderResponse r;
  *r.mutable_order() = *std::move(order);
  return r;
}

absl::StatusOr<pb::EscalateOrdersResponse> Dispatch::EscalateOrders(const Caller& c, const pb::EscalateOrdersRequest& q,
                                                                    absl::Time d) {
  if (absl::Status s = Authorize(c, Action::kEscalateOrders); !s.ok()) return s;
  const std::string as_of = q.as_of_date().empty() ? Today() : q.as_of_date();
  if (!IsDate(as_of)) return InvalidField("as_of_date", "must be a date YYYY-MM-DD");
  auto changed = store_.ChangeOpenOrders([&](pb::Order& o) { return Escalate(o, as_of); }, d);
  if (!changed.ok()) return changed.status();
  pb::EscalateOrdersResponse r;
  for (auto& o : *changed) *r.add_escalated() = std::move(o);
  return r;
}

absl::StatusOr<pb::ListOrdersResponse> Dispatch::ListOrders(const Caller&, const pb::ListOrdersRequest& q,
                                                            absl::Time d) {
  auto orders = store_.ListOrders(q, d);
  if (!orders.ok()) return orders.status();
  pb::ListOrdersResponse r;
  for (auto& o : *orders) *r.add_orders() = std::move(o);
  return r;
}

absl::StatusOr<pb::RecordDecisionResponse> Dispatch::RecordDecision(const Caller& c, const pb::RecordDecisionRequest& q,
                                                                    absl::Time d) {
  if (absl::Status s = Authorize(c, Action::kRecordDecision); !s.ok()) return s;
  pb::Decision decision = q.decision();
  Violations v;
  absl::CivilMonth month;
  if (decision.period().size() != 7 || !absl::ParseCivilTime(decision.period(), &month)) {
    v.Add("decision.period", "must be YYYY-MM");
  }
  if (decision.project_id() <= 0) v.Add("decision.project_id", "is required");
  if (decision.text().empty()) v.Add("decision.text", "is required");
  if (decision.owner_name().empty()) v.Add("decision.owner_name", "is required: who carries it out");
  if (!decision.deadline().empty() && !IsDate(decision.deadline())) v.Add("decision.deadline", "must be a date");
  if (!v.ok()) return v.ToStatus();
  if (auto project = registry_.GetProject(decision.project_id(), d); !project.ok()) return project.status();
  decision.set_recorded_by(c.user_id);
  *decision.mutable_record_time() = TimeUtil::GetCurrentTime();
  auto stored = store_.InsertDecision(decision, q.request_id(), d);
  if (!stored.ok()) return stored.status();
  pb::RecordDecisionResponse r;
  *r.mutable_decision() = *std::move(stored);
  return r;
}

absl::StatusOr<pb::ListDecisionsResponse> Dispatch::ListDecisions(const Caller&, const pb::ListDecisionsRequest& q,
                                                                  absl::Time d) {
  auto decisions = store_.ListDecisions(q.period(), q.project_id(), d);
  if (!decisions.ok()) return decisions.status();
  pb::ListDecisionsResponse r;
  for (auto& x : *decisions) *r.add_decisions() = std::move(x);
  return r;
}

}  // namespace saima::registry
