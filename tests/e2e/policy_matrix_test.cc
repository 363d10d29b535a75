// The authorization matrix through the gateway and into the services: every role (and an API key) against every
// kind of write and the non-public reads, each call allowed or refused exactly as the one policy table
// (common/policy.cc) says for the object's unit or department, and a refused call changes nothing (the audit
// log, which records every row written anywhere, does not grow). A few cells are also stated by hand, from the
// rules the city gave us, so that a wrong table cannot pass unnoticed.

#include <functional>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/policy.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/e2e/http_fixture.h"
#include "tests/e2e/system.h"

namespace saima::testing {
namespace {

struct Probe {
  const char* name;
  Action action;
  Target target;
  // Sends the call as `user` (a fixture user or "key" for the API key); returns the HTTP status.
  std::function<int(const std::string& user, int attempt)> call;
};

struct Role {
  const char* user;  // fixture user
  Caller caller;     // as the policy sees them
};

class PolicyMatrixTest : public HttpSystemTest {
 protected:
  static int64_t AuditEntries() { return Scalar("SELECT count(*) FROM audit.entries"); }
};

TEST_F(PolicyMatrixTest, EveryRoleAgainstEveryWriteAsThePolicySays) {
  const std::string project = CreateProject("2023-331181-04-01-000801", 80'000'000);
  // An API key with both read scopes, for the machine row.
  auto [made, key_body] =
      Post("root", "/v1/api-keys", {{"name", "部门系统"}, {"scopes", {"reports:read", "projects:read"}}});
  ASSERT_EQ(made, 200) << key_body.dump();
  const std::string api_key = key_body["apiKey"];

  // Each user as the policy knows them (tests/e2e/system.cc).
  std::vector<Role> roles = {{"unit", Caller("staff-1", kRoleUnitStaff, "331181001")},
                             {"other_unit", Caller("staff-2", kRoleUnitStaff, "331181100")},
                             {"dept", Caller("dept-1", kRoleDeptReviewer, "D01")},
                             {"stats", Caller("tjj-1", kRoleStatsOfficer, "")},
                             {"admin", Caller("admin-1", kRoleAdmin, "")},
                             {"judge_town", Caller("judge-town", kRoleJudge, "331181100")},
                             {"leader", Caller("leader-1", kRoleLeader, "")},
                             {"root", Caller("root-1", kRoleSysadmin, "")},
                             {"key", Caller("apikey", kRoleMachine, "")}};
  roles.back().caller.scopes = {"reports:read", "projects:read"};

  auto send = [&](const std::string& method, const std::string& user, const std::string& path, const json& body,
                  const std::string& key = "") {
    httplib::Client client("127.0.0.1", system_->http_port());
    httplib::Headers headers = {{"Authorization", "Bearer " + (user == "key" ? api_key : system_->token(user))}};
    if (!key.empty()) headers.emplace("Idempotency-Key", key);
    auto res = method == "GET"     ? client.Get(path.c_str(), headers)
               : method == "PUT"   ? client.Put(path.c_str(), headers, body.dump(), "application/json")
               : method == "PATCH" ? client.Patch(path.c_str(), headers, body.dump(), "application/json")
                                   : client.Post(path.c_str(), headers, body.dump(), "application/json");
    return res ? res->status : 0;
  };
  const Target own{"331181001", "D01", ""};
  int serial = 0;
  // Projects for the 入库 probe, one per role (one live application per project), made before any call is counted.
  std::vector<std::string> fresh;
  for (size_t i = 0; i < roles.size(); ++i) {
    fresh.push_back(CreateProject(absl::StrFormat("2023-331181-04-01-%06d", 820000 + i), 80'000'000));
  }
  size_t next_fresh = 0;
  // An approved project for the figures; a campaign; 入库 applications waiting for the department's review, one
  // per role; an API key to revoke, one per role.
  const std::string approved = CreateProject("2023-331181-04-01-000802", 200'000'000);
  Approve(approved, "2023-01-20");
  ASSERT_EQ(SubmitWhenAccepted(Report(approved, "2023-02", 1'000'000, 1'000'000)), 200);
  auto [campaign_made, campaign_body] =
      Post("admin", "/v1/campaigns",
           {{"year", 2023},
            {"name", "矩阵评比"},
            {"figuresPeriod", "2023-06"},
            {"eligibleSince", "2022-06-01"},
            {"pools", {{{"poolId", "all"}, {"name", "全部"}, {"unitIds", {"331181001", "331181100"}}}}}});
  ASSERT_EQ(campaign_made, 200) << campaign_body.dump();
  const std::string campaign = campaign_body["campaign"]["campaignId"];
  std::vector<std::string> submitted;
  for (size_t i = 0; i < roles.size(); ++i) {
    const std::string id = CreateProject(absl::StrFormat("2023-331181-04-01-%06d", 830000 + i), 200'000'000);
    FileMaterials(id);
    auto [made_app, app] = Post("unit", "/v1/ruku/applications", {{"projectId", id}, {"reviewingDepartmentId", "D01"}});
    ASSERT_EQ(made_app, 200) << app.dump();
    const std::string app_id = app["application"]["applicationId"];
    ASSERT_EQ(
        Post("unit", "/v1/ruku/applications/" + app_id + ":transition", {{"toState", "RUKU_STATE_SUBMITTED"}}).first,
        200);
    submitted.push_back(app_id);
  }
  size_t next_submitted = 0;
  std::vector<std::string> keys_to_revoke;
  for (size_t i = 0; i < roles.size(); ++i) {
    auto [made_key, key] =
        Post("root", "/v1/api-keys", {{"name", absl::StrCat("待吊销", i)}, {"scopes", {"reports:read"}}});
    ASSERT_EQ(made_key, 200) << key.dump();
    keys_to_revoke.push_back(key["key"]["keyId"]);
  }
  size_t next_key = 0;
  const std::vector<Probe> probes = {
      {"create a unit",
       Action::ACTION_CREATE_UNIT,
       {},
       [&](const std::string& u, int n) {
         return send("POST", u, "/v1/units",
                     {{"unitId", absl::StrCat("M", n)},
                      {"name", absl::StrCat("矩阵单位", n)},
                      {"type", "UNIT_TYPE_DEPARTMENT"},
                      {"regionCode", "331181"}});
       }},
      {"create a project of 331181001", Action::ACTION_WRITE_PROJECT, own,
       [&](const std::string& u, int n) {
         json p = PlannedProject(absl::StrFormat("2023-331181-04-01-%06d", 810000 + n), "矩阵项目");
         return send("POST", u, "/v1/projects", p);
       }},
      {"add a milestone to a project of 331181001", Action::ACTION_WRITE_PROJECT, own,
       [&](const std::string& u, int n) {
         return send("POST", u, "/v1/projects/" + project + "/milestones",
                     {{"kind", "MILESTONE_KIND_OTHER"},
                      {"title", absl::StrCat("矩阵节点", n)},
                      {"dueDate", "2023-09-30"},
                      {"ownerName", "李明"}},
                     absl::StrCat("matrix-m-", n));
       }},
      {"apply for 入库 for a project of 331181001", Action::ACTION_SUBMIT_RUKU, own,
       [&](const std::string& u, int) {
         return send("POST", u, "/v1/ruku/applications",
                     {{"projectId", fresh.at(next_fresh++)}, {"reviewingDepartmentId", "D01"}});
       }},
      {"set an annual plan", Action::ACTION_SET_ANNUAL_PLAN, own,
       [&](const std::string& u, int n) {
         return send("PUT", u, "/v1/plans", {{"projectId", project}, {"year", 2023}, {"plannedYuan", "40000000"}});
       }},
      {"lock a period",
       Action::ACTION_LOCK_PERIOD,
       {},
       [&](const std::string& u, int) { return send("POST", u, "/v1/periods/2022-12:lock", json::object()); }},
      {"enter peer counties' figures",
       Action::ACTION_SET_PEER_FIGURES,
       {},
       [&](const std::string& u, int) {
         return send("POST", u, "/v1/peer-figures",
                     {{"figures",
                       {{{"regionCode", "331102"},
                         {"period", "2023-02"},
                         {"category", "CATEGORY_PRIVATE"},
                         {"yoyGrowthMilliPercent", "12000"}}}}});
       }},
      {"organise a campaign",
       Action::ACTION_MANAGE_CAMPAIGN,
       {},
       [&](const std::string& u, int n) {
         return send("POST", u, "/v1/campaigns",
                     {{"year", 2030 + n % 50},
                      {"name", absl::StrCat("矩阵评比", n)},
                      {"figuresPeriod", "2023-06"},
                      {"eligibleSince", "2022-06-01"},
                      {"pools", {{{"poolId", "all"}, {"name", "全部"}, {"unitIds", {"331181001"}}}}}});
       }},
      {"open a problem of a project of 331181001", Action::ACTION_OPEN_PROBLEM, own,
       [&](const std::string& u, int n) {
         return send("POST", u, "/v1/problems",
                     {{"projectId", project},
                      {"kind", "PROBLEM_KIND_LAND"},
                      {"description", "用地指标未落实"},
                      {"responsibleUnitId", "D01"},
                      {"responsiblePerson", "王"},
                      {"deadline", "2023-07-31"},
                      {"openedDate", "2023-05-10"}},
                     absl::StrCat("matrix-p-", n));
       }},
      {"issue a supervision order", Action::ACTION_ISSUE_ORDER, own,
       [&](const std::string& u, int n) {
         return send("POST", u, "/v1/orders",
                     {{"projectId", project}, {"unitId", "331181001"}, {"task", "按时间表追回进度"}},
                     absl::StrCat("matrix-o-", n));
       }},
      {"update a project of 331181001", Action::ACTION_WRITE_PROJECT, own,
       [&](const std::string& u, int n) {
         const json current = Get("admin", "/v1/projects/" + project).second["project"];
         return send("PATCH", u, "/v1/projects/" + project,
                     {{"name", absl::StrCat("矩阵项目改名", n)}, {"revision", current["revision"]}});
       }},
      {"file a document for a project of 331181001", Action::ACTION_WRITE_PROJECT, own,
       [&](const std::string& u, int n) {
         return send("POST", u, "/v1/projects/" + project + "/documents",
                     {{"type", "DOCUMENT_TYPE_SITE_PHOTO"},
                      {"number", absl::StrCat("照片", n)},
                      {"contentSha256", std::string(64, 'a')},
                      {"takenAt", "2023-03-01T10:00:00+08:00"},
                      {"takenPlace", "龙渊街道"}});
       }},
      {"report a figure of a project of 331181001", Action::ACTION_SUBMIT_REPORT, own,
       [&](const std::string& u, int n) {
         return send("POST", u, "/v1/monthly-reports", Report(approved, "2023-03", 2'000'000, 3'000'000),
                     absl::StrCat("matrix-r-", n));
       }},
      {"verify a figure", Action::ACTION_VERIFY_REPORT, own,
       [&](const std::string& u, int) {
         return send("POST", u, "/v1/monthly-reports:verify", Report(approved, "2023-02", 1'000'000, 1'000'000));
       }},
      {"review a 入库 application of department D01", Action::ACTION_REVIEW_RUKU, own,
       [&](const std::string& u, int) {
         return send("POST", u, "/v1/ruku/applications/" + submitted.at(next_submitted++) + ":transition",
                     {{"toState", "RUKU_STATE_DEPT_REVIEWED"}});
       }},
      {"appoint a judge",
       Action::ACTION_MANAGE_CAMPAIGN,
       {},
       [&](const std::string& u, int n) {
         return send("POST", u, "/v1/campaigns/" + campaign + "/judges",
                     {{"judgeId", absl::StrCat("judge-m", n)}, {"name", "评委"}, {"unitId", ""}});
       }},
      {"nominate a project of 331181001", Action::ACTION_NOMINATE, own,
       [&](const std::string& u, int) {
         return send("POST", u, "/v1/campaigns/" + campaign + "/nominations", {{"projectId", approved}});
       }},
      {"record a dispatch decision",
       Action::ACTION_RECORD_DECISION,
       {},
       [&](const std::string& u, int n) {
         return send("POST", u, "/v1/decisions",
                     {{"period", "2023-05"},
                      {"projectId", project},
                      {"text", "限期解决用地"},
                      {"ownerName", "王"},
                      {"deadline", "2023-06-30"}},
                     absl::StrCat("matrix-d-", n));
       }},
      {"escalate overdue orders",
       Action::ACTION_ESCALATE_ORDERS,
       {},
       [&](const std::string& u, int) {
         return send("POST", u, "/v1/orders:escalate", {{"asOfDate", "2023-05-31"}});
       }},
      {"revoke an API key",
       Action::ACTION_MANAGE_ACCOUNTS,
       {},
       [&](const std::string& u, int) {
         return send("POST", u, "/v1/api-keys/" + keys_to_revoke.at(next_key++) + ":revoke", json::object());
       }},
      {"create an account",
       Action::ACTION_MANAGE_ACCOUNTS,
       {},
       [&](const std::string& u, int n) {
         return send("POST", u, "/v1/users",
                     {{"user", {{"userId", absl::StrCat("matrix-", n)}, {"displayName", "矩阵"}, {"role", "leader"}}},
                      {"password", "matrix-password-long"}});
       }},
      {"create an API key",
       Action::ACTION_MANAGE_ACCOUNTS,
       {},
       [&](const std::string& u, int n) {
         return send("POST", u, "/v1/api-keys", {{"name", absl::StrCat("矩阵", n)}, {"scopes", {"reports:read"}}});
       }},
      {"read the audit log",
       Action::ACTION_READ_AUDIT,
       {},
       [&](const std::string& u, int) { return send("GET", u, "/v1/audit:verify?service=scoring", json()); }},
      {"read a project of 331181001", Action::ACTION_READ_PROJECT, own,
       [&](const std::string& u, int) { return send("GET", u, "/v1/projects/" + project, json()); }},
      {"read the indicators",
       Action::ACTION_READ_REPORTS,
       {},
       [&](const std::string& u, int) { return send("GET", u, "/v1/indicators?period=2023-02", json()); }},
  };

  // Everyone signs in first: a sign-in writes a session row, which is not what a refused call may do.
  for (const Role& role : roles) {
    if (std::string(role.user) != "key") system_->token(role.user);
  }
  int cells = 0, refused = 0;
  for (const Probe& probe : probes) {
    for (const Role& role : roles) {
      const Scope scope = ScopeOf(role.caller, probe.action);
      const bool allowed =
          scope == Scope::kAll || (scope != Scope::kNone && Authorize(role.caller, probe.action, probe.target).ok());
      const int64_t before = AuditEntries();
      const int status = probe.call(role.user, ++serial);
      ++cells;
      if (allowed) {
        EXPECT_NE(status, 403) << role.user << " may " << probe.name;
        EXPECT_NE(status, 401) << role.user;
      } else {
        ++refused;
        EXPECT_EQ(status, 403) << role.user << " must not " << probe.name;
        EXPECT_EQ(AuditEntries(), before) << role.user << " changed something while refused to " << probe.name;
      }
    }
  }
  std::printf("policy matrix: %d cells (%zu calls × %zu roles), %d refused\n", cells, probes.size(), roles.size(),
              refused);

  // By hand, from the rules themselves.
  EXPECT_EQ(send("POST", "other_unit", "/v1/projects/" + project + "/milestones",
                 {{"kind", "MILESTONE_KIND_OTHER"}, {"title", "越权"}, {"dueDate", "2023-09-30"}, {"ownerName", "x"}}),
            403);  // a unit never writes another unit's projects
  EXPECT_EQ(send("GET", "other_unit", "/v1/projects/" + project, json()), 403);  // nor reads them
  EXPECT_EQ(send("POST", "leader", "/v1/units",
                 {{"unitId", "L1"}, {"name", "x"}, {"type", "UNIT_TYPE_DEPARTMENT"}, {"regionCode", "331181"}}),
            403);                                                                     // leaders read only
  EXPECT_EQ(send("POST", "admin", "/v1/periods/2022-11:lock", json::object()), 403);  // locking is the bureau's
  EXPECT_EQ(send("POST", "key", "/v1/units",
                 {{"unitId", "K1"}, {"name", "x"}, {"type", "UNIT_TYPE_DEPARTMENT"}, {"regionCode", "331181"}}),
            403);  // an API key writes nothing
}

}  // namespace
}  // namespace saima::testing
