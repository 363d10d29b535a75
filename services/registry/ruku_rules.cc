#include "services/registry/ruku_rules.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/civil_time.h"
#include "common/names.h"
#include "common/policy.h"
#include "common/status.h"

namespace saima::registry {
namespace {

bool Has(const RukuFacts& facts, pb::DocumentType type) {
  return std::any_of(facts.documents.begin(), facts.documents.end(),
                     [type](const pb::Document& d) { return d.type() == type; });
}

bool HasExplained(const RukuFacts& facts, pb::DocumentType type) {
  return std::any_of(facts.documents.begin(), facts.documents.end(),
                     [type](const pb::Document& d) { return d.type() == type && !d.explanation().empty(); });
}

bool IsReviewState(pb::RukuState s) {
  return s == pb::RUKU_STATE_SUBMITTED || s == pb::RUKU_STATE_DEPT_REVIEWED || s == pb::RUKU_STATE_STATS_REVIEW ||
         s == pb::RUKU_STATE_PROVINCE_REVIEW || s == pb::RUKU_STATE_NBS_REVIEW;
}

// The one next state of a forward step from `from`, given the project's size.
pb::RukuState ForwardFrom(pb::RukuState from, int64_t total) {
  switch (from) {
    case pb::RUKU_STATE_DRAFT:
    case pb::RUKU_STATE_RETURNED:
      return pb::RUKU_STATE_SUBMITTED;
    case pb::RUKU_STATE_SUBMITTED:
      return pb::RUKU_STATE_DEPT_REVIEWED;
    case pb::RUKU_STATE_DEPT_REVIEWED:
      return pb::RUKU_STATE_STATS_REVIEW;
    case pb::RUKU_STATE_STATS_REVIEW:
      return total >= kProvinceReviewYuan ? pb::RUKU_STATE_PROVINCE_REVIEW : pb::RUKU_STATE_APPROVED;
    case pb::RUKU_STATE_PROVINCE_REVIEW:
      return total >= kNationalReviewYuan ? pb::RUKU_STATE_NBS_REVIEW : pb::RUKU_STATE_APPROVED;
    case pb::RUKU_STATE_NBS_REVIEW:
      return pb::RUKU_STATE_APPROVED;
    default:
      return pb::RUKU_STATE_UNSPECIFIED;
  }
}

// Who acts while an application is in `from`: the unit before submission, the 主管部门 at SUBMITTED, the
// statistics bureau afterwards (it also records the province's and the national bureau's decisions).
absl::Status CheckActor(const Caller& caller, const pb::Project& project, const pb::RukuApplication& app,
                        pb::RukuState from) {
  const Target target{project.unit_id(), app.reviewing_department_id(), ""};
  if (from == pb::RUKU_STATE_DRAFT || from == pb::RUKU_STATE_RETURNED) {
    return Authorize(caller, Action::ACTION_SUBMIT_RUKU, target);
  }
  if (from == pb::RUKU_STATE_SUBMITTED) return Authorize(caller, Action::ACTION_REVIEW_RUKU, target);
  return Authorize(caller, Action::ACTION_DECIDE_RUKU, target);
}

// Position on the forward path (DRAFT and RETURNED before submission); -1 off it.
int Rank(pb::RukuState s) {
  switch (s) {
    case pb::RUKU_STATE_DRAFT:
    case pb::RUKU_STATE_RETURNED:
      return 0;
    case pb::RUKU_STATE_SUBMITTED:
      return 1;
    case pb::RUKU_STATE_DEPT_REVIEWED:
      return 2;
    case pb::RUKU_STATE_STATS_REVIEW:
      return 3;
    case pb::RUKU_STATE_PROVINCE_REVIEW:
      return 4;
    case pb::RUKU_STATE_NBS_REVIEW:
      return 5;
    case pb::RUKU_STATE_APPROVED:
      return 6;
    default:
      return -1;
  }
}

}  // namespace

std::vector<pb::RukuState> RukuPath(pb::RukuState from, pb::RukuState target, int64_t total, bool* reachable) {
  *reachable = true;
  std::vector<pb::RukuState> path;
  if (from == target) return path;
  const bool back = target == pb::RUKU_STATE_RETURNED || target == pb::RUKU_STATE_REJECTED;
  // Who turns it back: the 主管部门 (at SUBMITTED) returns, the bureau (from STATS_REVIEW) rejects.
  const int turn = Rank(target == pb::RUKU_STATE_RETURNED ? pb::RUKU_STATE_SUBMITTED : pb::RUKU_STATE_STATS_REVIEW);
  for (pb::RukuState at = from;;) {
    if (back && IsReviewState(at) && Rank(at) >= turn) {
      path.push_back(target);
      return path;
    }
    at = ForwardFrom(at, total);
    if (at == pb::RUKU_STATE_UNSPECIFIED) break;
    path.push_back(at);
    if (at == target) return path;
    if (at == pb::RUKU_STATE_APPROVED) break;
  }
  *reachable = false;
  return {};
}

absl::Status RequestIdUsedForAnotherRequest() {
  return InvalidField("request_id", "was used for another request", "该请求编号已用于另一次操作");
}

absl::Status CheckRukuTransition(const Caller& caller, const pb::Project& project, const pb::RukuApplication& app,
                                 pb::RukuState to, const std::string& reason, const RukuFacts& facts) {
  const pb::RukuState from = app.state();
  const bool back = to == pb::RUKU_STATE_RETURNED || to == pb::RUKU_STATE_REJECTED;
  if (back ? !IsReviewState(from) : ForwardFrom(from, project.planned_total_investment_yuan()) != to) {
    return Error(absl::StatusCode::kFailedPrecondition,
                 absl::StrCat("入库 application cannot move from ", RukuState_Name(from), " to ", RukuState_Name(to)),
                 absl::StrCat("入库申请不能从“", DisplayNameOf(from), "”转为“", DisplayNameOf(to), "”"));
  }
  if (absl::Status s = CheckActor(caller, project, app, from); !s.ok()) return s;
  if (back && reason.empty()) {
    return InvalidField("reason", "is required when an application is returned or rejected",
                        "退回或不予入库时必须填写理由");
  }
  if (to == pb::RUKU_STATE_SUBMITTED) {
    if (project.planned_total_investment_yuan() < kRukuMinimumYuan) {
      return Error(absl::StatusCode::kFailedPrecondition, "入库 requires 计划总投资 of at least 500万元",
                   "计划总投资不足 500 万元，不能入库");
    }
    const bool purchase = project.construction_nature() == pb::CONSTRUCTION_NATURE_PURCHASE_ONLY;
    if (purchase ? !Has(facts, pb::DOCUMENT_TYPE_DELIVERY_PHOTO) : project.actual_start_date().empty()) {
      return purchase ? Error(absl::StatusCode::kFailedPrecondition,
                              "单纯购置 requires proof of delivery (到货照片) before 入库",
                              "单纯购置项目须先上传到货照片才能申请入库")
                      : Error(absl::StatusCode::kFailedPrecondition, "入库 requires a proven start (actual_start_date)",
                              "项目须已开工(填写实际开工日期)才能申请入库");
    }
    if (auto missing = MissingMaterials(project, facts); !missing.empty()) {
      return Error(absl::StatusCode::kFailedPrecondition,
                   absl::StrCat("入库 materials missing: ", absl::StrJoin(missing, "、")),
                   absl::StrCat("入库材料不齐，缺少：", absl::StrJoin(missing, "、")));
    }
  }
  return absl::OkStatus();
}

std::vector<std::string> MissingMaterials(const pb::Project& project, const RukuFacts& facts) {
  std::vector<std::string> missing;
  auto need = [&](pb::DocumentType type) {
    if (!Has(facts, type)) missing.push_back(DisplayNameOf(type));
  };
  if (project.construction_nature() == pb::CONSTRUCTION_NATURE_PURCHASE_ONLY) {
    need(pb::DOCUMENT_TYPE_PURCHASE_CONTRACT);
    need(pb::DOCUMENT_TYPE_PAYMENT_VOUCHER);
    need(pb::DOCUMENT_TYPE_DELIVERY_PHOTO);
    return missing;
  }
  need(pb::DOCUMENT_TYPE_SITE_PHOTO);
  need(pb::DOCUMENT_TYPE_CONSTRUCTION_CONTRACT);
  const bool approval =
      Has(facts, pb::DOCUMENT_TYPE_APPROVAL) || HasExplained(facts, pb::DOCUMENT_TYPE_CONSTRUCTION_PERMIT) ||
      HasExplained(facts, pb::DOCUMENT_TYPE_DESIGN) || HasExplained(facts, pb::DOCUMENT_TYPE_FEASIBILITY_STUDY);
  if (!approval) {
    missing.push_back("项目审批核准备案文件(或附说明的施工许可证/设计文件/可研报告)");
  }
  if (project.planned_total_investment_yuan() >= kProvinceReviewYuan) {
    need(pb::DOCUMENT_TYPE_CONSTRUCTION_PERMIT);
    need(pb::DOCUMENT_TYPE_DESIGN);
    need(pb::DOCUMENT_TYPE_FEASIBILITY_STUDY);
  }
  return missing;
}

std::vector<std::string> ConsistencyFlags(const pb::Project& project, const pb::Unit& unit,
                                          const pb::RukuApplication& app) {
  std::vector<std::string> flags;
  if (!app.approval_unit_name().empty() && app.approval_unit_name() != unit.name()) {
    flags.push_back(absl::StrCat("审批文件单位(", app.approval_unit_name(), ")与填报单位(", unit.name(), ")不一致"));
  }
  if (app.approved_total_investment_yuan() != 0 &&
      app.approved_total_investment_yuan() != project.planned_total_investment_yuan()) {
    flags.push_back("审批文件计划总投资与申报不一致");
  }
  if (!project.actual_start_date().empty() && !project.planned_start_date().empty() &&
      project.actual_start_date() < absl::StrCat(project.planning_year(), "-01-01")) {
    flags.push_back("实际开工日期早于谋划年度");
  }
  return flags;
}

namespace {

// `months` after `day`, keeping the day of month or taking the month's last day when it has fewer days.
absl::CivilDay AddMonths(absl::CivilDay day, int months) {
  const absl::CivilMonth month = absl::CivilMonth(day) + months;
  const absl::CivilDay last = absl::CivilDay(month + 1) - 1;
  const absl::CivilDay same = absl::CivilDay(month.year(), month.month(), day.day());
  return absl::CivilMonth(same) == month ? same : last;
}

}  // namespace

pb::MissingRukuLight MissingLight(const std::string& start, const std::string& as_of, int* whole_months) {
  absl::CivilDay s, a;
  if (!absl::ParseCivilTime(start, &s) || !absl::ParseCivilTime(as_of, &a) || a < s) {
    if (whole_months) *whole_months = 0;
    return pb::MISSING_RUKU_LIGHT_PENDING;
  }
  int months = 0;
  while (AddMonths(s, months + 1) <= a) ++months;
  if (whole_months) *whole_months = months;
  if (months >= 2) return pb::MISSING_RUKU_LIGHT_RED;
  if (months >= 1) return pb::MISSING_RUKU_LIGHT_YELLOW;
  return pb::MISSING_RUKU_LIGHT_PENDING;
}

}  // namespace saima::registry
