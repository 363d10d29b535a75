#include "services/registry/dispatch.h"

#include <algorithm>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/names.h"
#include "common/period.h"
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
  if (absl::Status s = Authorize(c, Action::ACTION_OPEN_PROBLEM, Target{project->unit_id(), "", ""}); !s.ok()) return s;
  if (!registry_.GetUnit(problem.responsible_unit_id(), d).ok()) {
    return InvalidField("problem.responsible_unit_id",
                        absl::StrCat("unit ", problem.responsible_unit_id(), " does not exist"),
                        absl::StrCat("负责部门“", problem.responsible_unit_id(), "”不存在"));
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
  if (!closing && !noting) v.Add("note.text", "a progress note or a result is required", "请填写进展情况或办结结果");
  if (noting && !q.note().date().empty() && !IsDate(q.note().date())) {
    v.Add("note.date", "must be a date YYYY-MM-DD", "进展日期应写作 YYYY-MM-DD");
  }
  if (!q.closed_date().empty() && !IsDate(q.closed_date())) {
    v.Add("closed_date", "must be a date YYYY-MM-DD", "办结日期应写作 YYYY-MM-DD");
  }
  if (!v.ok()) return v.ToStatus();
  auto problem = store_.ChangeProblem(
      q.problem_id(), q.request_id(),
      [&](const pb::Problem& p) {
        // Closing is the responsible department's (or the 发改局's); notes also come from the project's unit.
        return Authorize(c, closing ? Action::ACTION_RESOLVE_PROBLEM : Action::ACTION_NOTE_PROBLEM,
                         Target{p.unit_id(), p.responsible_unit_id(), ""});
      },
      [&](pb::Problem& p) -> absl::Status {
        if (!p.closed_date().empty()) {
          return Error(absl::StatusCode::kFailedPrecondition,
                       absl::StrCat("problem ", p.problem_id(), " was closed on ", p.closed_date()),
                       absl::StrCat("该问题已于 ", p.closed_date(), " 办结"));
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

absl::StatusOr<pb::ListProblemsResponse> Dispatch::ListProblems(const Caller& c, const pb::ListProblemsRequest& given,
                                                                absl::Time d) {
  pb::ListProblemsRequest q = given;
  std::string department;
  if (absl::Status s = NarrowToScope(c, Action::ACTION_READ_DISPATCH, q.mutable_unit_id(), &department); !s.ok()) {
    return s;
  }
  const std::string as_of = q.as_of_date().empty() ? Today() : q.as_of_date();
  if (!IsDate(as_of)) return InvalidField("as_of_date", "must be a date YYYY-MM-DD", "截止日期应写作 YYYY-MM-DD");
  auto problems = store_.ListProblems(q, d);
  if (!problems.ok()) return problems.status();
  pb::ListProblemsResponse r;
  for (auto& p : *problems) {
    if (!department.empty() && p.responsible_unit_id() != department) continue;
    p.set_overdue(ProblemOverdue(p, as_of));
    *r.add_problems() = std::move(p);
  }
  return r;
}

absl::StatusOr<pb::IssueOrderResponse> Dispatch::IssueOrder(const Caller& c, const pb::IssueOrderRequest& q,
                                                            absl::Time d) {
  if (absl::Status s = Authorize(c, Action::ACTION_ISSUE_ORDER); !s.ok()) return s;
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
  AddStep(order, c.user_id, "issued", absl::StrCat(DisplayNameOf(order.level()), "：", order.task()));
  auto stored = store_.InsertOrder(order, q.request_id(), d);
  if (!stored.ok()) return stored.status();
  pb::IssueOrderResponse r;
  *r.mutable_order() = *std::move(stored);
  return r;
}

absl::StatusOr<pb::RespondToOrderResponse> Dispatch::RespondToOrder(const Caller& c, const pb::RespondToOrderRequest& q,
                                                                    absl::Time d) {
  Violations v;
  if (q.answer().empty()) v.Add("answer", "is required", "答复内容必填");
  if (q.done_nodes_size() > 0 && !IsDate(q.done_date())) {
    v.Add("done_date", "must be a date YYYY-MM-DD", "完成日期应写作 YYYY-MM-DD");
  }
  if (!v.ok()) return v.ToStatus();
  auto order = store_.ChangeOrder(
      q.order_id(), q.request_id(),
      [&](const pb::Order& o) {
        return Authorize(c, Action::ACTION_RESPOND_TO_ORDER, Target{o.unit_id(), "", ""});
      },
      [&](pb::Order& o) -> absl::Status {
        if (o.state() == pb::ORDER_STATE_CLOSED) {
          return Error(absl::StatusCode::kFailedPrecondition, absl::StrCat("order ", o.order_id(), " is closed"),
                       "该督办单已销号");
        }
        Violations nodes;
        for (int i = 0; i < q.done_nodes_size(); ++i) {
          auto it = std::find_if(o.mutable_timetable()->begin(), o.mutable_timetable()->end(),
                                 [&](const pb::TimetableNode& n) { return n.title() == q.done_nodes(i); });
          if (it == o.mutable_timetable()->end()) {
            nodes.Add(absl::StrCat("done_nodes[", i, "]"),
                      absl::StrCat("“", q.done_nodes(i), "” is not in the timetable"),
                      absl::StrCat("时间表中没有节点“", q.done_nodes(i), "”"));
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
    v.Add("closure", "must be BACK_TO_NORMAL or BY_LEADER", "销号方式应为“恢复正常销号”或“领导决定销号”");
  }
  if (q.closure() == pb::ORDER_CLOSURE_BY_LEADER && q.reason().empty()) {
    v.Add("reason", "a leader closes with a reason", "领导决定销号须写明理由");
  }
  if (q.closure() == pb::ORDER_CLOSURE_BACK_TO_NORMAL && !Period::Parse(q.status_period()).has_value()) {
    v.Add("status_period", "must be YYYY-MM with MM from 02 to 12: the period that shows the project back to 正常",
          "须指明显示项目恢复正常的月份(YYYY-MM，02 至 12 月)");
  }
  if (!q.closed_date().empty() && !IsDate(q.closed_date())) {
    v.Add("closed_date", "must be a date YYYY-MM-DD", "销号日期应写作 YYYY-MM-DD");
  }
  if (!v.ok()) return v.ToStatus();
  if (q.closure() == pb::ORDER_CLOSURE_BY_LEADER) {
    if (absl::Status s = Authorize(c, Action::ACTION_CLOSE_ORDER_BY_LEADER); !s.ok()) return s;
  }
  if (q.closure() == pb::ORDER_CLOSURE_BACK_TO_NORMAL) {
    if (absl::Status s = Authorize(c, Action::ACTION_CLOSE_ORDER_BACK_TO_NORMAL); !s.ok()) return s;
    // "Back to 正常" is a fact stats owns: asked before the closure is recorded.
    auto open = store_.GetOrder(q.order_id(), d);
    if (!open.ok()) return open.status();
    auto status = status_of_(c, open->project_id(), q.status_period(), d);
    if (!status.ok()) return status.status();
    if (*status != saima::stats::v1::PROGRESS_STATUS_NORMAL && *status != saima::stats::v1::PROGRESS_STATUS_AHEAD) {
      return Error(absl::StatusCode::kFailedPrecondition,
                   absl::StrCat("project ", open->project_id(), " is ", saima::stats::v1::ProgressStatus_Name(*status),
                                " at ", q.status_period(), ", not back to 正常"),
                   absl::StrCat("项目在 ", q.status_period(), " 的进度为“", DisplayNameOf(*status),
                                "”，尚未恢复正常，不能因恢复正常销号"));
    }
  }
  auto order = store_.ChangeOrder(
      q.order_id(), q.request_id(),
      [&](const pb::Order&) { return absl::OkStatus(); },  // the closure's action was authorized above
      [&](pb::Order& o) -> absl::Status {
        if (o.state() == pb::ORDER_STATE_CLOSED) {
          return Error(absl::StatusCode::kFailedPrecondition,
                       absl::StrCat("order ", o.order_id(), " was closed on ", o.closed_date()),
                       absl::StrCat("该督办单已于 ", o.closed_date(), " 销号"));
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
  if (absl::Status s = Authorize(c, Action::ACTION_ESCALATE_ORDERS); !s.ok()) return s;
  const std::string as_of = q.as_of_date().empty() ? Today() : q.as_of_date();
  if (!IsDate(as_of)) return InvalidField("as_of_date", "must be a date YYYY-MM-DD", "判定日期应写作 YYYY-MM-DD");
  auto changed = store_.ChangeOpenOrders([&](pb::Order& o) { return Escalate(o, as_of); }, d);
  if (!changed.ok()) return changed.status();
  pb::EscalateOrdersResponse r;
  for (auto& o : *changed) *r.add_escalated() = std::move(o);
  return r;
}

absl::StatusOr<pb::ListOrdersResponse> Dispatch::ListOrders(const Caller& c, const pb::ListOrdersRequest& given,
                                                            absl::Time d) {
  pb::ListOrdersRequest q = given;
  std::string department;
  if (absl::Status s = NarrowToScope(c, Action::ACTION_READ_DISPATCH, q.mutable_unit_id(), &department); !s.ok()) {
    return s;
  }
  // Orders are addressed to units; a department (own-sector scope) has none of its own.
  pb::ListOrdersResponse r;
  if (!department.empty()) return r;
  auto orders = store_.ListOrders(q, d);
  if (!orders.ok()) return orders.status();
  for (auto& o : *orders) *r.add_orders() = std::move(o);
  return r;
}

absl::StatusOr<pb::RecordDecisionResponse> Dispatch::RecordDecision(const Caller& c, const pb::RecordDecisionRequest& q,
                                                                    absl::Time d) {
  if (absl::Status s = Authorize(c, Action::ACTION_RECORD_DECISION); !s.ok()) return s;
  pb::Decision decision = q.decision();
  Violations v;
  CheckPeriod(decision.period(), "decision.period", v);
  if (decision.project_id() <= 0) v.Add("decision.project_id", "is required", "决定所涉项目必填");
  if (decision.text().empty()) v.Add("decision.text", "is required", "决定内容必填");
  if (decision.owner_name().empty())
    v.Add("decision.owner_name", "is required: who carries it out", "须指定落实责任人");
  if (!decision.deadline().empty() && !IsDate(decision.deadline())) {
    v.Add("decision.deadline", "must be a date", "落实期限应写作 YYYY-MM-DD");
  }
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

absl::StatusOr<pb::ListDecisionsResponse> Dispatch::ListDecisions(const Caller& c, const pb::ListDecisionsRequest& q,
                                                                  absl::Time d) {
  std::string unit;
  std::string department;
  if (absl::Status s = NarrowToScope(c, Action::ACTION_READ_DISPATCH, &unit, &department); !s.ok()) return s;
  auto decisions = store_.ListDecisions(q.period(), q.project_id(), d);
  if (!decisions.ok()) return decisions.status();
  pb::ListDecisionsResponse r;
  // Decisions name projects; a caller limited to a unit sees those of its own unit's projects.
  std::map<int64_t, bool> own;
  for (auto& x : *decisions) {
    if (!unit.empty() || !department.empty()) {
      auto it = own.find(x.project_id());
      if (it == own.end()) {
        auto project = registry_.GetProject(x.project_id(), d);
        it = own.emplace(x.project_id(), project.ok() && !unit.empty() && project->unit_id() == unit).first;
      }
      if (!it->second) continue;
    }
    *r.add_decisions() = std::move(x);
  }
  return r;
}

}  // namespace saima::registry
