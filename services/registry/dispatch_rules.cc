#include "services/registry/dispatch_rules.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "common/names.h"
#include "common/period.h"
#include "google/protobuf/util/time_util.h"

namespace saima::registry {

void CheckProblem(const pb::Problem& p, Violations& v) {
  if (p.project_id() <= 0) v.Add("problem.project_id", "is required", "问题所属项目必填");
  if (p.kind() == pb::PROBLEM_KIND_UNSPECIFIED || !pb::ProblemKind_IsValid(p.kind())) {
    v.Add("problem.kind", "must be one of 用地, 资金, 审批, 能耗, 征迁, 施工, 其他",
          "问题类型应为 用地、资金、审批、能耗、征迁、施工、其他 之一");
  }
  if (p.description().empty()) v.Add("problem.description", "is required", "问题描述必填");
  if (p.responsible_unit_id().empty())
    v.Add("problem.responsible_unit_id", "is required: the department that solves it", "须指定负责解决的部门");
  if (p.responsible_person().empty())
    v.Add("problem.responsible_person", "is required: a named person", "须指定责任人");
  if (!IsDate(p.deadline()))
    v.Add("problem.deadline", "must be a date YYYY-MM-DD", "办结期限应为日期，写作 YYYY-MM-DD");
  if (!p.opened_date().empty() && !IsDate(p.opened_date()))
    v.Add("problem.opened_date", "must be a date YYYY-MM-DD", "提出日期应写作 YYYY-MM-DD");
  if (IsDate(p.deadline()) && IsDate(p.opened_date()) && p.deadline() < p.opened_date()) {
    v.Add("problem.deadline", "must not be before the day the problem was opened", "办结期限不能早于提出日期");
  }
}

void CheckOrder(const pb::Order& o, Violations& v) {
  if (o.project_id() <= 0) v.Add("order.project_id", "is required", "督办单所属项目必填");
  if (o.task().empty()) v.Add("order.task", "is required: the 任务书 (what must be done)", "任务书必填");
  if (o.timetable_size() == 0)
    v.Add("order.timetable", "is required: the 时间表 (at least one dated node)", "时间表至少要有一个带日期的节点");
  std::set<std::string> titles;
  for (int i = 0; i < o.timetable_size(); ++i) {
    const auto& n = o.timetable(i);
    const std::string field = absl::StrCat("order.timetable[", i, "]");
    if (n.title().empty()) v.Add(field + ".title", "is required", "时间表节点名称必填");
    if (!titles.insert(n.title()).second)
      v.Add(field + ".title", "must be unique in the timetable", "时间表节点名称不能重复");
    if (!IsDate(n.due_date()))
      v.Add(field + ".due_date", "must be a date YYYY-MM-DD", "时间表节点日期应写作 YYYY-MM-DD");
    if (IsDate(n.due_date()) && IsDate(o.issued_date()) && n.due_date() < o.issued_date()) {
      v.Add(field + ".due_date", "must not be before the day the order is issued", "时间表节点日期不能早于下达日期");
    }
  }
  if (o.roadmap_size() == 0)
    v.Add("order.roadmap", "is required: the 路线图 (at least one step)", "路线图至少要有一步");
  if (o.owner_name().empty()) v.Add("order.owner_name", "is required: the named owner (责任人)", "督办单须指定责任人");
  if (!o.issued_date().empty() && !IsDate(o.issued_date()))
    v.Add("order.issued_date", "must be a date YYYY-MM-DD", "下达日期应写作 YYYY-MM-DD");
  if (o.level() != pb::ORDER_LEVEL_UNSPECIFIED && !pb::OrderLevel_IsValid(o.level())) {
    v.Add("order.level", "must be 提示单, 督办单 or 约谈", "督办级别应为 提示单、督办单 或 约谈");
  }
}

bool ProblemOverdue(const pb::Problem& p, const std::string& as_of) {
  return p.closed_date().empty() && !p.deadline().empty() && p.deadline() < as_of;
}

std::vector<int> NodesToEscalate(const pb::Order& order, const std::string& as_of) {
  std::vector<int> out;
  for (int i = 0; i < order.timetable_size(); ++i) {
    const auto& n = order.timetable(i);
    if (n.escalated()) continue;
    const bool unmet_past_due = n.done_date().empty() && n.due_date() < as_of;
    const bool met_late = !n.done_date().empty() && n.done_date() > n.due_date();
    if (unmet_past_due || met_late) out.push_back(i);
  }
  return out;
}

pb::OrderLevel RaiseLevel(pb::OrderLevel level, int steps) {
  int raised = static_cast<int>(level == pb::ORDER_LEVEL_UNSPECIFIED ? pb::ORDER_LEVEL_NOTICE : level) + steps;
  if (raised > pb::ORDER_LEVEL_INTERVIEW) raised = pb::ORDER_LEVEL_INTERVIEW;
  return static_cast<pb::OrderLevel>(raised);
}

bool Escalate(pb::Order& order, const std::string& as_of) {
  if (order.state() == pb::ORDER_STATE_CLOSED) return false;
  const std::vector<int> nodes = NodesToEscalate(order, as_of);
  if (nodes.empty()) return false;
  for (int i : nodes) {
    auto* node = order.mutable_timetable(i);
    node->set_escalated(true);
    const pb::OrderLevel from = order.level();
    order.set_level(RaiseLevel(from, 1));
    auto* step = order.add_history();
    *step->mutable_time() = google::protobuf::util::TimeUtil::GetCurrentTime();
    step->set_actor("system:escalation");
    step->set_action("escalated");
    step->set_level(order.level());
    step->set_text(absl::StrCat(
        "时间表节点“", node->title(), "”", node->done_date().empty() ? "逾期未完成" : "逾期完成", "(应于 ",
        node->due_date(), " 完成), ", DisplayNameOf(from), " → ", DisplayNameOf(order.level()), ", 判定日 ", as_of));
  }
  return true;
}

}  // namespace saima::registry
