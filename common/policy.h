#ifndef SAIMA_COMMON_POLICY_H_
#define SAIMA_COMMON_POLICY_H_

// The one authorization policy of Saima: a table of role × action × scope (policy.cc), enforced by the services
// themselves on every write and every non-public read, with the object's unit, department or owner where the
// scope needs one. The gateway checks nothing of its own; it passes the authenticated person on.

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "common/caller.h"

namespace saima {

enum class Action {
  // registry
  kCreateUnit,
  kReadProject,   // a project, its history, milestones, documents, figures
  kWriteProject,  // create and update projects, milestones, documents
  kSubmitRuku,    // create a 入库 application, submit or resubmit it
  kReviewRuku,    // the 主管部门's step
  kDecideRuku,    // the statistics bureau's steps (and recording the province's and the NBS's decisions)
  kOpenProblem,
  kNoteProblem,     // add a note to a problem
  kResolveProblem,  // resolve or reassign a problem
  kIssueOrder,
  kRespondToOrder,
  kCloseOrderBackToNormal,
  kCloseOrderByLeader,
  kEscalateOrders,
  kRecordDecision,
  // stats
  kSetAnnualPlan,
  kSubmitReport,
  kVerifyReport,
  kCorrectReport,
  kLockPeriod,
  kSetPeerFigures,
  // scoring
  kManageCampaign,  // create, appoint judges, fix the selection, compute, publish
  kNominate,
  kReviewNomination,
  kScore,  // save and submit score sheets
  kReadScoreSheets,
  kReadUnpublishedResults,
  // everywhere
  kReadReports,  // indicators, rankings, city and provincial reports, published results, exports
  kReadAudit,
  kManageAccounts,  // users, sessions of others, API keys
};

// How far a role's permission reaches.
enum class Scope {
  kNone,
  kSelf,       // objects that belong to the person (a judge's own score sheets)
  kOwnUnit,    // objects of the person's unit
  kOwnSector,  // objects whose supervising department is the person's department
  kAll,
};

// What an object-level check compares the caller with.
struct Target {
  std::string unit_id;        // the project's (or order's, nomination's) unit
  std::string department_id;  // the supervising or reviewing department
  std::string user_id;        // the owner (a score sheet's judge)
};

const char* ActionName(Action action);
const char* ScopeName(Scope scope);
const std::vector<Action>& AllActions();
const std::vector<std::string>& AllRoles();

// The API-key scope a machine client needs for `action` ("" when machines may not do it at all).
const char* ApiScopeOf(Action action);

// The scope `caller` holds for `action`: the policy table for people; for machine clients (API keys) the table's
// row for kRoleMachine, and only for actions whose API scope the key carries.
Scope ScopeOf(const Caller& caller, Action action);

// PERMISSION_DENIED naming the role and the action when the caller holds no scope for it at all. For checks
// where the object is not known yet, or where any scope suffices (lists are then filtered to the scope).
absl::Status Authorize(const Caller& caller, Action action);

// The object-level check: PERMISSION_DENIED unless the caller's scope covers `target`.
absl::Status Authorize(const Caller& caller, Action action, const Target& target);

}  // namespace saima

#endif  // SAIMA_COMMON_POLICY_H_
