#include "common/policy.h"

#include <string>

#include "common/status.h"
#include "gtest/gtest.h"

namespace saima {
namespace {

bool IsRead(Action a) { return Action_Name(a).rfind("ACTION_READ_", 0) == 0; }

TEST(Policy, EveryActionIsNamedInChineseHasARuleAndEveryRoleIsKnown) {
  for (Action a : AllActions()) {
    EXPECT_NE(ActionName(a), Action_Name(a)) << "no display name for " << Action_Name(a);
    EXPECT_TRUE(HasPolicyRow(a)) << Action_Name(a) << " has no row in the policy table";
  }
  for (const std::string& role : AllRoles()) {
    EXPECT_TRUE(IsKnownRole(role)) << role;
    EXPECT_NE(RoleName(role), "未知角色") << role;
  }
}

TEST(Policy, LeadersWriteNothingButTheirDecisionOnOrders) {
  const Caller leader("l", kRoleLeader);
  for (Action a : AllActions()) {
    if (IsRead(a) || a == Action::ACTION_CLOSE_ORDER_BY_LEADER) continue;
    EXPECT_EQ(ScopeOf(leader, a), Scope::kNone) << ActionName(a);
  }
}

TEST(Policy, UnitStaffWriteOnlyTheirOwnUnitsProjects) {
  const Caller staff("s", kRoleUnitStaff, "331181001");
  EXPECT_TRUE(Authorize(staff, Action::ACTION_WRITE_PROJECT, Target{"331181001", "", ""}).ok());
  const absl::Status other = Authorize(staff, Action::ACTION_WRITE_PROJECT, Target{"331181100", "", ""});
  EXPECT_EQ(other.code(), absl::StatusCode::kPermissionDenied);
  // The refusal tells nothing about whose the object is.
  EXPECT_EQ(other.message().find("331181100"), absl::string_view::npos) << other.message();
  EXPECT_EQ(ChineseMessageOf(other), "单位填报员只能填报项目(限本单位)");
  EXPECT_FALSE(Authorize(staff, Action::ACTION_LOCK_PERIOD).ok());
  EXPECT_FALSE(Authorize(Caller("s", kRoleUnitStaff, ""), Action::ACTION_WRITE_PROJECT, Target{"", "", ""}).ok());
}

TEST(Policy, ReviewersActForTheirOwnDepartmentOnly) {
  const Caller reviewer("d", kRoleDeptReviewer, "D01");
  EXPECT_TRUE(Authorize(reviewer, Action::ACTION_REVIEW_RUKU, Target{"331181001", "D01", ""}).ok());
  EXPECT_FALSE(Authorize(reviewer, Action::ACTION_REVIEW_RUKU, Target{"331181001", "D02", ""}).ok());
  EXPECT_FALSE(Authorize(reviewer, Action::ACTION_DECIDE_RUKU, Target{"331181001", "D01", ""}).ok());
}

TEST(Policy, JudgesScoreTheirOwnSheets) {
  const Caller judge("judge-1", kRoleJudge, "331181100");
  EXPECT_TRUE(Authorize(judge, Action::ACTION_SCORE, Target{"", "", "judge-1"}).ok());
  EXPECT_FALSE(Authorize(judge, Action::ACTION_SCORE, Target{"", "", "judge-2"}).ok());
}

TEST(Policy, ApiKeysReadOnlyWhatTheirScopesName) {
  Caller key("apikey:1", kRoleMachine);
  key.scopes = {"reports:read"};
  EXPECT_TRUE(Authorize(key, Action::ACTION_READ_REPORTS).ok());
  EXPECT_FALSE(Authorize(key, Action::ACTION_READ_PROJECT).ok());
  for (Action a : AllActions()) {
    if (!IsRead(a)) {
      EXPECT_EQ(ScopeOf(key, a), Scope::kNone) << ActionName(a);
    }
  }
  key.scopes = {"reports:read", "projects:read"};
  EXPECT_TRUE(Authorize(key, Action::ACTION_READ_PROJECT, Target{"331181001", "", ""}).ok());
}

TEST(Policy, TheBureausActsAreTheBureaus) {
  for (Action a : {Action::ACTION_VERIFY_REPORT, Action::ACTION_CORRECT_REPORT, Action::ACTION_LOCK_PERIOD,
                   Action::ACTION_DECIDE_RUKU}) {
    EXPECT_FALSE(Authorize(Caller("a", kRoleAdmin), a).ok()) << ActionName(a);
    EXPECT_TRUE(Authorize(Caller("t", kRoleStatsOfficer), a).ok()) << ActionName(a);
  }
}

TEST(Policy, ListsAreNarrowedToTheCallersScopeAndNeverWidened) {
  std::string unit, department;
  const Caller staff("s", kRoleUnitStaff, "331181001");
  EXPECT_TRUE(NarrowToScope(staff, Action::ACTION_READ_RUKU, &unit, &department).ok());
  EXPECT_EQ(unit, "331181001");
  std::string other = "331181100";
  EXPECT_EQ(NarrowToScope(staff, Action::ACTION_READ_RUKU, &other, &department).code(),
            absl::StatusCode::kPermissionDenied);
  // A unit-bound role without a unit sees nothing, not everything.
  std::string none;
  EXPECT_FALSE(NarrowToScope(Caller("s", kRoleUnitStaff, ""), Action::ACTION_READ_RUKU, &none, &department).ok());
  const Caller reviewer("d", kRoleDeptReviewer, "D01");
  std::string sector;
  unit.clear();
  EXPECT_TRUE(NarrowToScope(reviewer, Action::ACTION_READ_RUKU, &unit, &sector).ok());
  EXPECT_EQ(sector, "D01");
  EXPECT_TRUE(unit.empty());
  EXPECT_EQ(NarrowToScope(Caller("j", kRoleJudge), Action::ACTION_READ_RUKU, &unit, &sector).code(),
            absl::StatusCode::kPermissionDenied);
}

}  // namespace
}  // namespace saima
