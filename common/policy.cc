#include "common/policy.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace saima {
namespace {

struct ActionInfo {
  Action action;
  const char* name;
  const char* api_scope;  // what an API key must carry; "" = people only
};

constexpr ActionInfo kActions[] = {
    {Action::kCreateUnit, "create units", ""},
    {Action::kReadProject, "read projects", "projects:read"},
    {Action::kWriteProject, "write projects", ""},
    {Action::kSubmitRuku, "submit 入库 applications", ""},
    {Action::kReviewRuku, "review 入库 applications (主管部门)", ""},
    {Action::kDecideRuku, "decide 入库 applications (统计局)", ""},
    {Action::kOpenProblem, "open problems", ""},
    {Action::kNoteProblem, "note problems", ""},
    {Action::kResolveProblem, "resolve problems", ""},
    {Action::kIssueOrder, "issue supervision orders", ""},
    {Action::kRespondToOrder, "answer supervision orders", ""},
    {Action::kCloseOrderBackToNormal, "close orders whose project is back to 正常", ""},
    {Action::kCloseOrderByLeader, "close orders by a leader's decision", ""},
    {Action::kEscalateOrders, "escalate overdue orders", ""},
    {Action::kRecordDecision, "record dispatch decisions", ""},
    {Action::kSetAnnualPlan, "set annual plans", ""},
    {Action::kSubmitReport, "report monthly figures", ""},
    {Action::kVerifyReport, "verify monthly figures", ""},
    {Action::kCorrectReport, "correct locked figures", ""},
    {Action::kLockPeriod, "lock periods", ""},
    {Action::kSetPeerFigures, "enter peer counties' figures", ""},
    {Action::kManageCampaign, "organise contest campaigns", ""},
    {Action::kNominate, "nominate projects", ""},
    {Action::kReviewNomination, "pre-review nominations", ""},
    {Action::kScore, "score projects", ""},
    {Action::kReadScoreSheets, "read score sheets", ""},
    {Action::kReadUnpublishedResults, "read unpublished contest results", ""},
    {Action::kReadReports, "read indicators and reports", "reports:read"},
    {Action::kReadAudit, "read the audit log", ""},
    {Action::kManageAccounts, "manage accounts and API keys", ""},
};

struct Rule {
  Action action;
  const char* role;
  Scope scope;
};

// THE policy. A role absent from an action's rows may not do it. Administrators of the 发改局 (admin) and the
// system administrators (sysadmin, also the account of the historical data migration) reach everything the city
// organises; the statistics bureau's own acts (verify, correct, lock, 入库 decisions) are the bureau's and the
// sysadmin's only.
constexpr Rule kPolicy[] = {
    {Action::kCreateUnit, kRoleAdmin, Scope::kAll},
    {Action::kCreateUnit, kRoleSysadmin, Scope::kAll},

    {Action::kReadProject, kRoleUnitStaff, Scope::kOwnUnit},
    {Action::kReadProject, kRoleDeptReviewer, Scope::kAll},
    {Action::kReadProject, kRoleStatsOfficer, Scope::kAll},
    {Action::kReadProject, kRoleAdmin, Scope::kAll},
    {Action::kReadProject, kRoleJudge, Scope::kAll},
    {Action::kReadProject, kRoleLeader, Scope::kAll},
    {Action::kReadProject, kRoleSysadmin, Scope::kAll},
    {Action::kReadProject, kRoleMachine, Scope::kAll},

    {Action::kWriteProject, kRoleUnitStaff, Scope::kOwnUnit},
    {Action::kWriteProject, kRoleAdmin, Scope::kAll},
    {Action::kWriteProject, kRoleSysadmin, Scope::kAll},

    {Action::kSubmitRuku, kRoleUnitStaff, Scope::kOwnUnit},
    {Action::kSubmitRuku, kRoleSysadmin, Scope::kAll},
    {Action::kReviewRuku, kRoleDeptReviewer, Scope::kOwnSector},
    {Action::kReviewRuku, kRoleSysadmin, Scope::kAll},
    {Action::kDecideRuku, kRoleStatsOfficer, Scope::kAll},
    {Action::kDecideRuku, kRoleSysadmin, Scope::kAll},

    {Action::kOpenProblem, kRoleUnitStaff, Scope::kOwnUnit},
    {Action::kOpenProblem, kRoleAdmin, Scope::kAll},
    {Action::kOpenProblem, kRoleSysadmin, Scope::kAll},
    {Action::kNoteProblem, kRoleUnitStaff, Scope::kOwnUnit},
    {Action::kNoteProblem, kRoleDeptReviewer, Scope::kOwnSector},
    {Action::kNoteProblem, kRoleAdmin, Scope::kAll},
    {Action::kNoteProblem, kRoleSysadmin, Scope::kAll},
    {Action::kResolveProblem, kRoleDeptReviewer, Scope::kOwnSector},
    {Action::kResolveProblem, kRoleAdmin, Scope::kAll},
    {Action::kResolveProblem, kRoleSysadmin, Scope::kAll},
    {Action::kIssueOrder, kRoleAdmin, Scope::kAll},
    {Action::kIssueOrder, kRoleSysadmin, Scope::kAll},
    {Action::kRespondToOrder, kRoleUnitStaff, Scope::kOwnUnit},
    {Action::kRespondToOrder, kRoleAdmin, Scope::kAll},
    {Action::kRespondToOrder, kRoleSysadmin, Scope::kAll},
    {Action::kCloseOrderBackToNormal, kRoleAdmin, Scope::kAll},
    {Action::kCloseOrderBackToNormal, kRoleSysadmin, Scope::kAll},
    {Action::kCloseOrderByLeader, kRoleLeader, Scope::kAll},
    {Action::kEscalateOrders, kRoleAdmin, Scope::kAll},
    {Action::kEscalateOrders, kRoleSysadmin, Scope::kAll},
    {Action::kRecordDecision, kRoleAdmin, Scope::kAll},
    {Action::kRecordDecision, kRoleSysadmin, Scope::kAll},

    {Action::kSetAnnualPlan, kRoleStatsOfficer, Scope::kAll},
    {Action::kSetAnnualPlan, kRoleAdmin, Scope::kAll},
    {Action::kSetAnnualPlan, kRoleSysadmin, Scope::kAll},
    {Action::kSubmitReport, kRoleUnitStaff, Scope::kOwnUnit},
    {Action::kSubmitReport, kRoleAdmin, Scope::kAll},
    {Action::kSubmitReport, kRoleSysadmin, Scope::kAll},
    {Action::kVerifyReport, kRoleStatsOfficer, Scope::kAll},
    {Action::kVerifyReport, kRoleSysadmin, Scope::kAll},
    {Action::kCorrectReport, kRoleStatsOfficer, Scope::kAll},
    {Action::kCorrectReport, kRoleSysadmin, Scope::kAll},
    {Action::kLockPeriod, kRoleStatsOfficer, Scope::kAll},
    {Action::kLockPeriod, kRoleSysadmin, Scope::kAll},
    {Action::kSetPeerFigures, kRoleStatsOfficer, Scope::kAll},
    {Action::kSetPeerFigures, kRoleSysadmin, Scope::kAll},

    {Action::kManageCampaign, kRoleAdmin, Scope::kAll},
    {Action::kManageCampaign, kRoleSysadmin, Scope::kAll},
    {Action::kNominate, kRoleUnitStaff, Scope::kOwnUnit},
    {Action::kNominate, kRoleAdmin, Scope::kAll},
    {Action::kNominate, kRoleSysadmin, Scope::kAll},
    {Action::kReviewNomination, kRoleDeptReviewer, Scope::kAll},
    {Action::kReviewNomination, kRoleAdmin, Scope::kAll},
    {Action::kReviewNomination, kRoleSysadmin, Scope::kAll},
    {Action::kScore, kRoleJudge, Scope::kSelf},
    {Action::kScore, kRoleAdmin, Scope::kAll},
    {Action::kScore, kRoleSysadmin, Scope::kAll},
    {Action::kReadScoreSheets, kRoleJudge, Scope::kSelf},
    {Action::kReadScoreSheets, kRoleAdmin, Scope::kAll},
    {Action::kReadScoreSheets, kRoleSysadmin, Scope::kAll},
    {Action::kReadUnpublishedResults, kRoleAdmin, Scope::kAll},
    {Action::kReadUnpublishedResults, kRoleSysadmin, Scope::kAll},

    {Action::kReadReports, kRoleUnitStaff, Scope::kAll},
    {Action::kReadReports, kRoleDeptReviewer, Scope::kAll},
    {Action::kReadReports, kRoleStatsOfficer, Scope::kAll},
    {Action::kReadReports, kRoleAdmin, Scope::kAll},
    {Action::kReadReports, kRoleJudge, Scope::kAll},
    {Action::kReadReports, kRoleLeader, Scope::kAll},
    {Action::kReadReports, kRoleSysadmin, Scope::kAll},
    {Action::kReadReports, kRoleMachine, Scope::kAll},
    {Action::kReadAudit, kRoleStatsOfficer, Scope::kAll},
    {Action::kReadAudit, kRoleAdmin, Scope::kAll},
    {Action::kReadAudit, kRoleSysadmin, Scope::kAll},
    {Action::kManageAccounts, kRoleSysadmin, Scope::kAll},
};

const ActionInfo& InfoOf(Action action) {
  for (const ActionInfo& info : kActions) {
    if (info.action == action) return info;
  }
  return kActions[0];  // unreachable: every action has a row (policy_test checks)
}

}  // namespace

const char* ActionName(Action action) { return InfoOf(action).name; }

const char* ScopeName(Scope scope) {
  switch (scope) {
    case Scope::kNone:
      return "none";
    case Scope::kSelf:
      return "own";
    case Scope::kOwnUnit:
      return "own unit";
    case Scope::kOwnSector:
      return "own department's sector";
    case Scope::kAll:
      return "all";
  }
  return "none";
}

const std::vector<Action>& AllActions() {
  static const auto* all = [] {
    auto* v = new std::vector<Action>;
    for (const ActionInfo& info : kActions) v->push_back(info.action);
    return v;
  }();
  return *all;
}

const std::vector<std::string>& AllRoles() {
  static const auto* all =
      new std::vector<std::string>{kRoleUnitStaff, kRoleDeptReviewer, kRoleStatsOfficer, kRoleAdmin,
                                   kRoleJudge,     kRoleLeader,       kRoleSysadmin,     kRoleMachine};
  return *all;
}

const char* ApiScopeOf(Action action) { return InfoOf(action).api_scope; }

Scope ScopeOf(const Caller& caller, Action action) {
  if (caller.role == kRoleMachine) {
    const std::string needed = ApiScopeOf(action);
    if (needed.empty() || std::find(caller.scopes.begin(), caller.scopes.end(), needed) == caller.scopes.end()) {
      return Scope::kNone;
    }
  }
  for (const Rule& rule : kPolicy) {
    if (rule.action == action && caller.role == rule.role) return rule.scope;
  }
  return Scope::kNone;
}

absl::Status Authorize(const Caller& caller, Action action) {
  if (ScopeOf(caller, action) != Scope::kNone) return absl::OkStatus();
  if (caller.role == kRoleMachine && *ApiScopeOf(action) != '\0') {
    return absl::PermissionDeniedError(
        absl::StrCat("API key of ", caller.user_id, " lacks scope '", ApiScopeOf(action), "' to ", ActionName(action)));
  }
  return absl::PermissionDeniedError(absl::StrCat("role ", caller.role, " may not ", ActionName(action)));
}

absl::Status Authorize(const Caller& caller, Action action, const Target& target) {
  const Scope scope = ScopeOf(caller, action);
  switch (scope) {
    case Scope::kAll:
      return absl::OkStatus();
    case Scope::kNone:
      return Authorize(caller, action);
    case Scope::kSelf:
      if (!caller.user_id.empty() && caller.user_id == target.user_id) return absl::OkStatus();
      return absl::PermissionDeniedError(
          absl::StrCat(caller.role, " ", caller.user_id, " may only ", ActionName(action), " of their own"));
    case Scope::kOwnUnit:
      if (!caller.unit_id.empty() && caller.unit_id == target.unit_id) return absl::OkStatus();
      return absl::PermissionDeniedError(absl::StrCat(caller.role, " of unit ", caller.unit_id, " may not ",
                                                      ActionName(action), " of unit ", target.unit_id));
    case Scope::kOwnSector:
      if (!caller.unit_id.empty() && caller.unit_id == target.department_id) return absl::OkStatus();
      return absl::PermissionDeniedError(absl::StrCat(caller.role, " of department ", caller.unit_id, " may not ",
                                                      ActionName(action), " for department ",
                                                      target.department_id.empty() ? "-" : target.department_id));
  }
  return Authorize(caller, action);
}

}  // namespace saima
