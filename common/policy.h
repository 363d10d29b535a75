#ifndef SAIMA_COMMON_POLICY_H_
#define SAIMA_COMMON_POLICY_H_

// The one authorization policy of Saima: a table of role × action × scope (policy.cc). The actions are the
// `saima.api.v1.Action` enumeration, and every RPC names the actions that govern it in its
// `(saima.api.v1.access)` option. The gateway refuses a caller who holds no scope for any of an RPC's actions
// before the call reaches a service; the services check every object a call touches against the caller's scope,
// reads included.

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "common/caller.h"
#include "saima/api/v1/annotations.pb.h"

namespace saima {

using Action = ::saima::api::v1::Action;

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

// The action's name for people, e.g. "查看入库申请".
std::string ActionName(Action action);
const char* ScopeName(Scope scope);
// The role's name for people, e.g. "单位填报员".
std::string RoleName(const std::string& role);
// Every action of the enumeration (ACTION_UNSPECIFIED left out) and every role.
const std::vector<Action>& AllActions();
const std::vector<std::string>& AllRoles();

// The API-key scope a machine client needs for `action` ("" when machines may not do it at all).
const char* ApiScopeOf(Action action);
// The scopes an API key may carry.
const std::vector<std::string>& AllApiScopes();

// The scope `caller` holds for `action`: the policy table for people; for machine clients (API keys) the table's
// row for kRoleMachine, and only for actions whose API scope the key carries.
Scope ScopeOf(const Caller& caller, Action action);
// Whether the policy has at least one row for `action`.
bool HasPolicyRow(Action action);

// PERMISSION_DENIED naming the role and the action when the caller holds no scope for it at all. For checks
// where the object is not known yet, or where any scope suffices (lists are then filtered to the scope).
absl::Status Authorize(const Caller& caller, Action action);
// The same for a call governed by several actions: allowed when the caller holds a scope for any of them.
absl::Status AuthorizeAny(const Caller& caller, const std::vector<Action>& actions);

// The object-level check: PERMISSION_DENIED unless the caller's scope covers `target`. The message does not
// name the object's unit or owner: a caller refused an object learns nothing about it.
absl::Status Authorize(const Caller& caller, Action action, const Target& target);

// For lists: refuses a caller who may not take `action` at all; for an own-unit or own-sector scope sets the
// filter (`unit_id` or `department_id`) to the caller's unit, refusing a filter that names another one.
absl::Status NarrowToScope(const Caller& caller, Action action, std::string* unit_id, std::string* department_id);

}  // namespace saima

#endif  // SAIMA_COMMON_POLICY_H_
