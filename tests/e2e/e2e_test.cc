// End-to-end: the four binaries and PostgreSQL, used through the gateway as clients use it.

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <regex>
#include <thread>

#include "absl/strings/str_cat.h"
#include "common/client.h"
#include "common/status.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "saima/gateway/v1/gateway.grpc.pb.h"
#include "saima/registry/v1/registry.grpc.pb.h"
#include "tests/e2e/system.h"
#include "tests/pg_harness.h"

namespace saima::testing {
namespace {

namespace gw = ::saima::gateway::v1;
namespace reg = ::saima::registry::v1;
using nlohmann::json;

std::atomic<int> g_code_serial{100};

std::string NextCode() { return absl::StrCat("2023-331181-04-01-", 100000 + g_code_serial.fetch_add(1)); }

reg::Project ValidProject(const std::string& unit = "331181001") {
  reg::Project p;
  p.set_project_code(NextCode());
  p.set_name("城市文化客厅项目");
  p.set_unit_id(unit);
  p.set_industry_code("8870");
  p.set_construction_nature(reg::CONSTRUCTION_NATURE_NEW);
  p.set_ownership(reg::OWNERSHIP_STATE);
  p.set_stage(reg::PROJECT_STAGE_CONSTRUCTION);
  p.set_planning_year(2022);
  p.set_planned_total_investment_yuan(180'000'000);
  p.set_actual_start_date("2023-03-01");
  return p;
}

class EndToEndTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    system_ = new System();
    ASSERT_TRUE(system_->WaitHealthy(60)) << "not healthy; the logs end:\n" << system_->LogTails();
    channel_ = new std::shared_ptr<grpc::Channel>(MakePublicChannel(system_->gateway_grpc(), ""));
    for (const auto& [id, name, type] : {std::tuple{"331181001", "龙渊街道", reg::UNIT_TYPE_SUBDISTRICT},
                                         std::tuple{"331181100", "八都镇", reg::UNIT_TYPE_TOWNSHIP},
                                         std::tuple{"D01", "发展和改革局", reg::UNIT_TYPE_DEPARTMENT}}) {
      reg::CreateUnitRequest request;
      request.mutable_unit()->set_unit_id(id);
      request.mutable_unit()->set_name(name);
      request.mutable_unit()->set_type(type);
      request.mutable_unit()->set_region_code("331181");
      reg::CreateUnitResponse response;
      ASSERT_TRUE(Call(&reg::RegistryService::Stub::CreateUnit, "admin", request, &response).ok());
    }
  }

  static void TearDownTestSuite() {
    delete channel_;
    delete system_;
  }

  // A call to any service through the gateway, under the service's own name.
  template <typename Stub, typename Request, typename Response>
  static absl::Status Call(grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
                           const std::string& user, const Request& request, Response* response) {
    auto context = CallContext(std::chrono::seconds(10));
    if (!user.empty()) context->AddMetadata("authorization", "Bearer " + system_->token(user));
    Stub stub(*channel_);
    return FromGrpcStatus((stub.*method)(context.get(), request, response));
  }

  static httplib::Headers Auth(const std::string& user) {
    return {{"Authorization", "Bearer " + system_->token(user)}};
  }

  static httplib::Client Http() {
    httplib::Client client("127.0.0.1", system_->http_port());
    client.set_read_timeout(15, 0);
    return client;
  }

  static int32_t ProjectCount() {
    reg::ListProjectsRequest request;
    reg::ListProjectsResponse response;
    EXPECT_TRUE(Call(&reg::RegistryService::Stub::ListProjects, "leader", request, &response).ok());
    return response.total_size();
  }

  static System* system_;
  static std::shared_ptr<grpc::Channel>* channel_;
};

System* EndToEndTest::system_ = nullptr;
std::shared_ptr<grpc::Channel>* EndToEndTest::channel_ = nullptr;

TEST_F(EndToEndTest, HealthzReportsEveryBackend) {
  auto res = Http().Get("/healthz");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  json body = json::parse(res->body);
  for (const char* backend : {"registry", "stats", "scoring"}) EXPECT_EQ(body["backends"][backend], "SERVING");
}

TEST_F(EndToEndTest, GrpcCreateReadListAndSummarize) {
  reg::CreateProjectRequest create;
  *create.mutable_project() = ValidProject();
  reg::CreateProjectResponse created;
  ASSERT_TRUE(Call(&reg::RegistryService::Stub::CreateProject, "unit", create, &created).ok());
  EXPECT_EQ(created.project().sector(), reg::SECTOR_TERTIARY);

  reg::GetProjectRequest get;
  get.set_project_id(created.project().project_id());
  reg::GetProjectResponse read;
  ASSERT_TRUE(Call(&reg::RegistryService::Stub::GetProject, "leader", get, &read).ok());
  EXPECT_EQ(read.project().project_code(), create.project().project_code());

  reg::ListProjectsRequest list;
  list.mutable_filter()->set_name_contains("文化客厅");
  reg::ListProjectsResponse listed;
  ASSERT_TRUE(Call(&reg::RegistryService::Stub::ListProjects, "leader", list, &listed).ok());
  EXPECT_GE(listed.total_size(), 1);

  reg::SummarizeProjectsRequest summarize;
  summarize.mutable_filter()->set_unit_id("331181001");
  reg::SummarizeProjectsResponse summary;
  ASSERT_TRUE(Call(&reg::RegistryService::Stub::SummarizeProjects, "leader", summarize, &summary).ok());
  EXPECT_GE(summary.summary().tertiary(), 1);
}

TEST_F(EndToEndTest, IdentityIsRequiredAndUnitStaffStayInTheirUnit) {
  gw::WhoAmIRequest who;
  gw::WhoAmIResponse me;
  EXPECT_EQ(Call(&gw::GatewayService::Stub::WhoAmI, "", who, &me).code(), absl::StatusCode::kUnauthenticated);
  ASSERT_TRUE(Call(&gw::GatewayService::Stub::WhoAmI, "unit", who, &me).ok());
  EXPECT_EQ(me.caller().unit_id(), "331181001");

  const int32_t before = ProjectCount();
  reg::CreateProjectRequest create;
  *create.mutable_project() = ValidProject("331181100");
  reg::CreateProjectResponse created;
  EXPECT_EQ(Call(&reg::RegistryService::Stub::CreateProject, "unit", create, &created).code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(Call(&reg::RegistryService::Stub::CreateProject, "leader", create, &created).code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(ProjectCount(), before);
}

TEST_F(EndToEndTest, HttpBadRequestNamesFieldsAndWritesNothing) {
  const int32_t before = ProjectCount();
  json body = {{"name", "无代码在建项目"},       {"unitId", "331181001"},
               {"industryCode", "9999"},         {"constructionNature", "CONSTRUCTION_NATURE_NEW"},
               {"ownership", "OWNERSHIP_STATE"}, {"stage", "PROJECT_STAGE_CONSTRUCTION"},
               {"planningYear", 2023},           {"actualStartDate", "2023-03-01"}};
  auto res = Http().Post("/v1/projects", Auth("admin"), body.dump(), "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  json error = json::parse(res->body);
  EXPECT_EQ(error["code"], 3);
  std::set<std::string> fields;
  for (const auto& v : error["details"][0]["fieldViolations"]) fields.insert(v["field"].get<std::string>());
  EXPECT_EQ(fields, (std::set<std::string>{"project.project_code", "project.industry_code"}));
  EXPECT_EQ(ProjectCount(), before);

  res = Http().Post("/v1/projects", Auth("admin"), "{not json", "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  res = Http().Get("/v1/projects?colour=red", Auth("admin"));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  EXPECT_NE(res->body.find("colour"), std::string::npos);
  res = Http().Get("/v1/projects?stage=BUILDING", Auth("admin"));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  EXPECT_EQ(ProjectCount(), before);
}

TEST_F(EndToEndTest, HttpCreateReadPatchAndConflicts) {
  std::string json_body;
  google::protobuf::util::MessageToJsonString(ValidProject(), &json_body);
  httplib::Headers headers = Auth("unit");
  headers.emplace("Idempotency-Key", absl::StrCat("e2e-", g_code_serial.load()));
  auto res = Http().Post("/v1/projects", headers, json_body, "application/json");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  json created = json::parse(res->body)["project"];
  const std::string id = created["projectId"];
  // A retry with the same key returns the same project and writes nothing more.
  const int32_t count = ProjectCount();
  auto retry = Http().Post("/v1/projects", headers, json_body, "application/json");
  ASSERT_TRUE(retry);
  EXPECT_EQ(json::parse(retry->body)["project"]["projectId"], id);
  EXPECT_EQ(ProjectCount(), count);

  res = Http().Get("/v1/projects/" + id, Auth("leader"));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  const std::string revision = json::parse(res->body)["project"]["revision"];

  json patch = {{"revision", revision}, {"name", "城市文化客厅(陶溪川)项目"}};
  res = Http().Patch("/v1/projects/" + id, Auth("unit"), patch.dump(), "application/json");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  EXPECT_EQ(json::parse(res->body)["project"]["name"], "城市文化客厅(陶溪川)项目");

  patch["name"] = "过期的修改";
  res = Http().Patch("/v1/projects/" + id, Auth("unit"), patch.dump(), "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 409);

  res = Http().Get("/v1/projects/" + id + "/history", Auth("leader"));
  ASSERT_TRUE(res);
  EXPECT_EQ(json::parse(res->body)["changes"].size(), 2u);

  res = Http().Get("/v1/projects/999999", Auth("leader"));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 404);
  res = Http().Get("/v1/projects", httplib::Headers{{"Authorization", "Bearer wrong"}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 401);
  res = Http().Patch("/v1/projects/" + id, Auth("leader"), patch.dump(), "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 403);
}

// Tiers decide who watches a project: 重点/重大 are the 发改局's to give, 观摩 only the contest's selection's.
TEST_F(EndToEndTest, OnlyTheDeciderSetsAProjectsTiers) {
  std::string json_body;
  reg::Project asked = ValidProject();
  asked.add_tiers(reg::PROJECT_TIER_PROVINCIAL_MAJOR);
  google::protobuf::util::MessageToJsonString(asked, &json_body);
  auto refused = Http().Post("/v1/projects", Auth("unit"), json_body, "application/json");
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 403) << refused->body;
  json_body.clear();
  google::protobuf::util::MessageToJsonString(ValidProject(), &json_body);
  auto made = Http().Post("/v1/projects", Auth("unit"), json_body, "application/json");
  ASSERT_TRUE(made);
  ASSERT_EQ(made->status, 200) << made->body;
  const json project = json::parse(made->body)["project"];
  const std::string path = "/v1/projects/" + project["projectId"].get<std::string>();
  auto patch = [&](const std::string& user, const json& tiers) {
    const json now = json::parse(Http().Get(path.c_str(), Auth("admin"))->body)["project"];
    auto res = Http().Patch(path.c_str(), Auth(user), json{{"tiers", tiers}, {"revision", now["revision"]}}.dump(),
                            "application/json");
    return res ? res->status : 0;
  };
  EXPECT_EQ(patch("unit", {"PROJECT_TIER_KEY"}), 403) << "a unit marking its own project 重点";
  EXPECT_EQ(patch("unit", {"PROJECT_TIER_OBSERVATION"}), 403) << "a unit marking its own project 观摩";
  EXPECT_EQ(patch("admin", {"PROJECT_TIER_OBSERVATION"}), 403) << "观摩 is the contest's selection, not a person's";
  EXPECT_EQ(patch("admin", {"PROJECT_TIER_KEY", "PROJECT_TIER_MAJOR"}), 200);
  EXPECT_EQ(json::parse(Http().Get(path.c_str(), Auth("unit"))->body)["project"]["tiers"].size(), 2u);
  // Other fields stay the unit's to write.
  const json now = json::parse(Http().Get(path.c_str(), Auth("unit"))->body)["project"];
  auto renamed =
      Http().Patch(path.c_str(), Auth("unit"),
                   json{{"name", "城市文化客厅项目(一期)"}, {"revision", now["revision"]}}.dump(), "application/json");
  ASSERT_TRUE(renamed);
  EXPECT_EQ(renamed->status, 200) << renamed->body;
}

TEST_F(EndToEndTest, HttpListFiltersByQuery) {
  auto res = Http().Get("/v1/projects?filter.unitId=331181001&filter.stage=PROJECT_STAGE_CONSTRUCTION&pageSize=1",
                        Auth("leader"));
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  json body = json::parse(res->body);
  ASSERT_GE(body["totalSize"].get<int>(), 1);
  EXPECT_EQ(body["projects"].size(), 1u);
  EXPECT_EQ(body["projects"][0]["unitId"], "331181001");
  res = Http().Get("/v1/units", Auth("leader"));
  ASSERT_TRUE(res);
  EXPECT_EQ(json::parse(res->body)["units"].size(), 3u);
}

TEST_F(EndToEndTest, GatewayAnswersUnavailableWhileRegistryIsDownAndRecovers) {
  system_->process("registry").Kill();
  reg::ListProjectsRequest list;
  reg::ListProjectsResponse listed;
  const auto started = std::chrono::steady_clock::now();
  EXPECT_EQ(Call(&reg::RegistryService::Stub::ListProjects, "leader", list, &listed).code(),
            absl::StatusCode::kUnavailable);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
  auto res = Http().Get("/v1/projects", Auth("leader"));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 503);
  res = Http().Get("/healthz");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 503);
  EXPECT_EQ(json::parse(res->body)["backends"]["registry"], "UNAVAILABLE");

  system_->process("registry").Start();
  bool recovered = false;
  for (int i = 0; i < 100 && !recovered; ++i) {
    recovered = Call(&reg::RegistryService::Stub::ListProjects, "leader", list, &listed).ok();
    if (!recovered) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_TRUE(recovered) << "the gateway did not reach the restarted registry within 10 s";
}

TEST_F(EndToEndTest, HealthTurnsNotServingWhileTheDatabaseIsDown) {
  PgHarness::Shared().Stop();
  auto registry_state = [] {
    auto res = Http().Get("/healthz");
    return res ? json::parse(res->body)["backends"]["registry"].get<std::string>() : std::string("?");
  };
  bool not_serving = false;
  for (int i = 0; i < 50 && !not_serving; ++i) {
    not_serving = registry_state() == "NOT_SERVING";
    if (!not_serving) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_TRUE(not_serving);
  reg::ListProjectsRequest list;
  reg::ListProjectsResponse listed;
  EXPECT_EQ(Call(&reg::RegistryService::Stub::ListProjects, "leader", list, &listed).code(),
            absl::StatusCode::kUnavailable);
  PgHarness::Shared().Start();
  bool serving = false;
  for (int i = 0; i < 100 && !serving; ++i) {
    serving = registry_state() == "SERVING";
    if (!serving) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_TRUE(serving);
  bool answered = false;
  for (int i = 0; i < 50 && !answered; ++i) {
    answered = Call(&reg::RegistryService::Stub::ListProjects, "leader", list, &listed).ok();
    if (!answered) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_TRUE(answered) << "the registry did not reconnect to the database";
}

TEST_F(EndToEndTest, SaimactlImportReportsEveryBadRowAndImportsTheRest) {
  const std::string path = system_->log_dir() + "/import.csv";
  {
    std::ofstream csv(path);
    csv << "项目代码,项目名称,单位代码,行业代码,建设性质,控股情况,项目层级,项目阶段,谋划年度,计划总投资(元),"
           "实际开工日期\n"
        << NextCode() << ",导入测试好项目,331181001,2720,新建,私人,重点项目,在建,2023,50000000,2023-04-01\n"
        << ",导入测试坏项目一,331181001,2720,翻新,私人,,谋划,2023,50000000,\n"
        << NextCode() << ",导入测试坏项目二,331181001,9999,新建,私人,,在建,2023,50000000,2023-04-01\n";
  }
  const int32_t before = ProjectCount();
  const std::string out = system_->log_dir() + "/import.out";
  const int status = saima::testing::Run(absl::StrCat("SAIMA_TOKEN=", system_->token("admin"), " ", SAIMACTL_BIN,
                                                      " --gateway_grpc=", system_->gateway_grpc(), " import projects ",
                                                      path, " >", out, " 2>&1"));
  std::ifstream in(out);
  std::string report((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(status, 0) << report;
  EXPECT_NE(report.find("成功 1 行, 失败 2 行"), std::string::npos) << report;
  EXPECT_NE(report.find("第3行 [建设性质]"), std::string::npos) << report;
  EXPECT_NE(report.find("第4行 [行业代码]"), std::string::npos) << report;
  EXPECT_EQ(ProjectCount(), before + 1);
}

// Runs saimactl as `user`; returns the exit status and what it printed. What it prints is for officials: no enum
// identifier (a token like PROJECT_STAGE_CONSTRUCTION) and no English error text.
std::pair<int, std::string> Saimactl(System& system, const std::string& user, const std::string& args) {
  const std::string out = system.log_dir() + "/saimactl.out";
  const int status =
      saima::testing::Run(absl::StrCat("SAIMA_TOKEN=", system.token(user), " ", SAIMACTL_BIN,
                                       " --gateway_grpc=", system.gateway_grpc(), " ", args, " >", out, " 2>&1"));
  std::ifstream in(out);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  static const std::regex kIdentifier("[A-Z][A-Z_]{5,}");
  static const std::regex kEnglish("(invalid|denied|not found|must be|unavailable|failed to|error:)",
                                   std::regex::icase);
  // A request field's path (region, report.ytd_yuan) where a refusal names what is wrong.
  static const std::regex kFieldPath("(^|\n)\\s*[a-z][a-z0-9_.]*：");
  std::smatch found;
  if (std::regex_search(text, found, kIdentifier) || std::regex_search(text, found, kEnglish) ||
      std::regex_search(text, found, kFieldPath)) {
    ADD_FAILURE() << "saimactl " << args << " printed \"" << found.str() << "\" to an official:\n" << text;
  }
  return {status, text};
}

TEST_F(EndToEndTest, SaimactlSpeaksChineseToOfficials) {
  reg::CreateProjectRequest create;
  *create.mutable_project() = ValidProject();
  create.mutable_project()->set_project_code("2023-331181-04-01-000777");
  reg::CreateProjectResponse created;
  ASSERT_TRUE(Call(&reg::RegistryService::Stub::CreateProject, "unit", create, &created).ok());
  const std::string project = absl::StrCat(created.project().project_id());
  for (const auto& [user, args] : std::vector<std::pair<std::string, std::string>>{
           {"leader", "units list"},
           {"leader", "projects list"},
           {"unit", "projects show " + project},
           {"leader", "projects summary"},
           {"leader", "report city --period=2023-05"},
           {"leader", "report regions --period=2023-05 --region=33"},
           {"leader", "indicators --period=2023-05"},
           {"leader", "ruku list"},
           {"unit", "ruku missing --as_of=2023-05-31"},
           {"leader", "campaign list"},
           {"leader", "dispatch agenda --period=2023-05"},
           {"leader", "analysis quarterly --year=2023 --quarter=2"},
           {"other_unit", "projects show " + project},                 // refused: the refusal in Chinese
           {"unit", "projects show 99999999"},                         // not found
           {"unit", "report provincial --period=2023-13 --out=/tmp"},  // bad input
           {"leader", "report provincial --period=2023-05 --region=3311 --out=/tmp"},  // a county's 6 digits
           {"leader", "report provincial --period=2023-05 --stream --out=/tmp"},       // streamed: not locked
           {"unit", "report provincial --period=2023-13 --stream --out=/tmp"},         // streamed: bad input
       }) {
    auto [status, out] = Saimactl(*system_, user, args);
    EXPECT_FALSE(out.empty()) << args;
  }
}

TEST_F(EndToEndTest, SaimactlDrivesTheRukuWorkflowAndReportsRefusals) {
  reg::CreateProjectRequest create;
  *create.mutable_project() = ValidProject();
  create.mutable_project()->set_planned_total_investment_yuan(20'000'000);
  reg::CreateProjectResponse created;
  ASSERT_TRUE(Call(&reg::RegistryService::Stub::CreateProject, "unit", create, &created).ok());
  const std::string project = absl::StrCat(created.project().project_id());
  auto [applied, applied_out] = Saimactl(*system_, "unit", "ruku apply " + project + " --dept=D01");
  ASSERT_EQ(applied, 0) << applied_out;
  EXPECT_NE(applied_out.find("状态 草稿"), std::string::npos) << applied_out;
  const std::string app = applied_out.substr(applied_out.find("入库申请 ") + std::string("入库申请 ").size());
  const std::string app_id = app.substr(0, app.find(':'));
  auto [denied, denied_out] = Saimactl(*system_, "leader", "ruku step " + app_id + " 已提交");
  EXPECT_NE(denied, 0);
  EXPECT_NE(denied_out.find("市领导无权申请入库"), std::string::npos) << denied_out;
  auto [missing, missing_out] = Saimactl(*system_, "unit", "ruku step " + app_id + " 已提交");
  EXPECT_NE(missing, 0);
  EXPECT_NE(missing_out.find("现场照片"), std::string::npos) << missing_out;
  auto [listed, listed_out] = Saimactl(*system_, "leader", "ruku list --state=草稿");
  EXPECT_EQ(listed, 0);
  EXPECT_NE(listed_out.find(project), std::string::npos) << listed_out;
}

TEST_F(EndToEndTest, ReflectionListsTheGatewayService) {
  const std::string buf = SAIMA_SOURCE_DIR "/tools/buf/node_modules/.bin/buf";
  if (saima::testing::Run("test -x " + buf) != 0) GTEST_SKIP() << "buf is not installed (npm ci in tools/buf)";
  const std::string out = system_->log_dir() + "/services.out";
  ASSERT_EQ(
      saima::testing::Run(absl::StrCat(buf, " curl --protocol grpc --http2-prior-knowledge --list-services http://",
                                       system_->gateway_grpc(), " >", out, " 2>&1")),
      0);
  std::ifstream in(out);
  std::string services((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(services.find("saima.gateway.v1.GatewayService"), std::string::npos) << services;
  EXPECT_NE(services.find("grpc.health.v1.Health"), std::string::npos) << services;
}

// Last: stops a process for good.
TEST_F(EndToEndTest, ZzServicesShutDownGracefullyOnSigterm) { EXPECT_EQ(system_->process("scoring").Terminate(10), 0); }

}  // namespace
}  // namespace saima::testing
