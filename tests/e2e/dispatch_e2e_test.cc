// End-to-end through HTTP: 月调度 — problems and supervision orders on a project that falls behind, escalation on
// its dates, the closing rules, the monthly agenda, the quarterly analysis and the annual summary.

#include <string>

#include "tests/e2e/http_fixture.h"

namespace saima::testing {
namespace {

class DispatchEndToEndTest : public HttpSystemTest {
 protected:
  static std::pair<int, json> PostWithKey(const std::string& user, const std::string& path, const json& body,
                                          const std::string& key) {
    httplib::Client client("127.0.0.1", system_->http_port());
    httplib::Headers headers = {{"Authorization", "Bearer " + system_->token(user)}, {"Idempotency-Key", key}};
    auto res = client.Post(path.c_str(), headers, body.dump(), "application/json");
    if (!res) return {0, json()};
    return {res->status, json::parse(res->body, nullptr, false)};
  }
};

TEST_F(DispatchEndToEndTest, AProjectFallsBehindAndTheCityActs) {
  // A key project of 龙渊街道, plan 1亿 for 2023, slipping from 预警 (Feb–Apr) into 滞后 (May).
  const std::string id = CreateProject("2023-331181-04-01-000601", 200'000'000);
  Approve(id, "2023-01-20");
  ASSERT_EQ(SubmitWhenAccepted(Report(id, "2023-02", 4'000'000, 4'000'000)), 200);
  httplib::Client client("127.0.0.1", system_->http_port());
  httplib::Headers stats_auth = {{"Authorization", "Bearer " + system_->token("stats")}};
  json plan = {{"projectId", id}, {"year", 2023}, {"plannedYuan", "100000000"}};
  ASSERT_EQ(client.Put("/v1/plans", stats_auth, plan.dump(), "application/json")->status, 200);
  ASSERT_EQ(Post("unit", "/v1/monthly-reports", Report(id, "2023-03", 1'000'000, 5'000'000)).first, 200);
  ASSERT_EQ(Post("unit", "/v1/monthly-reports", Report(id, "2023-04", 1'200'000, 6'200'000)).first, 200);
  ASSERT_EQ(Post("unit", "/v1/monthly-reports", Report(id, "2023-05", 800'000, 7'000'000)).first, 200);
  // Two projects planned to start in 2023, one started in March.
  for (const auto& [code, planned, actual, stage] :
       {std::tuple{"2023-331181-04-01-000602", "2023-03-01", "2023-03-05", "PROJECT_STAGE_CONSTRUCTION"},
        std::tuple{"2023-331181-04-01-000603", "2023-04-01", "", "PROJECT_STAGE_PREPARATION"}}) {
    json p = {{"projectCode", code},
              {"name", std::string("新开工项目") + code},
              {"unitId", "331181001"},
              {"industryCode", "2720"},
              {"constructionNature", "CONSTRUCTION_NATURE_NEW"},
              {"ownership", "OWNERSHIP_PRIVATE"},
              {"stage", stage},
              {"planningYear", 2023},
              {"plannedTotalInvestmentYuan", "60000000"},
              {"plannedStartDate", planned}};
    if (std::string(actual).size() > 0) p["actualStartDate"] = actual;
    ASSERT_EQ(Post("unit", "/v1/projects", p).first, 200) << code;
  }

  // A problem: only the project's unit (or the 发改局) opens it; each missing field named.
  json problem = {{"projectId", id},
                  {"kind", "PROBLEM_KIND_LAND"},
                  {"description", "二期用地指标未落实"},
                  {"responsibleUnitId", "D01"},
                  {"responsiblePerson", "王磊"},
                  {"deadline", "2023-05-20"},
                  {"openedDate", "2023-04-10"}};
  EXPECT_EQ(Post("other_unit", "/v1/problems", problem).first, 403);
  auto [incomplete, incomplete_body] = Post("unit", "/v1/problems", {{"projectId", id}, {"description", "x"}});
  EXPECT_EQ(incomplete, 400);
  EXPECT_EQ(incomplete_body["details"][0]["fieldViolations"].size(), 4u);
  auto [opened, opened_body] = Post("unit", "/v1/problems", problem);
  ASSERT_EQ(opened, 200) << opened_body.dump();
  const std::string problem_id = opened_body["problem"]["problemId"];

  // The May agenda: 滞后 after three months of 预警, with its problem, proposed for an order.
  auto [agenda_status, agenda] = Get("leader", "/v1/dispatch/agenda?period=2023-05");
  ASSERT_EQ(agenda_status, 200) << agenda.dump();
  ASSERT_EQ(agenda["behind"].size(), 1u);
  const json& behind = agenda["behind"][0];
  EXPECT_EQ(behind["projectId"], id);
  EXPECT_EQ(behind["status"], "滞后");
  EXPECT_EQ(behind["previousStatus"], "预警");
  EXPECT_EQ(behind["monthsBehind"], 4);
  ASSERT_EQ(behind["problems"].size(), 1u);
  EXPECT_TRUE(behind["problems"][0]["overdue"].get<bool>());  // due 05-20, judged on 05-31
  EXPECT_EQ(agenda["lightChanges"].size(), 1u);
  EXPECT_EQ(agenda["proposedOrders"].size(), 1u);
  EXPECT_EQ(agenda["overdueProblems"].size(), 1u);
  ASSERT_EQ(agenda["unitsBehind"].size(), 1u);
  EXPECT_EQ(agenda["unitsBehind"][0]["unitId"], "331181001");
  EXPECT_EQ(Get("leader", "/v1/dispatch/agenda?period=2023-01").first, 400);

  // An order from the 发改局, with 任务书, 时间表, 路线图 and a named owner.
  json order = {
      {"projectId", id},
      {"task", "6月底前完成征迁扫尾并全面复工"},
      {"timetable",
       {{{"title", "征迁完成"}, {"dueDate", "2023-06-15"}}, {{"title", "全面复工"}, {"dueDate", "2023-06-30"}}}},
      {"roadmap", {"街道牵头征迁", "发改局协调用地指标", "施工单位增加班组"}},
      {"ownerName", "龙渊街道 李明"},
      {"reason", "2023年5月 滞后"},
      {"issuedDate", "2023-06-05"}};
  EXPECT_EQ(Post("unit", "/v1/orders", order).first, 403);
  auto [issued, issued_body] = Post("admin", "/v1/orders", order);
  ASSERT_EQ(issued, 200) << issued_body.dump();
  const std::string order_id = issued_body["order"]["orderId"];
  EXPECT_EQ(issued_body["order"]["level"], "ORDER_LEVEL_NOTICE");
  EXPECT_EQ(Get("leader", "/v1/dispatch/agenda?period=2023-05").second["proposedOrders"].size(), 0u);

  // Escalation on its dates: not on the due day, the day after; each step recorded.
  EXPECT_EQ(Post("admin", "/v1/orders:escalate", {{"asOfDate", "2023-06-15"}}).second["escalated"].size(), 0u);
  auto [escalated_status, escalated] = Post("admin", "/v1/orders:escalate", {{"asOfDate", "2023-06-16"}});
  ASSERT_EQ(escalated_status, 200);
  ASSERT_EQ(escalated["escalated"].size(), 1u);
  EXPECT_EQ(escalated["escalated"][0]["level"], "ORDER_LEVEL_SUPERVISION");
  EXPECT_EQ(escalated["escalated"][0]["history"][1]["actor"], "system:escalation");
  EXPECT_EQ(Post("unit", "/v1/orders:escalate", {{"asOfDate", "2023-06-16"}}).first, 403);

  // The unit answers; a node met on time does not escalate.
  EXPECT_EQ(Post("other_unit", "/v1/orders/" + order_id + ":respond", {{"answer", "x"}}).first, 403);
  const json response = {{"answer", "已全面复工"}, {"doneNodes", {"全面复工"}}, {"doneDate", "2023-06-28"}};
  auto [answered, answer] = PostWithKey("unit", "/v1/orders/" + order_id + ":respond", response, "answer-1");
  ASSERT_EQ(answered, 200) << answer.dump();
  EXPECT_EQ(answer["order"]["state"], "ORDER_STATE_ANSWERED");
  // A retried answer (same Idempotency-Key) is not recorded twice.
  auto [again, again_body] = PostWithKey("unit", "/v1/orders/" + order_id + ":respond", response, "answer-1");
  ASSERT_EQ(again, 200);
  EXPECT_EQ(again_body["order"]["history"].size(), answer["order"]["history"].size());
  EXPECT_EQ(Post("admin", "/v1/orders:escalate", {{"asOfDate", "2023-07-01"}}).second["escalated"].size(), 0u);

  // Closing: "back to 正常" is checked against stats; a leader closes with a reason; never twice.
  auto [not_normal, not_normal_body] = Post("admin", "/v1/orders/" + order_id + ":close",
                                            {{"closure", "ORDER_CLOSURE_BACK_TO_NORMAL"}, {"statusPeriod", "2023-05"}});
  EXPECT_EQ(not_normal, 409) << not_normal_body.dump();
  EXPECT_EQ(
      Post("admin", "/v1/orders/" + order_id + ":close", {{"closure", "ORDER_CLOSURE_BY_LEADER"}, {"reason", "r"}})
          .first,
      403);
  EXPECT_EQ(Post("leader", "/v1/orders/" + order_id + ":close", {{"closure", "ORDER_CLOSURE_BY_LEADER"}}).first, 400);
  auto [closed, closed_body] = Post(
      "leader", "/v1/orders/" + order_id + ":close",
      {{"closure", "ORDER_CLOSURE_BY_LEADER"}, {"reason", "已全面复工, 转入常规调度"}, {"closedDate", "2023-07-10"}});
  ASSERT_EQ(closed, 200) << closed_body.dump();
  EXPECT_EQ(closed_body["order"]["state"], "ORDER_STATE_CLOSED");
  EXPECT_EQ(closed_body["order"]["history"].size(), 4u);  // issued, escalated, answered, closed
  EXPECT_EQ(closed_body["order"]["history"][3]["actor"], "leader-1");
  EXPECT_EQ(
      Post("leader", "/v1/orders/" + order_id + ":close", {{"closure", "ORDER_CLOSURE_BY_LEADER"}, {"reason", "r"}})
          .first,
      409);

  // The problem: the unit adds notes, the responsible department closes it with its result.
  const std::string update = "/v1/problems/" + problem_id + ":update";
  const json note = {{"note", {{"date", "2023-05-25"}, {"text", "已报市自然资源和规划局"}}}};
  EXPECT_EQ(PostWithKey("unit", update, note, "note-1").first, 200);
  EXPECT_EQ(PostWithKey("unit", update, note, "note-1").first, 200);  // a retry: the note is kept once
  EXPECT_EQ(Post("unit", update, {{"result", "指标已落实"}}).first, 403);
  auto [solved, solved_body] = Post("dept", update, {{"result", "用地指标已落实"}, {"closedDate", "2023-06-20"}});
  ASSERT_EQ(solved, 200) << solved_body.dump();
  EXPECT_EQ(solved_body["problem"]["notes"].size(), 1u);
  EXPECT_EQ(Post("dept", update, {{"note", {{"text", "again"}}}}).first, 409);

  // A decision of the May meeting shows on its agenda.
  json decision = {{"period", "2023-05"},
                   {"projectId", id},
                   {"text", "发改局牵头协调二期用地"},
                   {"ownerName", "郑国庆"},
                   {"deadline", "2023-06-30"}};
  EXPECT_EQ(Post("leader", "/v1/decisions", decision).first, 403);
  // The rules of every period and date: 01 is not a reporting month (the 02 report covers it), 02-30 is no day.
  json misdated = decision;
  misdated["period"] = "2023-01";
  misdated["deadline"] = "2023-02-30";
  auto [misdated_status, misdated_body] = Post("admin", "/v1/decisions", misdated);
  EXPECT_EQ(misdated_status, 400);
  EXPECT_EQ(misdated_body["details"][0]["fieldViolations"].size(), 2u) << misdated_body.dump();
  ASSERT_EQ(Post("admin", "/v1/decisions", decision).first, 200);
  EXPECT_EQ(Get("leader", "/v1/dispatch/agenda?period=2023-05").second["decisions"].size(), 1u);

  // 季分析: Q1's start rate against its milestone (≥30% by March), Q2's problems and orders.
  auto [q1_status, q1] = Get("leader", "/v1/analysis/quarterly?year=2023&quarter=1");
  ASSERT_EQ(q1_status, 200) << q1.dump();
  EXPECT_EQ(q1["newProjects"], 2);
  EXPECT_EQ(q1["newStarted"], 1);
  EXPECT_EQ(q1["milestone"]["month"], 3);
  EXPECT_EQ(q1["milestone"]["targetPercent"], 30);
  EXPECT_TRUE(q1["milestoneMet"].get<bool>());
  auto q2 = Get("leader", "/v1/analysis/quarterly?year=2023&quarter=2").second;
  EXPECT_EQ(q2["milestone"]["month"], 6);
  EXPECT_FALSE(q2["milestoneMet"].get<bool>());  // 50% is not above 60%
  EXPECT_EQ(q2["problemsOpened"], 1);
  EXPECT_EQ(q2["problemsSolved"], 1);
  EXPECT_EQ(q2["ordersIssued"], 1);
  EXPECT_EQ(q2["ordersClosed"], 0);  // closed in July
  EXPECT_EQ(q2["problemsByKind"]["用地"], 1);
  EXPECT_EQ(Get("leader", "/v1/analysis/quarterly?year=2023&quarter=5").first, 400);

  // 年总结 (to May): the unit's lights month by month, its orders.
  auto [annual_status, annual] = Get("leader", "/v1/analysis/annual?year=2023&period=2023-05");
  ASSERT_EQ(annual_status, 200) << annual.dump();
  EXPECT_EQ(annual["months"].size(), 4u);
  bool found = false;
  for (const auto& u : annual["units"]) {
    if (u["unitId"] != "331181001") continue;
    found = true;
    EXPECT_EQ(u["warningByMonth"], json({1, 1, 1, 0}));
    EXPECT_EQ(u["laggingByMonth"], json({0, 0, 0, 1}));
    EXPECT_EQ(u["ordersIssued"], 1);
    EXPECT_EQ(u["ordersClosed"], 1);
  }
  EXPECT_TRUE(found) << annual.dump();

  // The agenda as a workbook.
  httplib::Headers leader = {{"Authorization", "Bearer " + system_->token("leader")}};
  auto xlsx = client.Get("/v1/dispatch/agenda:export?period=2023-05", leader);
  ASSERT_TRUE(xlsx);
  EXPECT_EQ(xlsx->status, 200);
  EXPECT_EQ(xlsx->body.substr(0, 2), "PK");
}

}  // namespace
}  // namespace saima::testing
