#include "common/policy.h"

#include <string>

#include "gtest/gtest.h"

namespace saima {
namespace {

bool IsRead(Action a) {
  return a == Action::kReadProject || a == Action::kReadScoreSheets || a == Action::kReadUnpublishedResults ||
         a == Action::kReadReports || a == Action::kReadAudit;
}

TEST(Policy, EveryActionIsNamedAndEveryRoleKnown) {
  for (Action a : AllActions()) EXPECT_NE(std::string(ActionName(a)), "") << static_cast<int>(a);
  for (const std::string& role : AllRoles()) EXPECT_TRUE(IsKnownRole(role)) << role;
}

TEST(Policy, LeadersWriteNothingButTheirDecisionOnOrders) {
  const Caller leader("l", kRoleLeader);
  for (Action a : AllActions()) {
    if (IsRead(a) || a == Action::kCloseOrderByLeader) continue;
    EXPECT_EQ(ScopeOf(leader, a), Scope::kNone) << ActionName(a);
  }
}

TEST(Policy, UnitStaffWriteOnlyTheirOwnUnitsProjects) {
  const Caller staff("s", kRoleUnitStaff, "331181001");
  EXPECT_TRUE(Authorize(staff, Action::kWriteProject, Target{"331181001", "", ""}).ok());
  const absl::Status other = Authorize(staff, Action::kWriteProject, Target{"331181100", "", ""});
  EXPECT_EQ(other.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_NE(other.message().find("331181100"), absl::string_view::npos) << other.message();
  EXPECT_FALSE(Authorize(staff, Action::kLockPeriod).ok());
  EXPECT_FALSE(Authorize(Caller("s", kRoleUnitStaff, ""), Action::kWriteProject, Target{"", "", ""}).ok());
}

TEST(Policy, ReviewersActForTheirOwnDepartmentOnly) {
  const Caller reviewer("d", kRoleDeptReviewer, "D01");
  EXPECT_TRUE(Authorize(reviewer, Action::kReviewRuku, Target{"331181001", "D01", ""}).ok());
  EXPECT_FALSE(Authorize(reviewer, Action::kReviewRuku, Target{"331181001", "D02", ""}).ok());
  EXPECT_FALSE(Authorize(reviewer, Action::kDecideRuku, Target{"331181001", "D01", ""}).ok());
}

TEST(Policy, JudgesScoreTheirOwnSheets) {
  const Caller judge("judge-1", kRoleJudge, "331181100");
  EXPECT_TRUE(Authorize(judge, Action::kScore, Target{"", "", "judge-1"}).ok());
  EXPECT_FALSE(Authorize(judge, Action::kScore, Target{"", "", "judge-2"}).ok());
}

TEST(Policy, ApiKeysReadOnlyWhatTheirScopesName) {
  Caller key("apikey:1", kRoleMachine);
  key.scopes = {"reports:read"};
  EXPECT_TRUE(Authorize(key, Action::kReadReports).ok());
  EXPECT_FALSE(Authorize(key, Action::kReadProject).ok());
  for (Action a : AllActions()) {
    if (!IsRead(a)) {
      EXPECT_EQ(ScopeOf(key, a), Scope::kNone) << ActionName(a);
    }
  }
  key.scopes = {"reports:read", "projects:read"};
  EXPECT_TRUE(Authorize(key, Action::kReadProject, Target{"331181001", "", ""}).ok());
}

TEST(Policy, TheBureausActsAreTheBureaus) {
  for (Action a : {Action::kVerifyReport, Action::kCorrectReport, Action::kLockPeriod, Action::kDecideRuku}) {
    EXPECT_FALSE(Authorize(Caller("a", kRoleAdmin), a).ok()) << ActionName(a);
    EXPECT_TRUE(Authorize(Caller("t", kRoleStatsOfficer), a).ok()) << ActionName(a);
  }
}

}  // namespace
}  // namespace saima
