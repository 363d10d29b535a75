// 月调度 rules: escalation on its date boundaries, overdue problems, what an order and a problem must hold.

#include "services/registry/dispatch_rules.h"

#include <set>

#include "gtest/gtest.h"

namespace saima::registry {
namespace {

pb::Order TwoNodeOrder() {
  pb::Order o;
  o.set_project_id(1);
  o.set_task("6月底前完成征迁扫尾, 7月开工");
  o.set_owner_name("张伟");
  o.set_issued_date("2023-06-05");
  o.set_level(pb::ORDER_LEVEL_NOTICE);
  o.set_state(pb::ORDER_STATE_OPEN);
  o.add_roadmap("征迁扫尾");
  auto* a = o.add_timetable();
  a->set_title("征迁完成");
  a->set_due_date("2023-06-30");
  auto* b = o.add_timetable();
  b->set_title("开工");
  b->set_due_date("2023-07-31");
  return o;
}

TEST(Escalation, NotOnTheDueDayButTheDayAfter) {
  pb::Order o = TwoNodeOrder();
  EXPECT_FALSE(Escalate(o, "2023-06-30"));
  EXPECT_EQ(o.level(), pb::ORDER_LEVEL_NOTICE);
  EXPECT_TRUE(Escalate(o, "2023-07-01"));
  EXPECT_EQ(o.level(), pb::ORDER_LEVEL_SUPERVISION);
  ASSERT_EQ(o.history_size(), 1);
  EXPECT_EQ(o.history(0).action(), "escalated");
  EXPECT_EQ(o.history(0).actor(), "system:escalation");
  EXPECT_NE(o.history(0).text().find("征迁完成"), std::string::npos);
}

TEST(Escalation, EachNodeRaisesTheLevelOnceAndNeverPastInterview) {
  pb::Order o = TwoNodeOrder();
  EXPECT_TRUE(Escalate(o, "2023-07-01"));
  EXPECT_FALSE(Escalate(o, "2023-07-15"));  // the same node does not count twice
  EXPECT_EQ(o.level(), pb::ORDER_LEVEL_SUPERVISION);
  EXPECT_TRUE(Escalate(o, "2023-08-01"));
  EXPECT_EQ(o.level(), pb::ORDER_LEVEL_INTERVIEW);
  auto* c = o.add_timetable();
  c->set_title("形象进度过半");
  c->set_due_date("2023-08-31");
  EXPECT_TRUE(Escalate(o, "2023-09-01"));
  EXPECT_EQ(o.level(), pb::ORDER_LEVEL_INTERVIEW);  // capped at 约谈
}

TEST(Escalation, MetOnTimeNeverEscalatesMetLateDoes) {
  pb::Order o = TwoNodeOrder();
  o.mutable_timetable(0)->set_done_date("2023-06-30");
  EXPECT_FALSE(Escalate(o, "2023-07-20"));
  o.mutable_timetable(1)->set_done_date("2023-08-02");
  EXPECT_TRUE(Escalate(o, "2023-07-20"));  // reported done after its date: late all the same
  EXPECT_EQ(o.level(), pb::ORDER_LEVEL_SUPERVISION);
}

TEST(Escalation, ClosedOrdersStayAsTheyAre) {
  pb::Order o = TwoNodeOrder();
  o.set_state(pb::ORDER_STATE_CLOSED);
  EXPECT_FALSE(Escalate(o, "2024-01-01"));
  EXPECT_EQ(o.level(), pb::ORDER_LEVEL_NOTICE);
}

TEST(Problems, OverdueFromTheDayAfterTheDeadlineWhileOpen) {
  pb::Problem p;
  p.set_deadline("2023-05-31");
  EXPECT_FALSE(ProblemOverdue(p, "2023-05-31"));
  EXPECT_TRUE(ProblemOverdue(p, "2023-06-01"));
  p.set_closed_date("2023-06-10");
  EXPECT_FALSE(ProblemOverdue(p, "2023-07-01"));
}

TEST(Validation, AnOrderNeedsTaskTimetableRoadmapAndOwner) {
  pb::Order o;
  o.set_issued_date("2023-06-05");
  auto* n = o.add_timetable();
  n->set_title("开工");
  n->set_due_date("2023-06-01");  // before the order
  Violations v;
  CheckOrder(o, v);
  std::set<std::string> fields;
  for (const auto& [field, rule, chinese] : v.items()) fields.insert(field);
  EXPECT_EQ(fields, (std::set<std::string>{"order.project_id", "order.task", "order.timetable[0].due_date",
                                           "order.roadmap", "order.owner_name"}));
  Violations ok;
  CheckOrder(TwoNodeOrder(), ok);
  EXPECT_TRUE(ok.ok());
}

TEST(Validation, AProblemNeedsAKindAResponsibleDepartmentAPersonAndADeadline) {
  pb::Problem p;
  p.set_project_id(3);
  p.set_description("用地指标未落实");
  Violations v;
  CheckProblem(p, v);
  std::set<std::string> fields;
  for (const auto& [field, rule, chinese] : v.items()) fields.insert(field);
  EXPECT_EQ(fields, (std::set<std::string>{"problem.kind", "problem.responsible_unit_id", "problem.responsible_person",
                                           "problem.deadline"}));
}

}  // namespace
}  // namespace saima::registry
