#ifndef SAIMA_TESTS_E2E_HTTP_FIXTURE_H_
#define SAIMA_TESTS_E2E_HTTP_FIXTURE_H_

// A test fixture for end-to-end tests through the gateway's HTTP API.

#include <httplib.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <pqxx/pqxx>
#include <string>
#include <thread>
#include <tuple>
#include <utility>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/e2e/system.h"
#include "tests/pg_harness.h"

namespace saima::testing {

using nlohmann::json;

// The whole system with three units (龙渊街道, 八都镇, 发改局), and HTTP helpers acting as the System's users.
class HttpSystemTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { SetUpSystem(); }
  // The system (with `gateway_flags`, and nginx in front when `with_nginx`) and its three units.
  static void SetUpSystem(std::vector<std::string> gateway_flags = {}, bool with_nginx = false) {
    system_ = new System(std::move(gateway_flags), with_nginx);
    ASSERT_TRUE(system_->WaitHealthy(60)) << "not healthy; the logs end:\n" << system_->LogTails();
    for (const auto& [id, name, type] : {std::tuple{"331181001", "龙渊街道", "UNIT_TYPE_SUBDISTRICT"},
                                         std::tuple{"331181100", "八都镇", "UNIT_TYPE_TOWNSHIP"},
                                         std::tuple{"D01", "发展和改革局", "UNIT_TYPE_DEPARTMENT"}}) {
      json unit = {{"unitId", id}, {"name", name}, {"type", type}, {"regionCode", "331181"}};
      ASSERT_EQ(Post("admin", "/v1/units", unit).first, 200);
    }
  }
  static void TearDownTestSuite() { delete system_; }

  static std::pair<int, json> Send(const std::string& method, const std::string& user, const std::string& path,
                                   const json& body = json()) {
    httplib::Client client("127.0.0.1", system_->http_port());
    client.set_read_timeout(15, 0);
    httplib::Headers headers = {{"Authorization", "Bearer " + system_->token(user)}};
    httplib::Result res = method == "GET"      ? client.Get(path.c_str(), headers)
                          : method == "DELETE" ? client.Delete(path.c_str(), headers)
                          : method == "PUT"    ? client.Put(path.c_str(), headers, body.dump(), "application/json")
                          : method == "PATCH"  ? client.Patch(path.c_str(), headers, body.dump(), "application/json")
                                               : client.Post(path.c_str(), headers, body.dump(), "application/json");
    if (!res) return {0, json()};
    return {res->status, json::parse(res->body, nullptr, false)};
  }
  static std::pair<int, json> Post(const std::string& user, const std::string& path, const json& body) {
    return Send("POST", user, path, body);
  }
  static std::pair<int, json> Get(const std::string& user, const std::string& path) { return Send("GET", user, path); }

  // Creates a started project of 331181001 (by its staff) and has the 发改局 mark it a key project; returns its id.
  static std::string CreateProject(const std::string& code, int64_t total_yuan) {
    json project = {{"projectCode", code},
                    {"name", "国镜药业年产2亿瓶口服溶液剂项目"},
                    {"unitId", "331181001"},
                    {"industryCode", "2720"},
                    {"constructionNature", "CONSTRUCTION_NATURE_NEW"},
                    {"ownership", "OWNERSHIP_PRIVATE"},
                    {"stage", "PROJECT_STAGE_CONSTRUCTION"},
                    {"planningYear", 2022},
                    {"plannedTotalInvestmentYuan", std::to_string(total_yuan)},
                    {"actualStartDate", "2023-01-05"}};
    auto [status, body] = Post("unit", "/v1/projects", project);
    EXPECT_EQ(status, 200) << body.dump();
    const std::string id = body["project"]["projectId"];
    SetTiers(id, {"PROJECT_TIER_KEY"});
    return id;
  }

  // The 发改局 sets a project's tiers (units may not: the tier decides who watches the project).
  static void SetTiers(const std::string& project_id, const std::vector<std::string>& tiers) {
    auto [got, project] = Get("admin", "/v1/projects/" + project_id);
    ASSERT_EQ(got, 200) << project.dump();
    auto [status, body] = Send("PATCH", "admin", "/v1/projects/" + project_id,
                               {{"tiers", tiers}, {"revision", project["project"]["revision"]}});
    ASSERT_EQ(status, 200) << body.dump();
  }

  // Files, over HTTP, the materials a construction project of 1亿元 or more needs for 入库.
  static void FileMaterials(const std::string& project_id) {
    for (const char* type :
         {"DOCUMENT_TYPE_SITE_PHOTO", "DOCUMENT_TYPE_CONSTRUCTION_CONTRACT", "DOCUMENT_TYPE_APPROVAL",
          "DOCUMENT_TYPE_CONSTRUCTION_PERMIT", "DOCUMENT_TYPE_DESIGN", "DOCUMENT_TYPE_FEASIBILITY_STUDY"}) {
      json document = {{"type", type},
                       {"number", "龙发改〔2023〕12号"},
                       {"contentSha256", std::string(64, 'e')},
                       {"takenAt", "2023-03-01T10:00:00+08:00"},
                       {"takenPlace", "龙渊街道"}};
      auto [status, body] = Post("unit", "/v1/projects/" + project_id + "/documents", document);
      ASSERT_EQ(status, 200) << body.dump();
    }
  }

  // Takes a project through the whole 入库 workflow with the role each step needs.
  static void Approve(const std::string& project_id, const std::string& date) {
    FileMaterials(project_id);
    auto [status, created] =
        Post("unit", "/v1/ruku/applications", {{"projectId", project_id}, {"reviewingDepartmentId", "D01"}});
    ASSERT_EQ(status, 200) << created.dump();
    const std::string id = created["application"]["applicationId"];
    const std::string path = "/v1/ruku/applications/" + id + ":transition";
    for (const auto& [user, to] : {std::pair{"unit", "RUKU_STATE_SUBMITTED"},
                                   {"dept", "RUKU_STATE_DEPT_REVIEWED"},
                                   {"stats", "RUKU_STATE_STATS_REVIEW"},
                                   {"stats", "RUKU_STATE_PROVINCE_REVIEW"}}) {
      ASSERT_EQ(Post(user, path, {{"toState", to}}).first, 200) << to;
    }
    auto [done, app] = Post("stats", path, {{"toState", "RUKU_STATE_APPROVED"}, {"effectiveDate", date}});
    ASSERT_EQ(done, 200) << app.dump();
    EXPECT_EQ(app["application"]["state"], "RUKU_STATE_APPROVED");
  }

  static json Report(const std::string& project_id, const std::string& period, int64_t month, int64_t ytd) {
    return {{"projectId", project_id},
            {"period", period},
            {"monthYuan", std::to_string(month)},
            {"ytdYuan", std::to_string(ytd)},
            {"ytdBreakdown",
             {{"constructionYuan", std::to_string(ytd / 2)},
              {"installationYuan", std::to_string(ytd / 4)},
              {"equipmentYuan", std::to_string(ytd - ytd / 2 - ytd / 4)}}},
            {"sinceStartYuan", std::to_string(ytd)}};
  }

  // The body of a new planned project of 331181001 (60 million yuan).
  static json PlannedProject(const std::string& code, const std::string& name) {
    return {{"projectCode", code},
            {"name", name},
            {"unitId", "331181001"},
            {"industryCode", "2720"},
            {"constructionNature", "CONSTRUCTION_NATURE_NEW"},
            {"ownership", "OWNERSHIP_PRIVATE"},
            {"stage", "PROJECT_STAGE_PLANNING"},
            {"planningYear", 2023},
            {"plannedTotalInvestmentYuan", "60000000"}};
  }

  // Runs saimactl against the gateway with `env` (e.g. "SAIMA_TOKEN=…"); returns its exit status and its output
  // (standard error too when `with_stderr`).
  static std::pair<int, std::string> Ctl(const std::string& env, const std::string& args, bool with_stderr = false) {
    const std::string command = absl::StrCat("SAIMA_GATEWAY_GRPC=", system_->gateway_grpc(), " ", env, " ",
                                             SAIMACTL_BIN, " ", args, with_stderr ? " 2>&1" : "");
    std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
    std::string out;
    char buffer[4096];
    while (size_t n = fread(buffer, 1, sizeof buffer, pipe.get())) out.append(buffer, n);
    const int status = pclose(pipe.release());
    return {WEXITSTATUS(status), out};
  }

  // A score sheet's body: one score per default criterion.
  static json Scores(int planning, int progress, int quality, int innovation) {
    return {
        {"scores", {{"planning", planning}, {"progress", progress}, {"quality", quality}, {"innovation", innovation}}}};
  }

  // Submits until stats is up and has followed the feed far enough to accept the figure (seconds at most).
  static int SubmitWhenAccepted(const json& report) {
    int status = 0;
    for (int i = 0; i < 100; ++i) {
      status = Post("unit", "/v1/monthly-reports", report).first;
      if (status != 409 && status != 503) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return status;
  }

  // A key project of 龙渊街道 under construction since 2023-01-05, 2亿元, 入库 on 2023-01-20, with a 2023 plan of
  // 4000万元 and its 2023-02 figure (100万元): the reporting project most tests start from. Its id, or "" after a
  // failure (reported).
  static std::string ReportingKeyProject(const std::string& code, const std::string& name) {
    json p = PlannedProject(code, name);
    p["stage"] = "PROJECT_STAGE_CONSTRUCTION";
    p["actualStartDate"] = "2023-01-05";
    p["plannedTotalInvestmentYuan"] = "200000000";
    auto [made, made_body] = Post("unit", "/v1/projects", p);
    EXPECT_EQ(made, 200) << made_body.dump();
    if (made != 200) return "";
    const std::string project = made_body["project"]["projectId"];
    SetTiers(project, {"PROJECT_TIER_KEY"});
    Approve(project, "2023-01-20");
    // Stats learns of the project from the registry's change feed: until then a plan for it is refused (400).
    int planned = 0;
    for (int i = 0; i < 100; ++i) {
      planned = Send("PUT", "stats", "/v1/plans", {{"projectId", project}, {"year", 2023}, {"plannedYuan", "40000000"}})
                    .first;
      if (planned != 400) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    EXPECT_EQ(planned, 200);
    EXPECT_EQ(SubmitWhenAccepted(Report(project, "2023-02", 1'000'000, 1'000'000)), 200);
    return project;
  }

  static int64_t Scalar(const std::string& sql) {
    pqxx::connection admin(PgHarness::Shared().Url("postgres"));
    pqxx::work txn(admin);
    return txn.exec1(sql)[0].as<int64_t>();
  }

  static inline System* system_ = nullptr;
};

}  // namespace saima::testing

#endif  // SAIMA_TESTS_E2E_HTTP_FIXTURE_H_
