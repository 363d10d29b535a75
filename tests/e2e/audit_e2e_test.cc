// The audit log end to end: writes through the gateway are recorded with who, what, before and after; the
// chains verify; the services' database roles cannot change an entry; an entry edited behind the services'
// backs (by the database superuser) is reported by `saimactl audit verify`.

#include <httplib.h>

#include <cstdio>
#include <memory>
#include <pqxx/pqxx>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/e2e/http_fixture.h"
#include "tests/e2e/system.h"
#include "tests/pg_harness.h"

namespace saima::testing {
namespace {

class AuditEndToEndTest : public HttpSystemTest {
 protected:
  // Runs saimactl as `user`.
  static std::pair<int, std::string> Ctl(const std::string& user, const std::string& args) {
    return HttpSystemTest::Ctl("SAIMA_TOKEN=" + system_->token(user), args);
  }
};

TEST_F(AuditEndToEndTest, WhoChangedTheFigureAndTheChainsHold) {
  const std::string id = CreateProject("2023-331181-04-01-000901", 200'000'000);
  Approve(id, "2023-01-20");
  ASSERT_EQ(SubmitWhenAccepted(Report(id, "2023-02", 3'000'000, 3'000'000)), 200);
  ASSERT_EQ(Post("stats", "/v1/periods/2023-02:lock", json::object()).first, 200);
  auto [corrected, body] = Post("stats", "/v1/monthly-reports:correct",
                                {{"report", Report(id, "2023-02", 3'500'000, 3'500'000)}, {"reason", "补录设备款"}});
  ASSERT_EQ(corrected, 200) << body.dump();

  // Who changed this figure, and what was it before: the statistics bureau's correction, then the unit's report.
  auto [listed, entries] =
      Get("stats",
          "/v1/audit/entries?service=stats&table=monthly_reports&matchJson=" +
              httplib::detail::encode_query_param(absl::StrCat(R"({"project_id":)", id, R"(,"period":"2023-02"})")));
  ASSERT_EQ(listed, 200) << entries.dump();
  ASSERT_GE(entries["entries"].size(), 2u) << entries.dump();
  const json& newest = entries["entries"][0];
  EXPECT_EQ(newest["actor"], "tjj-1");
  EXPECT_EQ(newest["role"], "stats_officer");
  EXPECT_NE(newest["client"].get<std::string>(), "");
  EXPECT_NE(newest["requestId"].get<std::string>(), "-");
  EXPECT_EQ(json::parse(newest["afterJson"].get<std::string>())["ytd_yuan"], 3'500'000);
  const json& first = entries["entries"][entries["entries"].size() - 1];
  EXPECT_EQ(first["actor"], "staff-1");
  EXPECT_EQ(json::parse(first["afterJson"].get<std::string>())["ytd_yuan"], 3'000'000);

  // Not everyone reads the audit.
  EXPECT_EQ(Get("unit", "/v1/audit/entries?service=stats").first, 403);
  EXPECT_EQ(Get("leader", "/v1/audit:verify").first, 403);

  // The chains hold, over HTTP and from saimactl.
  auto [verified, chains] = Get("admin", "/v1/audit:verify");
  ASSERT_EQ(verified, 200) << chains.dump();
  ASSERT_EQ(chains["chains"].size(), 3u);
  for (const json& chain : chains["chains"]) {
    EXPECT_TRUE(chain["intact"].get<bool>()) << chain.dump();
    if (chain["service"] != "scoring") {
      EXPECT_GT(std::stoll(chain["entries"].get<std::string>()), 0) << chain.dump();
    }
  }
  auto [ok_code, ok_out] = Ctl("admin", "audit verify");
  EXPECT_EQ(ok_code, 0) << ok_out;
  EXPECT_NE(ok_out.find("审计链完整"), std::string::npos) << ok_out;
  auto [show_code, show_out] = Ctl(
      "stats", absl::StrCat("audit show --service=stats --table=monthly_reports --match='{\"project_id\":", id, "}'"));
  EXPECT_EQ(show_code, 0) << show_out;
  EXPECT_NE(show_out.find("tjj-1"), std::string::npos) << show_out;
  // A correction is a new version of the report: the entry before it holds the figure as it was.
  EXPECT_LT(show_out.find("\"ytd_yuan\":3500000"), show_out.find("\"ytd_yuan\":3000000")) << show_out;

  // An import is one entry (issue 21), and each of its rows is proved by its Merkle audit path, from saimactl too.
  std::string csv;
  absl::Base64Escape(
      "项目代码,报告期,本月完成投资(元),自年初累计(元),建筑工程(元),安装工程(元),设备工器具购置(元),其他费用(元),"
      "自开始建设累计(元)\n2023-331181-04-01-000901,2023-03,1000000,4500000,4500000,0,0,0,4500000\n",
      &csv);
  auto [imported, import_body] =
      Post("unit", "/v1/monthly-reports:import",
           {{"file", {{"fileName", "月报.csv"}, {"contentType", "text/csv"}, {"content", csv}}}});
  ASSERT_EQ(imported, 200) << import_body.dump();
  ASSERT_EQ(import_body["rowsImported"], "1") << import_body.dump();
  auto [proved, proof] = Get("stats", absl::StrCat("/v1/monthly-reports/", id, "/2023-03/versions/1:prove"));
  ASSERT_EQ(proved, 200) << proof.dump();
  EXPECT_TRUE(proof["proved"].get<bool>()) << proof.dump();
  EXPECT_EQ(proof["importedBy"], "staff-1");
  EXPECT_EQ(Get("unit", absl::StrCat("/v1/monthly-reports/", id, "/2023-03/versions/1:prove")).first, 403);
  EXPECT_EQ(Scalar(absl::StrCat("SELECT count(*) FROM audit.entries WHERE service = 'stats' AND table_name = "
                                "'monthly_reports' AND after->>'project_id' = '",
                                id, "' AND after->>'period' = '2023-03'")),
            0);
  auto [prove_code, prove_out] = Ctl("stats", absl::StrCat("audit prove --project_id=", id, " --period=2023-03"));
  EXPECT_EQ(prove_code, 0) << prove_out;
  EXPECT_NE(prove_out.find("已证明"), std::string::npos) << prove_out;
  auto [own_code, own_out] =
      Ctl("stats", absl::StrCat("audit prove --project_id=", id, " --period=2023-02 --version=1"));
  EXPECT_EQ(own_code, 0) << own_out;
  EXPECT_NE(own_out.find("单独填报"), std::string::npos) << own_out;
  auto [imports_code, imports_out] = Ctl("admin", "audit verify --service=stats");
  EXPECT_EQ(imports_code, 0) << imports_out;
  EXPECT_NE(imports_out.find("批量导入"), std::string::npos) << imports_out;

  // A service's own database role can neither change nor remove an entry, nor forge one.
  {
    pqxx::connection stats(PgHarness::Shared().Url("stats"));
    for (const char* sql : {"UPDATE audit.entries SET actor = 'someone-else' WHERE service = 'stats'",
                            "DELETE FROM audit.entries WHERE service = 'stats'",
                            "INSERT INTO audit.entries (service, at, actor, role, request_id, client, operation, "
                            "table_name) VALUES ('stats', now(), 'x', 'x', 'x', 'x', 'INSERT', 'x')",
                            "TRUNCATE audit.entries", "ALTER TABLE audit.entries DISABLE TRIGGER USER"}) {
      pqxx::work txn(stats);
      EXPECT_THROW(txn.exec(sql), pqxx::sql_error) << sql;
    }
  }

  // The superuser edits an old figure in the audit behind the services' backs: verify names that entry.
  const int64_t seq = Scalar(
      absl::StrCat("SELECT seq FROM audit.entries WHERE service = 'stats' AND table_name = 'monthly_reports' AND "
                   "after->>'project_id' = '",
                   id, "' ORDER BY seq LIMIT 1"));
  {
    pqxx::connection admin(PgHarness::Shared().Url("postgres"));
    pqxx::work txn(admin);
    txn.exec("SET LOCAL session_replication_role = replica");  // switches the append-only trigger off
    txn.exec(absl::StrCat(
        "UPDATE audit.entries SET after = jsonb_set(after, '{ytd_yuan}', '2000000') WHERE service = 'stats' AND seq = ",
        seq));
    txn.commit();
  }
  auto [broken_code, broken_out] = Ctl("stats", "audit verify --service=stats");
  EXPECT_EQ(broken_code, 3) << broken_out;
  EXPECT_NE(broken_out.find(absl::StrCat("第 ", seq, " 条")), std::string::npos) << broken_out;
  auto [after_tamper, report] = Get("admin", "/v1/audit:verify?service=stats");
  ASSERT_EQ(after_tamper, 200);
  EXPECT_FALSE(report["chains"][0]["intact"].get<bool>());
  EXPECT_EQ(report["chains"][0]["firstBrokenSeq"], std::to_string(seq));
  // The other chains are untouched.
  EXPECT_TRUE(Get("admin", "/v1/audit:verify?service=registry").second["chains"][0]["intact"].get<bool>());
}

}  // namespace
}  // namespace saima::testing
