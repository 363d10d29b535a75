#include "gateway/oc4ids.h"

#include <fstream>
#include <iterator>
#include <set>
#include <string>

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace saima::gateway::oc4ids {
namespace {

namespace reg = ::saima::registry::v1;
namespace st = ::saima::stats::v1;
using nlohmann::json;

// The codes of OC4IDS 0.9.5's codelists, read from the official CSV files vendored in tests/exchange/standards.
std::set<std::string> Codelist(const std::string& name) {
  std::ifstream in(std::string(SAIMA_SOURCE_DIR "/tests/exchange/standards/oc4ids-0.9.5/codelists/") + name + ".csv");
  std::set<std::string> codes;
  std::string line;
  std::getline(in, line);  // Code,Title,Description,…
  while (std::getline(in, line)) codes.insert(line.substr(0, line.find(',')));
  EXPECT_FALSE(codes.empty()) << name;
  return codes;
}

// Closed: projectStatus, projectType, milestoneStatus. Open: milestoneType, documentType, metricID.
const std::set<std::string> kProjectStatus = Codelist("projectStatus");
const std::set<std::string> kProjectType = Codelist("projectType");
const std::set<std::string> kMilestoneStatus = Codelist("milestoneStatus");
const std::set<std::string> kMilestoneType = Codelist("milestoneType");
const std::set<std::string> kDocumentType = Codelist("documentType");
// Saima's own codes in the open documentType codelist, for Chinese document kinds OC4IDS has no code for; the
// publication policy (docs/oc4ids.md) lists them.
const std::set<std::string> kDocumentTypeExtensions = {"projectApproval", "constructionPermit"};

ProjectData Sample() {
  ProjectData d;
  reg::Project& p = d.project;
  p.set_project_id(42);
  p.set_project_code("2023-331181-48-01-000123");
  p.set_name("城东污水处理厂提标改造工程");
  p.set_unit_id("331181001");
  p.set_industry_code("4620");
  p.set_industry_name("污水处理及其再生利用");
  p.set_construction_nature(reg::CONSTRUCTION_NATURE_RENOVATION);
  p.set_stage(reg::PROJECT_STAGE_CONSTRUCTION);
  p.set_planned_total_investment_yuan(120000000);
  p.set_planned_start_date("2023-02-15");
  p.set_planned_completion_date("2024-12-31");
  p.set_location("城东街道");
  p.set_region_code("331181");
  p.mutable_update_time()->set_seconds(1685577600);  // 2023-06-01T00:00:00Z
  d.unit.emplace();
  d.unit->set_unit_id("331181001");
  d.unit->set_name("城东街道");
  reg::Milestone met;
  met.set_milestone_id(7);
  met.set_kind(reg::MILESTONE_KIND_START);
  met.set_due_date("2023-03-01");
  met.set_met_date("2023-02-20");
  met.set_owner_name("张伟");
  reg::Milestone overdue;
  overdue.set_milestone_id(8);
  overdue.set_kind(reg::MILESTONE_KIND_TOPPING_OUT);
  overdue.set_due_date("2023-05-01");
  reg::Milestone later;
  later.set_milestone_id(9);
  later.set_kind(reg::MILESTONE_KIND_OTHER);
  later.set_title("设备安装");
  later.set_due_date("2023-09-30");
  d.milestones = {met, overdue, later};
  reg::Document approval;
  approval.set_document_id(3);
  approval.set_type(reg::DOCUMENT_TYPE_APPROVAL);
  approval.set_number("发改投资〔2023〕12号");
  approval.set_issuer("市发展和改革局");
  approval.set_issued_date("2023-01-10");
  d.documents = {approval};
  st::MonthlyReport march;
  march.set_period("2023-03");
  march.set_since_start_yuan(12345678);
  st::MonthlyReport april;
  april.set_period("2023-04");
  april.set_since_start_yuan(30000000);
  d.figures = {march, april};
  return d;
}

TEST(Oc4ids, ProjectFieldsFollowTheSchema) {
  const json p = json::parse(ToProjectJson(Sample(), "oc4ids-abc123", "2023-06-10"));
  EXPECT_EQ(p["id"], "oc4ids-abc123-42");
  EXPECT_EQ(p["title"], "城东污水处理厂提标改造工程");
  EXPECT_EQ(p["status"], "implementation");
  EXPECT_EQ(p["type"], "expansion");
  EXPECT_EQ(p["updated"], "2023-06-01T00:00:00Z");
  ASSERT_EQ(p["identifiers"].size(), 1u);
  EXPECT_EQ(p["identifiers"][0]["id"], "2023-331181-48-01-000123");
  EXPECT_EQ(p["identifiers"][0]["scheme"], "CN-TZXMDM");
  // budget.amount is a Value: a number and an ISO 4217 currency.
  EXPECT_EQ(p["budget"]["amount"]["amount"], 120000000);
  EXPECT_EQ(p["budget"]["amount"]["currency"], "CNY");
  EXPECT_EQ(p["period"]["startDate"], "2023-02-15T00:00:00+08:00");
  EXPECT_EQ(p["period"]["endDate"], "2024-12-31T00:00:00+08:00");
  EXPECT_EQ(p["additionalClassifications"][0]["id"], "4620");
  EXPECT_EQ(p["locations"][0]["gazetteer"]["identifiers"][0], "331181");
  EXPECT_EQ(p["parties"][0]["roles"][0], "publicAuthority");
  EXPECT_EQ(p["publicAuthority"]["id"], p["parties"][0]["id"]);
  EXPECT_FALSE(p.contains("completion"));
}

TEST(Oc4ids, MilestonesCarryTypeStatusAndOwner) {
  const json m = json::parse(ToProjectJson(Sample(), "oc4ids-abc123", "2023-06-10"))["milestones"];
  ASSERT_EQ(m.size(), 3u);
  EXPECT_EQ(m[0]["id"], "7");
  EXPECT_EQ(m[0]["title"], "开工");
  EXPECT_EQ(m[0]["type"], "delivery");
  EXPECT_EQ(m[0]["status"], "met");
  EXPECT_EQ(m[0]["dateMet"], "2023-02-20T00:00:00+08:00");
  EXPECT_EQ(m[0]["dueDate"], "2023-03-01T00:00:00+08:00");
  EXPECT_EQ(m[0]["description"], "责任人：张伟");
  EXPECT_EQ(m[1]["status"], "notMet");  // due 2023-05-01, unmet on 2023-06-10
  EXPECT_FALSE(m[1].contains("dateMet"));
  EXPECT_EQ(m[2]["status"], "scheduled");
  EXPECT_EQ(m[2]["title"], "设备安装");
  // On its due day an unmet milestone is still scheduled.
  EXPECT_EQ(json::parse(ToProjectJson(Sample(), "x", "2023-05-01"))["milestones"][1]["status"], "scheduled");
}

TEST(Oc4ids, DocumentsCarryDocumentType) {
  const json d = json::parse(ToProjectJson(Sample(), "x", "2023-06-10"))["documents"];
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0]["id"], "3");
  EXPECT_EQ(d[0]["documentType"], "projectApproval");
  EXPECT_EQ(d[0]["title"], "项目审批核准备案文件 发改投资〔2023〕12号");
  EXPECT_EQ(d[0]["datePublished"], "2023-01-10T00:00:00+08:00");
  EXPECT_EQ(d[0]["description"], "市发展和改革局");
}

TEST(Oc4ids, MetricsShowMonthlyFinancialProgress) {
  const json metrics = json::parse(ToProjectJson(Sample(), "x", "2023-06-10"))["metrics"];
  ASSERT_EQ(metrics.size(), 1u);
  EXPECT_EQ(metrics[0]["id"], "financialProgress");
  const json& o = metrics[0]["observations"];
  ASSERT_EQ(o.size(), 2u);
  EXPECT_EQ(o[0]["id"], "2023-03");
  EXPECT_EQ(o[0]["measure"], "10.29");  // 12 345 678 / 120 000 000 = 10.288…%
  EXPECT_EQ(o[0]["unit"]["id"], "P1");
  EXPECT_EQ(o[0]["unit"]["scheme"], "UNCEFACT");
  EXPECT_EQ(o[0]["unit"]["name"], "percent");
  EXPECT_EQ(o[0]["period"]["startDate"], "2023-03-31T23:59:59+08:00");
  EXPECT_EQ(o[0]["period"]["endDate"], "2023-03-31T23:59:59+08:00");
  EXPECT_EQ(o[0]["value"]["amount"], 12345678);
  EXPECT_EQ(o[1]["measure"], "25.00");
  EXPECT_EQ(o[1]["period"]["endDate"], "2023-04-30T23:59:59+08:00");
}

TEST(Oc4ids, WithoutFiguresOrCodeTheFieldsAreLeftOut) {
  ProjectData d = Sample();
  d.figures.clear();
  d.project.clear_project_code();
  d.project.set_stage(reg::PROJECT_STAGE_PLANNING);
  const json p = json::parse(ToProjectJson(d, "x", "2023-06-10"));
  EXPECT_FALSE(p.contains("metrics"));
  EXPECT_FALSE(p.contains("identifiers"));
  EXPECT_EQ(p["status"], "identification");
}

TEST(Oc4ids, ProductionIsCompletionAndTheTextIsChinese) {
  ProjectData d = Sample();
  d.project.set_stage(reg::PROJECT_STAGE_IN_PRODUCTION);  // "completed" is not in the closed codelist
  const json p = json::parse(ToProjectJson(d, "x", "2023-06-10"));
  EXPECT_EQ(p["status"], "completion");
  EXPECT_EQ(p["language"], "zh");
}

TEST(Oc4ids, PackageNamesItsPublisherAndHoldsThePublishedProjects) {
  ProjectData older = Sample();
  older.project.mutable_update_time()->set_seconds(1'700'000'000);
  ProjectData newer = Sample();
  newer.project.set_project_id(43);
  newer.project.mutable_update_time()->set_seconds(1'700'086'400);
  const json package = json::parse(ToPackageJson(
      {older, newer},
      {"https://saima.example/v1/oc4ids/project-package", "龙泉市统计局", "https://l.example/by", "https://p.example"},
      "x", "2023-06-10"));
  EXPECT_EQ(package["uri"], "https://saima.example/v1/oc4ids/project-package");
  EXPECT_EQ(package["publisher"]["name"], "龙泉市统计局");
  EXPECT_EQ(package["license"], "https://l.example/by");
  EXPECT_EQ(package["publicationPolicy"], "https://p.example");
  EXPECT_EQ(package["version"], "0.9");
  EXPECT_EQ(package["publishedDate"], "2023-11-15T22:13:20Z");  // the newest change among the projects
  ASSERT_EQ(package["projects"].size(), 2u);
  EXPECT_EQ(package["projects"][1]["id"], "x-43");
}

TEST(Oc4ids, OnlyProjectsPastPlanningAndNotWithdrawnArePublished) {
  reg::Project p;
  for (auto [stage, published] : {std::pair{reg::PROJECT_STAGE_PLANNING, false},
                                  {reg::PROJECT_STAGE_PREPARATION, true},
                                  {reg::PROJECT_STAGE_CONSTRUCTION, true},
                                  {reg::PROJECT_STAGE_IN_PRODUCTION, true},
                                  {reg::PROJECT_STAGE_WITHDRAWN, false}}) {
    p.set_stage(stage);
    EXPECT_EQ(IsPublished(p), published) << reg::ProjectStage_Name(stage);
  }
}

TEST(Oc4ids, ThePublicationPolicyListsOurOwnCodes) {
  std::ifstream in(SAIMA_SOURCE_DIR "/docs/oc4ids.md");
  const std::string policy((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_FALSE(policy.empty());
  for (const auto& code : kDocumentTypeExtensions) EXPECT_NE(policy.find("`" + code + "`"), std::string::npos) << code;
  for (const char* scheme : {"CN-TZXMDM", "GB/T 4754-2017", "GB/T 2260"}) {
    EXPECT_NE(policy.find(scheme), std::string::npos) << scheme;
  }
}

TEST(Oc4ids, EveryEnumValueMapsIntoTheCodelists) {
  const auto* stages = reg::ProjectStage_descriptor();
  for (int i = 0; i < stages->value_count(); ++i) {
    auto stage = static_cast<reg::ProjectStage>(stages->value(i)->number());
    EXPECT_TRUE(kProjectStatus.count(ProjectStatusOf(stage))) << stages->value(i)->name();
  }
  const auto* natures = reg::ConstructionNature_descriptor();
  for (int i = 0; i < natures->value_count(); ++i) {
    const char* type = ProjectTypeOf(static_cast<reg::ConstructionNature>(natures->value(i)->number()));
    if (type != nullptr) {
      EXPECT_TRUE(kProjectType.count(type)) << natures->value(i)->name();
    }
  }
  const auto* documents = reg::DocumentType_descriptor();
  for (int i = 1; i < documents->value_count(); ++i) {
    const std::string code = DocumentTypeOf(static_cast<reg::DocumentType>(documents->value(i)->number()));
    EXPECT_TRUE(kDocumentType.count(code) || kDocumentTypeExtensions.count(code)) << documents->value(i)->name();
  }
  const auto* kinds = reg::MilestoneKind_descriptor();
  for (int i = 0; i < kinds->value_count(); ++i) {
    EXPECT_TRUE(kMilestoneType.count(MilestoneTypeOf(static_cast<reg::MilestoneKind>(kinds->value(i)->number()))));
  }
  const json project = json::parse(ToProjectJson(Sample(), "x", "2023-06-10"));
  for (const auto& m : project["milestones"]) {
    EXPECT_TRUE(kMilestoneStatus.count(m["status"].get<std::string>()));
  }
}

}  // namespace
}  // namespace saima::gateway::oc4ids
