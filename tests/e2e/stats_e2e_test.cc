// End-to-end through HTTP: the 入库 workflow by the right roles, 先入库,后有数 across registry and stats, the city
// report, and the change feed surviving restarts of either side.

#include <httplib.h>

#include <chrono>
#include <fstream>
#include <pqxx/pqxx>
#include <thread>

#include "absl/strings/str_cat.h"
#include "common/xlsx.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/e2e/system.h"
#include "tests/pg_harness.h"

namespace saima::testing {
namespace {

using nlohmann::json;

class StatsEndToEndTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    system_ = new System();
    ASSERT_TRUE(system_->WaitHealthy(30)) << "logs in " << system_->log_dir();
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
    httplib::Result res = method == "GET" ? client.Get(path.c_str(), headers)
                                          : client.Post(path.c_str(), headers, body.dump(), "application/json");
    if (!res) return {0, json()};
    return {res->status, json::parse(res->body, nullptr, false)};
  }
  static std::pair<int, json> Post(const std::string& user, const std::string& path, const json& body) {
    return Send("POST", user, path, body);
  }
  static std::pair<int, json> Get(const std::string& user, const std::string& path) { return Send("GET", user, path); }

  // Creates a started project of 331181001 and returns its id.
  static std::string CreateProject(const std::string& code, int64_t total_yuan) {
    json project = {{"projectCode", code},
                    {"name", "国镜药业年产2亿瓶口服溶液剂项目"},
                    {"unitId", "331181001"},
                    {"industryCode", "2720"},
                    {"constructionNature", "CONSTRUCTION_NATURE_NEW"},
                    {"ownership", "OWNERSHIP_PRIVATE"},
                    {"tiers", {"PROJECT_TIER_KEY"}},
                    {"stage", "PROJECT_STAGE_CONSTRUCTION"},
                    {"planningYear", 2022},
                    {"plannedTotalInvestmentYuan", std::to_string(total_yuan)},
                    {"actualStartDate", "2023-01-05"}};
    auto [status, body] = Post("unit", "/v1/projects", project);
    EXPECT_EQ(status, 200) << body.dump();
    return body["project"]["projectId"];
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

  static int64_t Scalar(const std::string& sql) {
    pqxx::connection admin(PgHarness::Shared().Url("postgres"));
    pqxx::work txn(admin);
    return txn.exec1(sql)[0].as<int64_t>();
  }

  static System* system_;
};

System* StatsEndToEndTest::system_ = nullptr;

TEST_F(StatsEndToEndTest, RukuByTheRightRolesThenFiguresThenTheCityReport) {
  const std::string id = CreateProject("2023-331181-04-01-000501", 200'000'000);
  // 先入库,后有数: a figure before 入库 is refused.
  auto [early, early_body] = Post("unit", "/v1/monthly-reports", Report(id, "2023-02", 3'000'000, 3'000'000));
  EXPECT_EQ(early, 409);
  EXPECT_NE(early_body["message"].get<std::string>().find("先入库"), std::string::npos);

  // 应统尽统: started in January, not 入库 by March: 红.
  auto [missing_status, missing] = Get("leader", "/v1/ruku/missing?asOfDate=2023-03-10&unitId=331181001");
  ASSERT_EQ(missing_status, 200) << missing.dump();
  ASSERT_EQ(missing["entries"].size(), 1u);
  EXPECT_EQ(missing["entries"][0]["light"], "MISSING_RUKU_LIGHT_RED");
  EXPECT_EQ(missing["redByUnit"]["331181001"], 1);
  EXPECT_EQ(Get("leader", "/v1/ruku/missing?asOfDate=2023-02-10").second["entries"][0]["light"],
            "MISSING_RUKU_LIGHT_YELLOW");

  auto [created, app] = Post("unit", "/v1/ruku/applications", {{"projectId", id}, {"reviewingDepartmentId", "D01"}});
  ASSERT_EQ(created, 200) << app.dump();
  const std::string app_id = app["application"]["applicationId"];
  const std::string path = "/v1/ruku/applications/" + app_id + ":transition";
  // Wrong roles get 403 and change nothing.
  EXPECT_EQ(Post("other_unit", path, {{"toState", "RUKU_STATE_SUBMITTED"}}).first, 403);
  EXPECT_EQ(Post("leader", path, {{"toState", "RUKU_STATE_SUBMITTED"}}).first, 403);
  EXPECT_EQ(Get("leader", "/v1/ruku/applications/" + app_id).second["application"]["state"], "RUKU_STATE_DRAFT");
  auto [no_materials, refusal] = Post("unit", path, {{"toState", "RUKU_STATE_SUBMITTED"}});
  EXPECT_EQ(no_materials, 409);
  EXPECT_NE(refusal["message"].get<std::string>().find("现场照片"), std::string::npos) << refusal.dump();
  FileMaterials(id);
  EXPECT_EQ(Get("leader", "/v1/projects/" + id + "/documents").second["documents"].size(), 6u);
  ASSERT_EQ(Post("unit", path, {{"toState", "RUKU_STATE_SUBMITTED"}}).first, 200);
  EXPECT_EQ(Post("stats", path, {{"toState", "RUKU_STATE_DEPT_REVIEWED"}}).first, 403);
  EXPECT_EQ(Post("dept", path, {{"toState", "RUKU_STATE_RETURNED"}}).first, 400);  // a reason is required
  ASSERT_EQ(Post("dept", path, {{"toState", "RUKU_STATE_DEPT_REVIEWED"}}).first, 200);
  ASSERT_EQ(Post("stats", path, {{"toState", "RUKU_STATE_STATS_REVIEW"}}).first, 200);
  EXPECT_EQ(Post("stats", path, {{"toState", "RUKU_STATE_APPROVED"}}).first, 409);  // 2亿: the province first
  ASSERT_EQ(Post("stats", path, {{"toState", "RUKU_STATE_PROVINCE_REVIEW"}}).first, 200);
  auto [approved, final_app] =
      Post("stats", path, {{"toState", "RUKU_STATE_APPROVED"}, {"effectiveDate", "2023-01-15"}});
  ASSERT_EQ(approved, 200);
  EXPECT_EQ(final_app["application"]["history"].size(), 5u);

  EXPECT_EQ(SubmitWhenAccepted(Report(id, "2023-02", 3'000'000, 3'000'000)), 200);
  ASSERT_EQ(Post("unit", "/v1/monthly-reports", Report(id, "2023-03", 2'000'000, 5'000'000)).first, 200);
  // A month that does not chain is refused, naming the field.
  auto [bad, bad_body] = Post("unit", "/v1/monthly-reports", Report(id, "2023-04", 1'000'000, 9'000'000));
  EXPECT_EQ(bad, 400);
  EXPECT_EQ(bad_body["details"][0]["fieldViolations"][0]["field"], "report.ytd_yuan");
  ASSERT_EQ(Send("GET", "admin", "/v1/healthz").first, 404);  // unknown route, not a crash

  httplib::Client client("127.0.0.1", system_->http_port());
  httplib::Headers headers = {{"Authorization", "Bearer " + system_->token("stats")}};
  json plan = {{"projectId", id}, {"year", 2023}, {"plannedYuan", "20000000"}};
  auto put = client.Put("/v1/plans", headers, plan.dump(), "application/json");
  ASSERT_TRUE(put);
  ASSERT_EQ(put->status, 200) << put->body;

  auto [ok, report] = Get("leader", "/v1/reports/city?period=2023-03");
  ASSERT_EQ(ok, 200) << report.dump();
  const json& indicators = report["report"]["indicators"];
  EXPECT_EQ(indicators["total"]["ytdYuan"], "5000000");
  EXPECT_EQ(indicators["completionRate"]["numerator"], "5000000");
  EXPECT_EQ(indicators["completionRate"]["denominator"], "20000000");
  EXPECT_TRUE(indicators["provisional"].get<bool>());
  // 25% against a time progress of 25%: 正常.
  EXPECT_EQ(report["report"]["keyProjects"]["statuses"][0]["status"], "PROGRESS_STATUS_NORMAL");

  ASSERT_EQ(Post("stats", "/v1/periods/2023-03:lock", json::object()).first, 200);
  EXPECT_EQ(Post("unit", "/v1/monthly-reports", Report(id, "2023-03", 2'500'000, 5'500'000)).first, 409);
  auto [corrected, corrected_body] =
      Post("stats", "/v1/monthly-reports:correct",
           {{"report", Report(id, "2023-03", 2'500'000, 5'500'000)}, {"reason", "核定时补录设备款"}});
  ASSERT_EQ(corrected, 200) << corrected_body.dump();
  // The provincial package of the locked period: its forms add up to the city report.
  {
    httplib::Client http("127.0.0.1", system_->http_port());
    httplib::Headers auth = {{"Authorization", "Bearer " + system_->token("stats")}};
    auto xlsx = http.Get("/v1/reports/provincial?period=2023-03&format=xlsx", auth);
    ASSERT_TRUE(xlsx);
    ASSERT_EQ(xlsx->status, 200) << xlsx->body;
    EXPECT_NE(xlsx->get_header_value("Content-Type").find("spreadsheetml"), std::string::npos);
    const std::string path = system_->log_dir() + "/provincial.xlsx";
    std::ofstream(path, std::ios::binary) << xlsx->body;
    auto sheet = ReadXlsx(path);  // the first sheet: 206-1
    ASSERT_TRUE(sheet.ok()) << sheet.status();
    ASSERT_EQ(sheet->size(), 2u);  // header and the one project of 2亿
    EXPECT_EQ((*sheet)[0][7], "自年初累计完成投资(元)");
    EXPECT_EQ((*sheet)[1][7], "5500000");
    auto zip = http.Get("/v1/reports/provincial?period=2023-03&format=csv", auth);
    ASSERT_TRUE(zip);
    EXPECT_EQ(zip->status, 200);
    EXPECT_EQ(zip->body.substr(0, 2), "PK");
    EXPECT_EQ(Get("stats", "/v1/reports/provincial?period=2023-04").first, 409);  // not locked
    EXPECT_EQ(Get("stats", "/v1/reports/provincial?period=2023-03&format=pdf").first, 400);

    // SDMX-CSV 2.0 at the SDMX REST shape.
    auto csv =
        http.Get("/sdmx/data/dataflow/SAIMA/FAI/1.0/M.331181.FAI_YTD?c%5BTIME_PERIOD%5D=ge:2023-03+le:2023-03", auth);
    ASSERT_TRUE(csv);
    ASSERT_EQ(csv->status, 200) << csv->body;
    EXPECT_EQ(csv->body,
              "STRUCTURE,STRUCTURE_ID,ACTION,FREQ,REF_AREA,INDICATOR,TIME_PERIOD,OBS_VALUE,UNIT_MEASURE,UNIT_MULT,"
              "OBS_STATUS\ndataflow,SAIMA:FAI(1.0),I,M,331181,FAI_YTD,2023-03,5500000,CNY,0,A\n");
    auto empty = http.Get("/sdmx/data/dataflow/SAIMA/FAI/1.0/all?c%5BTIME_PERIOD%5D=ge:2019-02+le:2019-03", auth);
    ASSERT_TRUE(empty);
    EXPECT_EQ(empty->status, 204);
    httplib::Headers xml = auth;
    xml.emplace("Accept", "application/vnd.sdmx.genericdata+xml");
    auto refused = http.Get("/sdmx/data/dataflow/SAIMA/FAI/1.0/all", xml);
    ASSERT_TRUE(refused);
    EXPECT_EQ(refused->status, 406);
    EXPECT_EQ(Get("leader", "/sdmx/data/dataflow/NBS/FAI/1.0/all").first, 404);
  }
  auto [listed, versions] = Get("leader", "/v1/monthly-reports/" + id + "/2023-03/versions");
  ASSERT_EQ(listed, 200);
  ASSERT_EQ(versions["versions"].size(), 2u);
  EXPECT_EQ(versions["versions"][0]["ytdYuan"], "5000000");
  EXPECT_EQ(versions["versions"][1]["reason"], "核定时补录设备款");
  EXPECT_EQ(Get("leader", "/v1/indicators?period=2023-03").second["total"]["ytdYuan"], "5500000");

  // The project's official figures per period, and the project in OC4IDS with them as financial progress.
  auto [figures_status, figures] = Get("leader", "/v1/projects/" + id + "/figures?fromPeriod=2023-02");
  ASSERT_EQ(figures_status, 200) << figures.dump();
  ASSERT_EQ(figures["reports"].size(), 2u);
  EXPECT_EQ(figures["reports"][1]["sinceStartYuan"], "5500000");  // the correction, not the first report
  EXPECT_EQ(Get("leader", "/v1/projects/" + id + "/figures?fromPeriod=2023-13").first, 400);
  auto [oc4ids_status, oc4ids] = Get("leader", "/v1/projects/" + id + "/oc4ids");
  ASSERT_EQ(oc4ids_status, 200) << oc4ids.dump();
  EXPECT_EQ(oc4ids["id"], "oc4ids-saima0-" + id);
  EXPECT_EQ(oc4ids["status"], "implementation");
  EXPECT_EQ(oc4ids["budget"]["amount"]["amount"], 200000000);
  EXPECT_EQ(oc4ids["publicAuthority"]["id"], "331181001");
  EXPECT_EQ(oc4ids["documents"].size(), 6u);
  const json& progress = oc4ids["metrics"][0]["observations"];
  ASSERT_EQ(progress.size(), 2u);
  EXPECT_EQ(progress[0]["measure"], "1.50");  // 300万 of 2亿
  EXPECT_EQ(progress[1]["measure"], "2.75");  // 550万 of 2亿
  EXPECT_EQ(Get("other_unit", "/v1/projects/" + id + "/oc4ids").first,
            Get("other_unit", "/v1/projects/" + id).first);  // the registry's visibility rule applies to both
}

TEST_F(StatsEndToEndTest, ChangeFeedResumesAfterEitherSideRestarts) {
  // Stats down while a project enters the database: on restart it resumes from its stored revision.
  system_->process("stats").Kill();
  const std::string first = CreateProject("2023-331181-04-01-000502", 200'000'000);
  Approve(first, "2023-01-20");
  system_->process("stats").Start();
  EXPECT_EQ(SubmitWhenAccepted(Report(first, "2023-02", 1'000'000, 1'000'000)), 200);

  // Registry restarted: the follower reconnects by itself.
  system_->process("registry").Kill();
  system_->process("registry").Start();
  ASSERT_TRUE(system_->WaitHealthy(20));
  const std::string second = CreateProject("2023-331181-04-01-000503", 200'000'000);
  Approve(second, "2023-01-20");
  EXPECT_EQ(SubmitWhenAccepted(Report(second, "2023-02", 1'000'000, 1'000'000)), 200);

  // Every change applied exactly once: stats' position is the registry's last revision, and its copy of each
  // project matches the registry's.
  bool caught_up = false;
  for (int i = 0; i < 50 && !caught_up; ++i) {
    caught_up =
        Scalar("SELECT revision FROM stats.feed_position") == Scalar("SELECT value FROM registry.revision_counter");
    if (!caught_up) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_TRUE(caught_up);
  EXPECT_EQ(Scalar("SELECT count(*) FROM stats.project_dims d JOIN registry.projects p USING (project_id) "
                   "WHERE d.ruku_state <> p.ruku_state OR d.revision <> p.revision"),
            0);
  EXPECT_EQ(Scalar("SELECT count(*) FROM stats.project_dims"), Scalar("SELECT count(*) FROM registry.projects"));
}

}  // namespace
}  // namespace saima::testing
