#include "common/policy.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/names.h"
#include "common/status.h"
#include "saima/auth/v1/auth.pb.h"

namespace saima {
namespace {

struct Rule {
  Action action;
  const char* role;
  Scope scope;
};

// THE policy. A role absent from an action's rows may not do it. Administrators of the 发改局 (admin) and the
// system administrators (sysadmin, also the account of the historical data migration) reach everything the city
// organises; the statistics bureau's own acts (verify, correct, lock, 入库 decisions) are the bureau's and the
// sysadmin's only. Reads are rows like any other: a role without a row reads nothing of that kind.
constexpr Rule kPolicy[] = {
    {Action::ACTION_CREATE_UNIT, kRoleAdmin, Scope::kAll},
    {Action::ACTION_CREATE_UNIT, kRoleSysadmin, Scope::kAll},

    {Action::ACTION_READ_PROJECT, kRoleUnitStaff, Scope::kOwnUnit},
    {Action::ACTION_READ_PROJECT, kRoleDeptReviewer, Scope::kAll},
    {Action::ACTION_READ_PROJECT, kRoleStatsOfficer, Scope::kAll},
    {Action::ACTION_READ_PROJECT, kRoleAdmin, Scope::kAll},
    {Action::ACTION_READ_PROJECT, kRoleJudge, Scope::kAll},
    {Action::ACTION_READ_PROJECT, kRoleLeader, Scope::kAll},
    {Action::ACTION_READ_PROJECT, kRoleSysadmin, Scope::kAll},
    {Action::ACTION_READ_PROJECT, kRoleMachine, Scope::kAll},

    {Action::ACTION_WRITE_PROJECT, kRoleUnitStaff, Scope::kOwnUnit},
    {Action::ACTION_WRITE_PROJECT, kRoleAdmin, Scope::kAll},
    {Action::ACTION_WRITE_PROJECT, kRoleSysadmin, Scope::kAll},

    {Action::ACTION_SUBMIT_RUKU, kRoleUnitStaff, Scope::kOwnUnit},
    {Action::ACTION_SUBMIT_RUKU, kRoleSysadmin, Scope::kAll},
    {Action::ACTION_REVIEW_RUKU, kRoleDeptReviewer, Scope::kOwnSector},
    {Action::ACTION_REVIEW_RUKU, kRoleSysadmin, Scope::kAll},
    {Action::ACTION_DECIDE_RUKU, kRoleStatsOfficer, Scope::kAll},
    {Action::ACTION_DECIDE_RUKU, kRoleSysadmin, Scope::kAll},

    {Action::ACTION_OPEN_PROBLEM, kRoleUnitStaff, Scope::kOwnUnit},
    {Action::ACTION_OPEN_PROBLEM, kRoleAdmin, Scope::kAll},
    {Action::ACTION_OPEN_PROBLEM, kRoleSysadmin, Scope::kAll},
    {Action::ACTION_NOTE_PROBLEM, kRoleUnitStaff, Scope::kOwnUnit},
    {Action::ACTION_NOTE_PROBLEM, kRoleDeptReviewer, Scope::kOwnSector},
    {Action::ACTION_NOTE_PROBLEM, kRoleAdmin, Scope::kAll},
    {Action::ACTION_NOTE_PROBLEM, kRoleSysadmin, Scope::kAll},
    {Action::ACTION_RESOLVE_PROBLEM, kRoleDeptReviewer, Scope::kOwnSector},
    {Action::ACTION_RESOLVE_PROBLEM, kRoleAdmin, Scope::kAll},
    {Action::ACTION_RESOLVE_PROBLEM, kRoleSysadmin, Scope::kAll},
    {Action::ACTION_ISSUE_ORDER, kRoleAdmin, Scope::kAll},
    {Action::ACTION_ISSUE_ORDER, kRoleSysadmin, Scope::kAll},
    {Action::ACTION_RESPOND_TO_ORDER, kRoleUnitStaff, Scope::kOwnUnit},
    {Action::ACTION_RESPOND_TO_ORDER, kRoleAdmin, Scope::kAll},
    {Action::ACTION_RESPOND_TO_ORDER, kRoleSysadmin, Scope::kAll},
    {Action::ACTION_CLOSE_ORDER_BACK_TO_NORMAL, kRoleAdmin, Scope::kAll},
    {Action::ACTION_CLOSE_ORDER_BACK_TO_NORMAL, kRoleSysadmin, Scope::kAll},
    {Action::ACTION_CLOSE_ORDER_BY_LEADER, kRoleLeader, Scope::kAll},
    {Action::ACTION_ESCALATE_ORDERS, kRoleAdmin, Scope::kAll},
    {Action::ACTION_ESCALATE_ORDERS, kRoleSysadmin, Scope::kAll},
    {Action::ACTION_RECORD_DECISION, kRoleAdmin, Scope::kAll},
    {Action::ACTION_RECORD_DECISION, kRoleSysadmin, Scope::kAll},

    {Action::ACTION_SET_ANNUAL_PLAN, kRoleStatsOfficer, Scope::kAll},
    {Action::ACTION_SET_ANNUAL_PLAN, kRoleAdmin, Scope::kAll},
    {Action::ACTION_SET_ANNUAL_PLAN, kRoleSysadmin, Scope::kAll},
    {Action::ACTION_SUBMIT_REPORT, kRoleUnitStaff, Scope::kOwnUnit},
    {Action::ACTION_SUBMIT_REPORT, kRoleAdmin, Scope::kAll},
    {Action::ACTION_SUBMIT_REPORT, kRoleSysadmin, Scope::kAll},
    {Action::ACTION_VERIFY_REPORT, kRoleStatsOfficer, Scope::kAll},
    {Action::ACTION_VERIFY_REPORT, kRoleSysadmin, Scope::kAll},
    {Action::ACTION_CORRECT_REPORT, kRoleStatsOfficer, Scope::kAll},
    {Action::ACTION_CORRECT_REPORT, kRoleSysadmin, Scope::kAll},
    {Action::ACTION_LOCK_PERIOD, kRoleStatsOfficer, Scope::kAll},
    {Action::ACTION_LOCK_PERIOD, kRoleSysadmin, Scope::kAll},
    {Action::ACTION_SET_PEER_FIGURES, kRoleStatsOfficer, Scope::kAll},
    {Action::ACTION_SET_PEER_FIGURES, kRoleSysadmin, Scope::kAll},

    {Action::ACTION_MANAGE_CAMPAIGN, kRoleAdmin, Scope::kAll},
    {Action::ACTION_MANAGE_CAMPAIGN, kRoleSysadmin, Scope::kAll},
    {Action::ACTION_NOMINATE, kRoleUnitStaff, Scope::kOwnUnit},
    {Action::ACTION_NOMINATE, kRoleAdmin, Scope::kAll},
    {Action::ACTION_NOMINATE, kRoleSysadmin, Scope::kAll},
    {Action::ACTION_REVIEW_NOMINATION, kRoleDeptReviewer, Scope::kAll},
    {Action::ACTION_REVIEW_NOMINATION, kRoleAdmin, Scope::kAll},
    {Action::ACTION_REVIEW_NOMINATION, kRoleSysadmin, Scope::kAll},
    {Action::ACTION_SCORE, kRoleJudge, Scope::kSelf},
    {Action::ACTION_SCORE, kRoleAdmin, Scope::kAll},
    {Action::ACTION_SCORE, kRoleSysadmin, Scope::kAll},
    {Action::ACTION_READ_SCORE_SHEETS, kRoleJudge, Scope::kSelf},
    {Action::ACTION_READ_SCORE_SHEETS, kRoleAdmin, Scope::kAll},
    {Action::ACTION_READ_SCORE_SHEETS, kRoleSysadmin, Scope::kAll},
    {Action::ACTION_READ_UNPUBLISHED_RESULTS, kRoleAdmin, Scope::kAll},
    {Action::ACTION_READ_UNPUBLISHED_RESULTS, kRoleSysadmin, Scope::kAll},

    {Action::ACTION_READ_REPORTS, kRoleUnitStaff, Scope::kAll},
    {Action::ACTION_READ_REPORTS, kRoleDeptReviewer, Scope::kAll},
    {Action::ACTION_READ_REPORTS, kRoleStatsOfficer, Scope::kAll},
    {Action::ACTION_READ_REPORTS, kRoleAdmin, Scope::kAll},
    {Action::ACTION_READ_REPORTS, kRoleJudge, Scope::kAll},
    {Action::ACTION_READ_REPORTS, kRoleLeader, Scope::kAll},
    {Action::ACTION_READ_REPORTS, kRoleSysadmin, Scope::kAll},
    {Action::ACTION_READ_REPORTS, kRoleMachine, Scope::kAll},
    {Action::ACTION_READ_AUDIT, kRoleStatsOfficer, Scope::kAll},
    {Action::ACTION_READ_AUDIT, kRoleAdmin, Scope::kAll},
    {Action::ACTION_READ_AUDIT, kRoleSysadmin, Scope::kAll},
    {Action::ACTION_MANAGE_ACCOUNTS, kRoleSysadmin, Scope::kAll},

    {Action::ACTION_SET_PROJECT_TIERS, kRoleAdmin, Scope::kAll},
    {Action::ACTION_SET_PROJECT_TIERS, kRoleSysadmin, Scope::kAll},

    {Action::ACTION_READ_RUKU, kRoleUnitStaff, Scope::kOwnUnit},
    {Action::ACTION_READ_RUKU, kRoleDeptReviewer, Scope::kOwnSector},
    {Action::ACTION_READ_RUKU, kRoleStatsOfficer, Scope::kAll},
    {Action::ACTION_READ_RUKU, kRoleAdmin, Scope::kAll},
    {Action::ACTION_READ_RUKU, kRoleLeader, Scope::kAll},
    {Action::ACTION_READ_RUKU, kRoleSysadmin, Scope::kAll},

    {Action::ACTION_READ_FIGURES, kRoleUnitStaff, Scope::kOwnUnit},
    {Action::ACTION_READ_FIGURES, kRoleDeptReviewer, Scope::kAll},
    {Action::ACTION_READ_FIGURES, kRoleStatsOfficer, Scope::kAll},
    {Action::ACTION_READ_FIGURES, kRoleAdmin, Scope::kAll},
    {Action::ACTION_READ_FIGURES, kRoleJudge, Scope::kAll},
    {Action::ACTION_READ_FIGURES, kRoleLeader, Scope::kAll},
    {Action::ACTION_READ_FIGURES, kRoleSysadmin, Scope::kAll},
    {Action::ACTION_READ_FIGURES, kRoleMachine, Scope::kAll},

    {Action::ACTION_READ_FIGURE_VERSIONS, kRoleUnitStaff, Scope::kOwnUnit},
    {Action::ACTION_READ_FIGURE_VERSIONS, kRoleStatsOfficer, Scope::kAll},
    {Action::ACTION_READ_FIGURE_VERSIONS, kRoleAdmin, Scope::kAll},
    {Action::ACTION_READ_FIGURE_VERSIONS, kRoleLeader, Scope::kAll},
    {Action::ACTION_READ_FIGURE_VERSIONS, kRoleSysadmin, Scope::kAll},

    {Action::ACTION_READ_DISPATCH, kRoleUnitStaff, Scope::kOwnUnit},
    {Action::ACTION_READ_DISPATCH, kRoleDeptReviewer, Scope::kOwnSector},
    {Action::ACTION_READ_DISPATCH, kRoleStatsOfficer, Scope::kAll},
    {Action::ACTION_READ_DISPATCH, kRoleAdmin, Scope::kAll},
    {Action::ACTION_READ_DISPATCH, kRoleLeader, Scope::kAll},
    {Action::ACTION_READ_DISPATCH, kRoleSysadmin, Scope::kAll},
};

// What an API key must carry for the actions machines may take at all.
struct ApiScope {
  Action action;
  const char* scope;
};
constexpr ApiScope kApiScopes[] = {
    {Action::ACTION_READ_PROJECT, "projects:read"},
    {Action::ACTION_READ_FIGURES, "projects:read"},
    {Action::ACTION_READ_REPORTS, "reports:read"},
};

}  // namespace

std::string ActionName(Action action) { return DisplayNameOf(action); }

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

std::string RoleName(const std::string& role) {
  const auto* value = saima::auth::v1::Role_descriptor()->FindValueByName("ROLE_" + absl::AsciiStrToUpper(role));
  return value == nullptr || value->number() == 0 ? "未知角色" : DisplayName(value);
}

const std::vector<Action>& AllActions() {
  static const auto* all = [] {
    auto* v = new std::vector<Action>;
    const auto* type = saima::api::v1::Action_descriptor();
    for (int i = 0; i < type->value_count(); ++i) {
      if (type->value(i)->number() != 0) v->push_back(static_cast<Action>(type->value(i)->number()));
    }
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

const char* ApiScopeOf(Action action) {
  for (const ApiScope& s : kApiScopes) {
    if (s.action == action) return s.scope;
  }
  return "";
}

const std::vector<std::string>& AllApiScopes() {
  static const auto* all = new std::vector<std::string>{"projects:read", "reports:read"};
  return *all;
}

bool HasPolicyRow(Action action) {
  for (const Rule& rule : kPolicy) {
    if (rule.action == action) return true;
  }
  return false;
}

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
    return Error(
        absl::StatusCode::kPermissionDenied,
        absl::StrCat("API key ", caller.user_id, " lacks scope '", ApiScopeOf(action), "' to ", Action_Name(action)),
        absl::StrCat("该 API 密钥没有“", ApiScopeOf(action), "”权限，不能", ActionName(action)));
  }
  return Error(absl::StatusCode::kPermissionDenied,
               absl::StrCat("role ", caller.role, " may not ", Action_Name(action)),
               absl::StrCat(RoleName(caller.role), "无权", ActionName(action)));
}

absl::Status AuthorizeAny(const Caller& caller, const std::vector<Action>& actions) {
  absl::Status first = absl::OkStatus();
  for (Action action : actions) {
    absl::Status s = Authorize(caller, action);
    if (s.ok()) return s;
    if (first.ok()) first = s;
  }
  return first;
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
      return Error(absl::StatusCode::kPermissionDenied,
                   absl::StrCat(caller.role, " ", caller.user_id, " may only ", Action_Name(action), " of their own"),
                   absl::StrCat(RoleName(caller.role), "只能", ActionName(action), "(限本人)"));
    case Scope::kOwnUnit:
      if (!caller.unit_id.empty() && caller.unit_id == target.unit_id) return absl::OkStatus();
      return Error(absl::StatusCode::kPermissionDenied,
                   absl::StrCat(caller.role, " of unit ", caller.unit_id, " may ", Action_Name(action),
                                " of their own unit only"),
                   absl::StrCat(RoleName(caller.role), "只能", ActionName(action), "(限本单位)"));
    case Scope::kOwnSector:
      if (!caller.unit_id.empty() && caller.unit_id == target.department_id) return absl::OkStatus();
      return Error(absl::StatusCode::kPermissionDenied,
                   absl::StrCat(caller.role, " of department ", caller.unit_id, " may ", Action_Name(action),
                                " of their own department's sector only"),
                   absl::StrCat(RoleName(caller.role), "只能", ActionName(action), "(限本部门主管行业)"));
  }
  return Authorize(caller, action);
}

absl::Status NarrowToScope(const Caller& caller, Action action, std::string* unit_id, std::string* department_id) {
  if (absl::Status allowed = Authorize(caller, action); !allowed.ok()) return allowed;
  const Scope scope = ScopeOf(caller, action);
  // Without a unit of their own, a caller limited to it sees nothing (never everything).
  if ((scope == Scope::kOwnUnit || scope == Scope::kOwnSector) && caller.unit_id.empty()) {
    return Authorize(caller, action, Target{});
  }
  switch (scope) {
    case Scope::kOwnUnit:
      if (!unit_id->empty() && *unit_id != caller.unit_id) {
        return Authorize(caller, action, Target{*unit_id, "", ""});
      }
      *unit_id = caller.unit_id;
      return absl::OkStatus();
    case Scope::kOwnSector:
      if (!department_id->empty() && *department_id != caller.unit_id) {
        return Authorize(caller, action, Target{"", *department_id, ""});
      }
      *department_id = caller.unit_id;
      return absl::OkStatus();
    default:
      return absl::OkStatus();
  }
}

}  // namespace saima
