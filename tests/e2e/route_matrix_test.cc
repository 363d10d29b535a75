// Every route and every RPC × every principal, proven by enumeration: the RPCs come from the descriptors (the
// same RouteTable the gateway routes with), the principals are every role, staff of another unit, a reviewer of
// another department, an API key of each scope and no credential at all. Each call is made over gRPC and over
// each of its HTTP bindings and its answer compared with what the one policy table (common/policy.cc) says for
// the object it touches; a refused call must change nothing (the audit log, which records every row any service
// writes, does not grow), and a list must not show another unit's objects. An RPC without access, without a row
// in the policy table or without a request here fails the test.

#include <httplib.h>

#include <cstdio>
#include <functional>
#include <map>
#include <set>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/client.h"
#include "common/policy.h"
#include "common/proto_json.h"
#include "gateway/routes.h"
#include "google/protobuf/util/json_util.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/support/proto_buffer_reader.h"
#include "grpcpp/support/proto_buffer_writer.h"
#include "gtest/gtest.h"
#include "proto/proto_files.h"
#include "saima/stats/v1/stats.grpc.pb.h"
#include "tests/e2e/http_fixture.h"

namespace saima::testing {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using saima::gateway::Route;
using saima::gateway::RouteTable;
using saima::gateway::Rpc;

constexpr char kHome[] = "331181001";  // every object of the fixture belongs to this unit
constexpr char kHomeDepartment[] = "D01";
constexpr char kHomeJudge[] = "judge-city";

// Marks the fixture's objects, so that a list shown to someone who may not see them can be searched for them.
constexpr char kProjectMark[] = "矩阵甲项目";
constexpr char kProblemMark[] = "矩阵甲问题";
constexpr char kOrderMark[] = "矩阵甲督办";
constexpr char kDecisionMark[] = "矩阵甲决定";
constexpr char kApplicationMark[] = "矩阵甲批复单位";

struct Principal {
  std::string name;  // fixture user, "key:<scope>" or "none"
  Caller caller;     // as the policy sees them
  std::string credential;
};

// What the policy says of one principal and one call.
enum class Expect { kAllowed, kFiltered, kRefused, kUnauthenticated, kUnimplemented, kAny };

const char* ExpectName(Expect e) {
  switch (e) {
    case Expect::kAllowed:
      return "allowed";
    case Expect::kFiltered:
      return "allowed, filtered";
    case Expect::kRefused:
      return "refused (403)";
    case Expect::kUnauthenticated:
      return "unauthenticated (401)";
    case Expect::kUnimplemented:
      return "not served (UNIMPLEMENTED)";
    case Expect::kAny:
      return "any";
  }
  return "";
}

// The request of one RPC and what it touches.
struct Case {
  Case() = default;
  Case(json r, std::optional<Action> a = std::nullopt, bool l = false, std::vector<std::string> m = {})
      : request(std::move(r)), action(a), list(l), marks(std::move(m)) {}
  json request;                    // protobuf JSON of the request message
  std::optional<Action> action;    // the action this request takes, when the RPC names several
  bool list = false;               // a list narrowed to the caller's reach instead of refused
  std::vector<std::string> marks;  // what a narrowed list must not show
  std::string row_refusal;         // a batch refuses row by row: the refusal is an answer carrying this text
  Target target{kHome, kHomeDepartment, kHomeJudge};
};

class RouteMatrixTest : public HttpSystemTest {
 protected:
  static int64_t AuditEntries() { return Scalar("SELECT count(*) FROM audit.entries"); }
};

// A call over gRPC through the gateway, with the request as JSON; returns the code and the answer as JSON.
std::pair<grpc::StatusCode, std::string> CallGrpc(const std::shared_ptr<grpc::Channel>& channel, const Rpc& rpc,
                                                  const json& request, const std::string& credential) {
  auto* factory = google::protobuf::MessageFactory::generated_factory();
  std::unique_ptr<Message> in(factory->GetPrototype(rpc.method->input_type())->New());
  std::unique_ptr<Message> out(factory->GetPrototype(rpc.method->output_type())->New());
  if (!google::protobuf::util::JsonStringToMessage(request.dump(), in.get()).ok()) {
    ADD_FAILURE() << "bad request fixture for " << rpc.grpc_path << ": " << request.dump();
    return {grpc::StatusCode::INTERNAL, ""};
  }
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
  if (!credential.empty()) context.AddMetadata("authorization", "Bearer " + credential);
  grpc::Status status;
  if (rpc.method->client_streaming()) {
    // The one client-streaming RPC (ImportMonthlyReports): one message, then the end of the stream.
    saima::stats::v1::StatsService::Stub stats(channel);
    saima::stats::v1::ImportMonthlyReportsResponse response;
    auto writer = stats.ImportMonthlyReports(&context, &response);
    writer->Write(static_cast<const saima::stats::v1::ImportMonthlyReportsRequest&>(*in));
    writer->WritesDone();
    status = writer->Finish();
    out->CopyFrom(response);
  } else if (rpc.method->server_streaming() && !rpc.access.internal()) {
    // The one public server-streaming RPC (StreamProvincialPackage): every message read, merged into one answer.
    // The internal ones (the services' watches) take the generic call below: the edge refuses them before any.
    if (rpc.method->name() != "StreamProvincialPackage") {
      ADD_FAILURE() << rpc.grpc_path << " streams its answer: call it here";
      return {grpc::StatusCode::INTERNAL, ""};
    }
    saima::stats::v1::StatsService::Stub stats(channel);
    auto reader = stats.StreamProvincialPackage(
        &context, static_cast<const saima::stats::v1::StreamProvincialPackageRequest&>(*in));
    saima::stats::v1::StreamProvincialPackageResponse message;
    while (reader->Read(&message)) out->MergeFrom(message);
    status = reader->Finish();
  } else {
    grpc::GenericStub stub(channel);
    grpc::ByteBuffer request_bytes, response_bytes;
    bool own = false;
    (void)grpc::SerializationTraits<Message>::Serialize(*in, &request_bytes, &own);
    std::mutex mu;
    std::condition_variable cv;
    bool done = false;
    stub.UnaryCall(&context, rpc.grpc_path, grpc::StubOptions(), &request_bytes, &response_bytes, [&](grpc::Status s) {
      std::lock_guard<std::mutex> lock(mu);
      status = std::move(s);
      done = true;
      cv.notify_one();
    });
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] { return done; });
    if (status.ok()) (void)grpc::SerializationTraits<Message>::Deserialize(&response_bytes, out.get());
  }
  std::string text;
  if (status.ok()) (void)google::protobuf::util::MessageToJsonString(*out, &text);
  return {status.error_code(), text};
}

// The value of a field path of a JSON request as URL text ("" when unset).
std::string JsonAt(const json& request, const FieldDescriptor* field, const std::string& path) {
  const json* at = &request;
  for (absl::string_view part : absl::StrSplit(path, '.')) {
    // Requests are written with JSON names; the path uses proto names.
    const std::string camel = LowerCamel(part);
    if (!at->is_object() || !at->contains(camel)) return "";
    at = &(*at)[camel];
  }
  (void)field;
  return at->is_string() ? at->get<std::string>() : at->dump();
}

std::string UrlEscape(const std::string& text) {
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || c == ':') {
      out += static_cast<char>(c);
    } else {
      absl::StrAppend(&out, "%", absl::string_view("0123456789ABCDEF" + (c >> 4), 1),
                      absl::string_view("0123456789ABCDEF" + (c & 15), 1));
    }
  }
  return out;
}

// Query parameters of a request: every scalar leaf not bound by the path (dotted JSON names).
void Flatten(const json& value, const std::string& prefix, const std::set<std::string>& skip,
             std::vector<std::pair<std::string, std::string>>& out) {
  for (const auto& item : value.items()) {
    const std::string name = prefix.empty() ? item.key() : absl::StrCat(prefix, ".", item.key());
    if (skip.count(name) > 0) continue;
    if (item.value().is_object()) {
      Flatten(item.value(), name, skip, out);
    } else if (item.value().is_array()) {
      for (const auto& v : item.value()) out.emplace_back(name, v.is_string() ? v.get<std::string>() : v.dump());
    } else {
      out.emplace_back(name, item.value().is_string() ? item.value().get<std::string>() : item.value().dump());
    }
  }
}

// A call over one HTTP binding; returns the status and the body.
std::pair<int, std::string> CallHttp(int port, const Route& route, const json& request, const std::string& credential,
                                     const std::string& idempotency_key = "") {
  std::string path = route.path.text();
  std::set<std::string> bound;
  for (const std::string& variable : route.path.variables()) {
    const std::string value = JsonAt(request, nullptr, variable);
    const std::string from = absl::StrCat("{", variable, "}");
    path.replace(path.find(from), from.size(), UrlEscape(value));
    bound.insert(LowerCamel(variable));
  }
  std::string body;
  if (route.body == "*") {
    body = request.dump();
  } else if (!route.body.empty()) {
    const std::string key = LowerCamel(route.body);
    body = request.contains(key) ? request[key].dump() : "{}";
    bound.insert(key);
  }
  if (route.body != "*") {
    std::vector<std::pair<std::string, std::string>> query;
    Flatten(request, "", bound, query);
    std::vector<std::string> parts;
    for (const auto& [name, value] : query) parts.push_back(absl::StrCat(name, "=", UrlEscape(value)));
    if (!parts.empty()) absl::StrAppend(&path, "?", absl::StrJoin(parts, "&"));
  }
  httplib::Client client("127.0.0.1", port);
  client.set_read_timeout(20, 0);
  httplib::Headers headers;
  if (!credential.empty()) headers.emplace("Authorization", "Bearer " + credential);
  if (!idempotency_key.empty() && route.http_method != "GET") headers.emplace("Idempotency-Key", idempotency_key);
  auto send = [&]() -> httplib::Result {
    if (route.http_method == "GET") return client.Get(path.c_str(), headers);
    if (route.http_method == "POST") return client.Post(path.c_str(), headers, body, "application/json");
    if (route.http_method == "PUT") return client.Put(path.c_str(), headers, body, "application/json");
    if (route.http_method == "PATCH") return client.Patch(path.c_str(), headers, body, "application/json");
    return client.Delete(path.c_str(), headers);
  };
  httplib::Result res = send();
  if (!res) return {0, ""};
  return {res->status, res->body};
}

TEST_F(RouteMatrixTest, EveryRouteAndRpcForEveryPrincipalAsThePolicySays) {
  auto table = RouteTable::Build(ProtoFiles());
  ASSERT_TRUE(table.ok()) << table.status();

  // ---- the world the calls touch: everything of unit 331181001 (department D01, judge judge-city) ----
  ASSERT_EQ(
      Post("admin", "/v1/units",
           {{"unitId", "D02"}, {"name", "经济和信息化局"}, {"type", "UNIT_TYPE_DEPARTMENT"}, {"regionCode", "331181"}})
          .first,
      200);
  const std::string project = ReportingKeyProject("2023-331181-04-01-900001", kProjectMark);
  ASSERT_FALSE(project.empty());
  // A figure that 核实性审核 flags (自开始建设累计 above the 2亿 planned total), with its 说明: the flag list of
  // 2023-03 names the project, which other units must not see.
  json flagged = Report(project, "2023-03", 1'000'000, 2'000'000);
  flagged["sinceStartYuan"] = "250000000";
  flagged["explanation"] = "含征地拆迁补偿，计划总投资待调整";
  ASSERT_EQ(Post("unit", "/v1/monthly-reports", flagged).first, 200);
  // A started project of the unit not yet 入库 (for the 应统尽统 list), with an application in DRAFT.
  json started = PlannedProject("2023-331181-04-01-900002", kProjectMark);
  started["stage"] = "PROJECT_STAGE_CONSTRUCTION";
  started["actualStartDate"] = "2023-02-01";
  started["plannedTotalInvestmentYuan"] = "90000000";
  auto [made2, made2_body] = Post("unit", "/v1/projects", started);
  ASSERT_EQ(made2, 200) << made2_body.dump();
  const std::string started_project = made2_body["project"]["projectId"];
  auto [app_made, app] = Post("unit", "/v1/ruku/applications",
                              {{"projectId", started_project},
                               {"reviewingDepartmentId", kHomeDepartment},
                               {"approvalUnitName", kApplicationMark}});
  ASSERT_EQ(app_made, 200) << app.dump();
  const std::string draft_app = app["application"]["applicationId"];
  auto [milestone_made, milestone] =
      Post("unit", "/v1/projects/" + project + "/milestones",
           {{"kind", "MILESTONE_KIND_OTHER"}, {"title", "主体结顶"}, {"dueDate", "2023-09-30"}, {"ownerName", "李明"}});
  ASSERT_EQ(milestone_made, 200) << milestone.dump();
  // A document with its file (a PNG's signature is enough for the type check).
  std::string png_b64;
  absl::Base64Escape(std::string("\x89PNG\r\n\x1A\n\0\0\0\rIHDR", 16), &png_b64);
  auto [file_made, file_document] = Post(
      "unit", "/v1/projects/" + project + "/documents:upload",
      {{"document", {{"type", "DOCUMENT_TYPE_SITE_PHOTO"}, {"takenAt", "2023-05-10 09:30"}, {"takenPlace", "龙渊"}}},
       {"file", {{"fileName", "现场.png"}, {"contentType", "image/png"}, {"content", png_b64}}}});
  ASSERT_EQ(file_made, 200) << file_document.dump();
  auto [problem_made, problem] = Post("unit", "/v1/problems",
                                      {{"projectId", project},
                                       {"kind", "PROBLEM_KIND_LAND"},
                                       {"description", kProblemMark},
                                       {"responsibleUnitId", kHomeDepartment},
                                       {"responsiblePerson", "王"},
                                       {"deadline", "2023-07-31"},
                                       {"openedDate", "2023-05-10"}});
  ASSERT_EQ(problem_made, 200) << problem.dump();
  const json order_body = {{"projectId", project},
                           {"task", kOrderMark},
                           {"timetable", {{{"title", "完成征迁"}, {"dueDate", "2023-07-31"}}}},
                           {"roadmap", {"协调用地"}},
                           {"ownerName", "王"},
                           {"issuedDate", "2023-05-20"}};
  auto [order_made, order] = Post("admin", "/v1/orders", order_body);
  ASSERT_EQ(order_made, 200) << order.dump();
  ASSERT_EQ(Post("admin", "/v1/decisions",
                 {{"period", "2023-05"}, {"projectId", project}, {"text", kDecisionMark}, {"ownerName", "王"}})
                .first,
            200);
  auto [campaign_made, campaign] =
      Post("admin", "/v1/campaigns",
           {{"year", 2023},
            {"name", "矩阵评比"},
            {"figuresPeriod", "2023-06"},
            {"eligibleSince", "2022-06-01"},
            {"pools", {{{"poolId", "all"}, {"name", "全部"}, {"unitIds", {kHome, "331181100"}}}}}});
  ASSERT_EQ(campaign_made, 200) << campaign.dump();
  const std::string campaign_id = campaign["campaign"]["campaignId"];
  for (const char* judge : {"judge-city", "judge-town", "judge-dept"}) {
    ASSERT_EQ(
        Post("admin", "/v1/campaigns/" + campaign_id + "/judges",
             {{"judgeId", judge}, {"name", judge}, {"unitId", std::string(judge) == "judge-town" ? "331181100" : ""}})
            .first,
        200);
  }
  auto [nominated, nomination] =
      Post("unit", "/v1/campaigns/" + campaign_id + "/nominations", {{"projectId", project}});
  ASSERT_EQ(nominated, 200) << nomination.dump();
  ASSERT_EQ(
      Send("PUT", "judge_city", "/v1/campaigns/" + campaign_id + "/sheets/judge-city/" + kHome, Scores(18, 25, 25, 15))
          .first,
      200);
  std::vector<std::string> keys;
  std::map<std::string, std::string> key_of_scope;
  for (const char* scope : {"reports:read", "projects:read", "reports:read"}) {
    auto [status, key] = Post("root", "/v1/api-keys", {{"name", "矩阵"}, {"scopes", {scope}}});
    ASSERT_EQ(status, 200) << key.dump();
    if (!key_of_scope.count(scope)) {
      key_of_scope[scope] = key["apiKey"];
    } else {
      keys.push_back(key["key"]["keyId"]);  // the key the sysadmin revokes
    }
  }
  ASSERT_EQ(Post("root", "/v1/users",
                 {{"user", {{"userId", "matrix-target"}, {"displayName", "待改名"}, {"role", "leader"}}},
                  {"password", "matrix-target-password"}})
                .first,
            200);

  // ---- the principals ----
  std::vector<Principal> principals;
  for (const char* name :
       {"unit", "other_unit", "dept", "other_dept", "stats", "admin", "judge_city", "judge_town", "leader", "root"}) {
    Principal who;
    who.name = name;
    who.credential = system_->token(name);  // signed in before any call is counted: a sign-in writes a session
    const json me = Get(name, "/v1/whoami").second["caller"];
    who.caller = Caller(me["userId"], me["role"], me["unitId"]);
    principals.push_back(who);
  }
  for (const auto& [scope, key] : key_of_scope) {
    Principal who;
    who.name = absl::StrCat("key:", scope);
    who.credential = key;
    who.caller = Caller("apikey", kRoleMachine);
    who.caller.scopes = {scope};
    principals.push_back(who);
  }
  principals.push_back({"none", Caller(), ""});
  // Every role is among them.
  for (const std::string& role : AllRoles()) {
    bool found = false;
    for (const Principal& who : principals) found = found || who.caller.role == role;
    EXPECT_TRUE(found) << "no principal of role " << role;
  }

  // ---- the request of every RPC, by its gRPC path ----
  const std::string report_json = Report(project, "2023-05", 1'000'000, 5'000'000).dump();
  std::map<std::string, Case> cases;
  auto add = [&cases](const std::string& path, Case c) { cases[path] = std::move(c); };
  const std::string reg = "/saima.registry.v1.RegistryService/";
  const std::string disp = "/saima.registry.v1.DispatchService/";
  const std::string st = "/saima.stats.v1.StatsService/";
  const std::string sc = "/saima.scoring.v1.ScoringService/";
  const std::string auth = "/saima.auth.v1.AuthService/";
  const std::string gw = "/saima.gateway.v1.GatewayService/";
  const std::string audit = "/saima.audit.v1.AuditService/";
  int serial = 0;
  add(reg + "ListUnits", {json::object()});
  add(reg + "GetUnit", {{{"unitId", kHome}}});
  add(reg + "CreateUnit",
      {{{"unit",
         {{"unitId", "M{n}"}, {"name", "矩阵单位{n}"}, {"type", "UNIT_TYPE_DEPARTMENT"}, {"regionCode", "331181"}}}}});
  json new_project = PlannedProject("2023-331181-04-01-9{n}", "矩阵新项目");
  add(reg + "CreateProject", {{{"project", new_project}}});
  add(reg + "GetProject", {{{"projectId", project}}});
  add(reg + "UpdateProject", {{{"projectId", project},
                               {"expectedRevision", "999999"},
                               {"project", {{"location", "龙渊"}}},
                               {"updateMask", "location"}}});
  add(reg + "ListProjects", {json::object(), std::nullopt, true, {kProjectMark}});
  add(reg + "SummarizeProjects", {json::object()});
  add(reg + "ListProjectHistory", {{{"projectId", project}}});
  add(reg + "AddMilestone", {{{"milestone",
                               {{"projectId", project},
                                {"kind", "MILESTONE_KIND_OTHER"},
                                {"title", "矩阵节点{n}"},
                                {"dueDate", "2023-09-30"},
                                {"ownerName", "李明"}}}}});
  add(reg + "UpdateMilestone",
      {{{"milestone", {{"milestoneId", milestone["milestone"]["milestoneId"]}, {"metDate", "2023-05-01"}}},
        {"updateMask", "metDate"}}});
  add(reg + "ListMilestones", {{{"projectId", project}}});
  add(reg + "AddDocument", {{{"document",
                              {{"projectId", project},
                               {"type", "DOCUMENT_TYPE_DESIGN"},
                               {"number", "矩阵{n}"},
                               {"contentSha256", std::string(64, 'b')}}}}});
  add(reg + "ListDocuments", {{{"projectId", project}}});
  add(reg + "GetDocumentFile", {{{"documentId", file_document["document"]["documentId"]}}});
  add(reg + "CreateRukuApplication",
      {{{"application", {{"projectId", started_project}, {"reviewingDepartmentId", kHomeDepartment}}}}});
  add(reg + "GetRukuApplication", {{{"applicationId", draft_app}}});
  add(reg + "ListRukuApplications", {json::object(), std::nullopt, true, {kApplicationMark}});
  add(reg + "TransitionRukuApplication",
      {{{"applicationId", draft_app}, {"toState", "RUKU_STATE_SUBMITTED"}}, Action::ACTION_SUBMIT_RUKU});
  add(reg + "ListMissingRuku", {{{"asOfDate", "2023-05-31"}}, std::nullopt, true, {kProjectMark}});
  add(reg + "WatchProjectChanges", {json::object()});
  const std::string problem_id = problem["problem"]["problemId"];
  const std::string order_id = order["order"]["orderId"];
  json problem_body = {{"projectId", project},        {"kind", "PROBLEM_KIND_FUNDS"},
                       {"description", "资金未到位"}, {"responsibleUnitId", kHomeDepartment},
                       {"responsiblePerson", "王"},   {"deadline", "2023-07-31"},
                       {"openedDate", "2023-05-10"}};
  add(disp + "OpenProblem", {{{"problem", problem_body}}});
  add(disp + "UpdateProblem", {{{"problemId", problem_id}, {"note", {{"date", "2023-05-20"}, {"text", "矩阵进展{n}"}}}},
                               Action::ACTION_NOTE_PROBLEM});
  add(disp + "ListProblems", {json::object(), std::nullopt, true, {kProblemMark}});
  add(disp + "IssueOrder", {{{"order", order_body}}});
  add(disp + "RespondToOrder", {{{"orderId", order_id}, {"answer", "已协调"}}});
  add(disp + "CloseOrder", {{{"orderId", order_id}, {"closure", "ORDER_CLOSURE_BY_LEADER"}, {"reason", "已解决"}},
                            Action::ACTION_CLOSE_ORDER_BY_LEADER});
  add(disp + "EscalateOrders", {{{"asOfDate", "2023-05-31"}}});
  add(disp + "ListOrders", {json::object(), std::nullopt, true, {kOrderMark}});
  add(disp + "RecordDecision",
      {{{"decision", {{"period", "2023-05"}, {"projectId", project}, {"text", "矩阵决定{n}"}, {"ownerName", "王"}}}}});
  add(disp + "ListDecisions", {{{"period", "2023-05"}}, std::nullopt, true, {kDecisionMark}});
  add(st + "SetAnnualPlan", {{{"plan", {{"projectId", project}, {"year", 2024}, {"plannedYuan", "1000000"}}}}});
  add(st + "GetAnnualPlan", {{{"projectId", project}, {"year", 2023}}});
  add(st + "SubmitMonthlyReport", {{{"report", json::parse(report_json)}}});
  add(st + "VerifyMonthlyReport", {{{"report", Report(project, "2023-02", 1'000'000, 1'000'000)}}});
  Case import(json{{"reports", {json::parse(report_json)}}});
  import.row_refusal = "不是本单位的项目";
  add(st + "ImportMonthlyReports", import);
  // The same row in a file: another unit's staff do not see the project, so its code is unknown to them.
  std::string monthly_csv_b64;
  absl::Base64Escape(
      "项目代码,报告期,本月完成投资(元),自年初累计(元),建筑工程(元),安装工程(元),设备工器具购置(元),其他费用(元),"
      "自开始建设累计(元)\n2023-331181-04-01-900001,2023-05,1000000,5000000,5000000,0,0,0,5000000\n",
      &monthly_csv_b64);
  Case import_file(
      json{{"file", {{"fileName", "月报.csv"}, {"contentType", "text/csv"}, {"content", monthly_csv_b64}}}});
  import_file.row_refusal = "未在项目库中登记";
  add(gw + "ImportMonthlyReportsFile", import_file);
  add(st + "GetMonthlyReport", {{{"projectId", project}, {"period", "2023-02"}}});
  add(st + "ListMonthlyReportVersions", {{{"projectId", project}, {"period", "2023-02"}}});
  add(st + "ProveMonthlyReport", {{{"projectId", project}, {"period", "2023-02"}, {"version", 1}}});
  add(st + "ListProjectFigures", {{{"projectId", project}}});
  add(st + "ListLatestFigures", {{{"projectIds", {project}}, {"period", "2023-05"}}});
  add(st + "LockPeriod", {{{"period", "2022-11"}}});
  add(st + "PublishPeriod", {{{"period", "2022-11"}}});
  add(st + "CorrectMonthlyReport",
      {{{"report", Report(project, "2022-11", 1'000'000, 1'000'000)}, {"reason", "矩阵更正"}}});
  add(st + "GetIndicators", {{{"period", "2023-02"}}});
  add(st + "ListProjectStatuses", {{{"period", "2023-02"}}});
  add(st + "ListStatusHistory", {{{"period", "2023-05"}}});
  add(st + "RankUnits", {{{"period", "2023-02"}}});
  add(st + "SetPeerFigures", {{{"figures",
                                {{{"regionCode", "331102"},
                                  {"period", "2023-02"},
                                  {"category", "CATEGORY_PRIVATE"},
                                  {"yoyGrowthMilliPercent", "12000"}}}}}});
  add(st + "GetRegionReport", {{{"period", "2023-02"}, {"region", "33"}}});
  add(st + "GetCityReport", {{{"period", "2023-02"}}});
  add(st + "GetProvincialPackage", {{{"period", "2023-02"}}});
  add(st + "StreamProvincialPackage", {{{"period", "2023-02"}}});
  add(st + "GetForecast", {{{"period", "2023-05"}}});
  add(st + "ListVerificationFlags", {{{"period", "2023-03"}}, std::nullopt, true, {kProjectMark}});
  add(st + "DismissVerificationFlag", {{{"period", "2023-03"},
                                        {"rule", "VERIFICATION_RULE_ABOVE_PLANNED_TOTAL"},
                                        {"projectId", project},
                                        {"reason", "矩阵理由{n}"}}});
  add(sc + "CreateCampaign",
      {{{"campaign",
         {{"year", 2030},
          {"name", "矩阵评比{n}"},
          {"figuresPeriod", "2023-06"},
          {"pools", {{{"poolId", "all"}, {"name", "全部"}, {"unitIds", {kHome, "331181100"}}}}}}}}});
  add(sc + "GetCampaign", {{{"campaignId", campaign_id}}});
  add(sc + "ListCampaigns", {json::object()});
  add(sc + "AddJudge", {{{"campaignId", campaign_id}, {"judge", {{"judgeId", "judge-m{n}"}, {"name", "评委{n}"}}}}});
  add(sc + "NominateProject", {{{"campaignId", campaign_id}, {"projectId", project}}});
  add(sc + "ReviewNomination",
      {{{"nominationId", nomination["nomination"]["nominationId"]}, {"approve", false}, {"note", "矩阵"}}});
  add(sc + "ListNominations", {{{"campaignId", campaign_id}}});
  add(sc + "FinalizeSelection", {{{"campaignId", campaign_id}, {"nominationIds", {"999999"}}}});
  json sheet = Scores(18, 25, 25, 15);
  sheet["campaignId"] = campaign_id;
  sheet["judgeId"] = kHomeJudge;
  sheet["unitId"] = kHome;
  add(sc + "SaveScoreSheet", {{{"sheet", sheet}}});
  add(sc + "SubmitScoreSheet", {{{"campaignId", campaign_id}, {"judgeId", kHomeJudge}, {"unitId", "331181100"}}});
  add(sc + "ListScoreSheets", {{{"campaignId", campaign_id}}, std::nullopt, true, {kHomeJudge}});
  add(sc + "ComputeResults", {{{"campaignId", campaign_id}}});
  add(sc + "PublishResults", {{{"campaignId", "999999"}}});
  add(sc + "GetResults", {{{"campaignId", campaign_id}}});
  add(sc + "GetLookBack", {{{"year", 2022}, {"period", "2023-02"}}});
  add(auth + "SignIn", {{{"userId", "matrix-target"}, {"password", "matrix-target-password"}}});
  add(auth + "Refresh", {{{"refreshToken", "rt_matrix"}}});
  add(auth + "SignOut", {json::object()});
  add(auth + "ChangePassword", {{{"currentPassword", "not-the-password"}, {"newPassword", "matrix-new-password-1"}}});
  add(auth + "Authenticate", {{{"authorization", "Bearer x"}}});
  add(auth + "GetSigningKeys", {json::object()});
  add(auth + "WatchRevocations", {json::object()});
  add(auth + "CreateUser", {{{"user", {{"userId", "matrix-{n}"}, {"displayName", "矩阵"}, {"role", "leader"}}},
                             {"password", "matrix-password-long"}}});
  add(auth + "ListUsers", {json::object()});
  add(auth + "UpdateUser",
      {{{"user", {{"userId", "matrix-target"}, {"displayName", "改名{n}"}}}, {"updateMask", "displayName"}}});
  add(auth + "CreateApiKey", {{{"key", {{"name", "矩阵{n}"}, {"scopes", {"reports:read"}}}}}});
  add(auth + "ListApiKeys", {json::object()});
  add(auth + "RevokeApiKey", {{{"keyId", keys.at(0)}}});
  add(audit + "VerifyAudit", {{{"service", "scoring"}}});
  add(audit + "ListAuditEntries", {{{"service", "scoring"}}});
  add(gw + "WhoAmI", {json::object()});
  add(gw + "GetProvincialPackage", {{{"period", "2023-02"}}});
  add(gw + "GetProjectOc4ids", {{{"projectId", project}}});
  add(gw + "GetOc4idsPackage", {json::object(), std::nullopt, true, {kProjectMark}});
  add(gw + "ExportContestResults", {{{"campaignId", campaign_id}, {"format", "csv"}}});
  add(gw + "GetDispatchAgenda",
      {{{"period", "2023-05"}}, std::nullopt, true, {kProblemMark, kOrderMark, kDecisionMark}});
  add(gw + "ExportDispatchAgenda",
      {{{"period", "2023-05"}}, std::nullopt, true, {kProblemMark, kOrderMark, kDecisionMark}});
  add(gw + "ExportVerificationFlags", {{{"period", "2023-03"}}, std::nullopt, true, {kProjectMark}});
  // 季分析 and 年总结 cover the whole city: their target is every unit.
  auto city_wide = [](json request) {
    Case c(std::move(request));
    c.target = Target{};
    return c;
  };
  add(gw + "GetQuarterlyAnalysis", city_wide({{"year", 2023}, {"quarter", 2}}));
  add(gw + "ExportQuarterlyAnalysis", city_wide({{"year", 2023}, {"quarter", 2}}));
  add(gw + "GetAnnualSummary", city_wide({{"year", 2023}, {"period", "2023-05"}}));
  add(gw + "ExportAnnualSummary", city_wide({{"year", 2023}, {"period", "2023-05"}}));

  // ---- what the policy says ----
  auto expect = [](const Rpc& rpc, const Case& c, const Principal& who) -> Expect {
    if (rpc.access.internal()) return Expect::kUnimplemented;
    if (rpc.access.anonymous()) return Expect::kAny;
    if (who.name == "none") return Expect::kUnauthenticated;
    if (rpc.access.signed_in()) return Expect::kAllowed;
    const Action action = c.action.value_or(rpc.actions.front());
    switch (ScopeOf(who.caller, action)) {
      case Scope::kNone:
        return Expect::kRefused;
      case Scope::kAll:
        return Expect::kAllowed;
      default:
        if (Authorize(who.caller, action, c.target).ok()) return Expect::kAllowed;
        return c.list ? Expect::kFiltered : Expect::kRefused;
    }
  };

  int grpc_calls = 0, http_calls = 0, refused = 0, filtered = 0, internal = 0, replays = 0;
  std::set<std::string> routes_called;
  auto channel = MakePublicChannel(system_->gateway_grpc(), "");
  auto substitute = [&serial](json request) {
    std::string text = request.dump();
    const std::string n = absl::StrFormat("%05d", ++serial);
    for (size_t at = text.find("{n}"); at != std::string::npos; at = text.find("{n}")) text.replace(at, 3, n);
    return json::parse(text);
  };
  auto check = [&](const Rpc& rpc, const Case& c, const Principal& who, Expect e, int http, grpc::StatusCode code,
                   const std::string& body, const std::string& via, int64_t audit_before) {
    const std::string where = absl::StrCat(rpc.grpc_path, " via ", via, " as ", who.name, ": expected ", ExpectName(e));
    switch (e) {
      case Expect::kAllowed:
        EXPECT_TRUE(http != 401 && http != 403 && code != grpc::StatusCode::UNAUTHENTICATED &&
                    code != grpc::StatusCode::PERMISSION_DENIED)
            << where << ", got HTTP " << http << " / gRPC " << code << " " << body.substr(0, 300);
        break;
      case Expect::kFiltered:
        EXPECT_TRUE((http == 0 || http == 200) && (http != 0 || code == grpc::StatusCode::OK))
            << where << ", got HTTP " << http << " / gRPC " << code << " " << body.substr(0, 300);
        for (const std::string& mark : c.marks) {
          EXPECT_EQ(body.find(mark), std::string::npos) << where << ": shows " << mark;
        }
        ++filtered;
        break;
      case Expect::kRefused:
        if (!c.row_refusal.empty() && (http == 200 || (http == 0 && code == grpc::StatusCode::OK))) {
          EXPECT_NE(body.find(c.row_refusal), std::string::npos) << where << ": " << body.substr(0, 300);
        } else {
          EXPECT_TRUE(http == 403 || (http == 0 && code == grpc::StatusCode::PERMISSION_DENIED))
              << where << ", got HTTP " << http << " / gRPC " << code << " " << body.substr(0, 300);
        }
        EXPECT_EQ(AuditEntries(), audit_before) << where << ": a refused call wrote something";
        ++refused;
        break;
      case Expect::kUnauthenticated:
        EXPECT_TRUE(http == 401 || (http == 0 && code == grpc::StatusCode::UNAUTHENTICATED))
            << where << ", got HTTP " << http << " / gRPC " << code;
        EXPECT_EQ(AuditEntries(), audit_before) << where << ": an unauthenticated call wrote something";
        break;
      case Expect::kUnimplemented:
        EXPECT_EQ(code, grpc::StatusCode::UNIMPLEMENTED) << where;
        ++internal;
        break;
      case Expect::kAny:
        break;
    }
    // Every refusal speaks Chinese to people.
    if (http >= 400) {
      const json error = json::parse(body, nullptr, false);
      bool localized = false;
      for (const auto& d : error.value("details", json::array())) {
        localized = localized || (d.value("@type", "").find("LocalizedMessage") != std::string::npos &&
                                  d.value("locale", "") == "zh-CN" && !d.value("message", "").empty());
      }
      EXPECT_TRUE(localized) << where << ": HTTP " << http << " without a zh-CN message: " << body.substr(0, 300);
    }
  };

  // Sign-out ends the principal's own session: it is called last.
  std::vector<const Rpc*> order_of_calls;
  for (const Rpc& rpc : table->rpcs()) {
    if (rpc.method->name() != "SignOut") order_of_calls.push_back(&rpc);
  }
  for (const Rpc& rpc : table->rpcs()) {
    if (rpc.method->name() == "SignOut") order_of_calls.push_back(&rpc);
  }
  for (const Rpc* rpc_ptr : order_of_calls) {
    const Rpc& rpc = *rpc_ptr;
    // An RPC is callable by someone: it has an access kind, and each of its actions a row in the policy table.
    EXPECT_NE(gateway::AccessKind(rpc.access), "none") << rpc.grpc_path;
    for (Action a : rpc.actions) EXPECT_TRUE(HasPolicyRow(a)) << rpc.grpc_path << " " << Action_Name(a);
    auto found = cases.find(rpc.grpc_path);
    ASSERT_NE(found, cases.end()) << "no request for " << rpc.grpc_path << ": add one to this test";
    const Case& c = found->second;
    if (rpc.actions.size() > 1) {
      ASSERT_TRUE(c.action.has_value()) << rpc.grpc_path << " names several actions: say which the request takes";
    }
    std::vector<const Route*> routes;
    for (const Route& route : table->routes()) {
      if (route.rpc == &rpc) routes.push_back(&route);
    }
    // Refusals first: what an allowed call changes cannot then turn a refusal into another error.
    std::vector<std::pair<const Principal*, Expect>> plan;
    for (const Principal& who : principals) plan.emplace_back(&who, expect(rpc, c, who));
    std::stable_sort(plan.begin(), plan.end(), [](const auto& a, const auto& b) {
      auto rank = [](Expect e) { return e == Expect::kRefused || e == Expect::kUnauthenticated ? 0 : 1; };
      return rank(a.second) < rank(b.second);
    });
    // Sign-out ends the session it is called with: each sign-out gets a session of its own.
    const bool signs_out = rpc.method->name() == "SignOut";
    auto credential = [&](const Principal& who) {
      if (!signs_out || who.caller.role.empty() || who.caller.role == kRoleMachine) return who.credential;
      httplib::Client client("127.0.0.1", system_->http_port());
      const std::string user_id = who.caller.user_id;
      auto res =
          client.Post("/v1/auth/sign-in", json{{"userId", user_id}, {"password", System::Password(user_id)}}.dump(),
                      "application/json");
      EXPECT_TRUE(res && res->status == 200) << "sign-in of " << user_id;
      return res && res->status == 200 ? json::parse(res->body)["tokens"]["accessToken"].get<std::string>()
                                       : std::string();
    };
    for (const auto& [who, e] : plan) {
      std::string session = credential(*who);
      int64_t before = AuditEntries();
      auto [code, answer] = CallGrpc(channel, rpc, substitute(c.request), session);
      ++grpc_calls;
      check(rpc, c, *who, e, 0, code, answer, "gRPC", before);
      for (const Route* route : routes) {
        session = credential(*who);
        before = AuditEntries();
        auto [status, body] =
            CallHttp(system_->http_port(), *route, substitute(c.request), session, "replay-" + rpc.method->name());
        ++http_calls;
        routes_called.insert(absl::StrCat(route->http_method, " ", route->path.text()));
        check(rpc, c, *who, e, status, grpc::StatusCode::OK, body,
              absl::StrCat(route->http_method, " ", route->path.text()), before);
      }
    }
    // Another caller's idempotency key: every write route was called with the same key by everyone, the allowed
    // callers included; replayed now by those refused, it finds nothing of theirs and is refused again.
    for (const auto& [who, e] : plan) {
      if (e != Expect::kRefused) continue;
      for (const Route* route : routes) {
        if (route->http_method == "GET") continue;
        const int64_t before = AuditEntries();
        auto [status, body] = CallHttp(system_->http_port(), *route, substitute(c.request), credential(*who),
                                       "replay-" + rpc.method->name());
        ++replays;
        check(rpc, c, *who, e, status, grpc::StatusCode::OK, body,
              absl::StrCat(route->http_method, " ", route->path.text(), " (replaying another caller's key)"), before);
      }
    }
  }
  EXPECT_EQ(routes_called.size(), table->routes().size());
  EXPECT_GT(replays, 0);

  // What is not an RPC: health and the SDMX structures are public; SDMX data needs the reports action.
  const std::vector<std::pair<std::string, Action>> reads = {
      {"/sdmx/data/dataflow/SAIMA/FAI/1.0.0/*?c%5BTIME_PERIOD%5D=eq:2023-02", Action::ACTION_READ_REPORTS}};
  for (const Principal& who : principals) {
    httplib::Client client("127.0.0.1", system_->http_port());
    httplib::Headers headers;
    if (!who.credential.empty()) headers.emplace("Authorization", "Bearer " + who.credential);
    for (const char* open : {"/healthz", "/sdmx/structure/codelist/SAIMA/CL_INDICATOR"}) {
      auto res = client.Get(open, headers);
      ASSERT_TRUE(res);
      EXPECT_EQ(res->status, 200) << open << " as " << who.name;
      ++http_calls;
    }
    for (const auto& [path, action] : reads) {
      auto res = client.Get(path.c_str(), headers);
      ASSERT_TRUE(res);
      ++http_calls;
      if (who.name == "none") {
        EXPECT_EQ(res->status, 401) << path;
      } else if (ScopeOf(who.caller, action) == Scope::kNone) {
        EXPECT_EQ(res->status, 403) << path << " as " << who.name;
      } else {
        EXPECT_TRUE(res->status == 200 || res->status == 204) << path << " as " << who.name << ": " << res->status;
      }
    }
  }
  int public_rpcs = 0;
  for (const Rpc& rpc : table->rpcs()) public_rpcs += rpc.access.internal() ? 0 : 1;
  std::printf(
      "route matrix: %zu RPCs (%d public, %zu internal), %zu HTTP routes + 3 others, %zu principals; %d gRPC calls, "
      "%d HTTP calls; %d refused (nothing written; %d of them replays of another caller's idempotency key), %d "
      "narrowed lists, %d internal calls not served\n",
      table->rpcs().size(), public_rpcs, table->rpcs().size() - public_rpcs, table->routes().size(), principals.size(),
      grpc_calls, http_calls + replays, refused, replays, filtered, internal);
}

}  // namespace
}  // namespace saima::testing
