// The contest's rules one by one: campaign settings, eligibility of nominated projects, score sheets.

#include "services/scoring/contest_rules.h"

#include "gtest/gtest.h"

namespace saima::scoring {
namespace {

pb::Campaign Campaign2023() {
  pb::Campaign c;
  c.set_year(2023);
  c.set_name("2023年度项目建设互看互学·互比互评");
  c.set_figures_period("2023-05");
  c.set_eligible_since("2022-06-01");
  pb::Pool* pool = c.add_pools();
  pool->set_pool_id("all");
  pool->set_name("乡镇(街道)与市直单位");
  pool->add_unit_ids("331181001");
  pool->add_unit_ids("D01");
  return c;
}

NominationFacts Eligible() {
  NominationFacts f;
  f.project.set_project_id(7);
  f.project.set_unit_id("331181001");
  f.project.set_stage(reg::PROJECT_STAGE_CONSTRUCTION);
  f.project.set_construction_nature(reg::CONSTRUCTION_NATURE_NEW);
  f.project.set_actual_start_date("2022-09-01");
  reg::Document approval, permit;
  approval.set_type(reg::DOCUMENT_TYPE_APPROVAL);
  permit.set_type(reg::DOCUMENT_TYPE_CONSTRUCTION_PERMIT);
  f.documents = {approval, permit};
  return f;
}

std::string RuleOf(const std::vector<std::string>& failed) {
  return failed.size() == 1 ? failed[0].substr(0, failed[0].find(':')) : "(" + std::to_string(failed.size()) + ")";
}

TEST(CampaignRules, DefaultsAreTheSpeechsCriteriaAndTheTrimmedMean) {
  pb::Campaign c = Campaign2023();
  ASSERT_TRUE(NormalizeCampaign(c, {"331181001", "D01"}).ok());
  ASSERT_EQ(c.criteria_size(), 4);
  EXPECT_EQ(c.criteria(0).name(), "项目谋划");
  EXPECT_EQ(c.criteria(1).weight(), 30);
  EXPECT_EQ(c.method(), pb::AGGREGATION_METHOD_TRIMMED_MEAN);
}

TEST(CampaignRules, EachBrokenSettingIsNamed) {
  pb::Campaign c = Campaign2023();
  c.set_figures_period("2023-01");
  c.add_pools()->CopyFrom(c.pools(0));  // same id, same units
  for (auto& k : DefaultCriteria()) *c.add_criteria() = k;
  c.mutable_criteria(0)->set_weight(25);  // 105 in all
  c.mutable_pools(0)->add_unit_ids("999");
  auto fields = FieldViolationsOf(NormalizeCampaign(c, {"331181001", "D01"}));
  std::set<std::string> named;
  for (const auto& [field, rule, chinese] : fields) named.insert(field);
  EXPECT_TRUE(named.count("campaign.figures_period"));
  EXPECT_TRUE(named.count("campaign.pools[1].pool_id"));
  EXPECT_TRUE(named.count("campaign.pools[1].unit_ids[0]"));  // in two pools
  EXPECT_TRUE(named.count("campaign.pools[0].unit_ids[2]"));  // unknown unit
  EXPECT_TRUE(named.count("campaign.criteria"));              // weights add up to 105
}

TEST(Eligibility, AnEligibleProjectFailsNothing) { EXPECT_TRUE(FailedRules(Campaign2023(), Eligible()).empty()); }

TEST(Eligibility, UnitNotInTheCampaign) {
  NominationFacts f = Eligible();
  f.project.set_unit_id("D99");
  EXPECT_EQ(RuleOf(FailedRules(Campaign2023(), f)), "unit");
}

TEST(Eligibility, StageMustBeBuiltOrBeingBuilt) {
  NominationFacts f = Eligible();
  f.project.set_stage(reg::PROJECT_STAGE_PREPARATION);
  auto failed = FailedRules(Campaign2023(), f);
  EXPECT_EQ(RuleOf(failed), "stage");
  EXPECT_NE(failed[0].find("前期"), std::string::npos);
  f.project.set_stage(reg::PROJECT_STAGE_IN_PRODUCTION);
  EXPECT_TRUE(FailedRules(Campaign2023(), f).empty());
}

TEST(Eligibility, NewOrTechnicalRenovationOnly) {
  NominationFacts f = Eligible();
  f.project.set_construction_nature(reg::CONSTRUCTION_NATURE_EXPANSION);
  EXPECT_EQ(RuleOf(FailedRules(Campaign2023(), f)), "nature");
  f.project.set_technical_renovation(true);
  EXPECT_TRUE(FailedRules(Campaign2023(), f).empty());
}

TEST(Eligibility, StartedOnOrAfterTheCampaignsDate) {
  NominationFacts f = Eligible();
  f.project.set_actual_start_date("2022-05-31");
  EXPECT_EQ(RuleOf(FailedRules(Campaign2023(), f)), "date");
  f.project.set_actual_start_date("2022-06-01");
  EXPECT_TRUE(FailedRules(Campaign2023(), f).empty());
  f.project.clear_actual_start_date();
  EXPECT_EQ(RuleOf(FailedRules(Campaign2023(), f)), "date");
}

TEST(Eligibility, PermitsComplete) {
  NominationFacts f = Eligible();
  f.documents.pop_back();  // no 施工许可证
  auto failed = FailedRules(Campaign2023(), f);
  EXPECT_EQ(RuleOf(failed), "documents");
  EXPECT_NE(failed[0].find("施工许可证"), std::string::npos);
  // A 单纯购置 project needs no construction permit.
  f.project.set_construction_nature(reg::CONSTRUCTION_NATURE_PURCHASE_ONLY);
  f.project.set_technical_renovation(true);
  EXPECT_TRUE(FailedRules(Campaign2023(), f).empty());
}

TEST(Eligibility, NotShownInAnEarlierCampaign) {
  NominationFacts f = Eligible();
  f.shown_in_years = {2022};
  auto failed = FailedRules(Campaign2023(), f);
  EXPECT_EQ(RuleOf(failed), "shown");
  EXPECT_NE(failed[0].find("2022"), std::string::npos);
  f.shown_in_years = {2023};  // this campaign's own selection is not "earlier"
  EXPECT_TRUE(FailedRules(Campaign2023(), f).empty());
}

TEST(Eligibility, EveryFailedRuleIsListed) {
  NominationFacts f = Eligible();
  f.project.set_stage(reg::PROJECT_STAGE_PLANNING);
  f.project.clear_actual_start_date();
  f.documents.clear();
  f.shown_in_years = {2021};
  EXPECT_EQ(FailedRules(Campaign2023(), f).size(), 4u);
}

TEST(SheetRules, ScoresWithinTheCriterionsRange) {
  pb::Campaign c = Campaign2023();
  ASSERT_TRUE(NormalizeCampaign(c, {"331181001", "D01"}).ok());
  pb::ScoreSheet sheet;
  (*sheet.mutable_scores())["planning"] = 101;
  (*sheet.mutable_scores())["speed"] = 50;
  auto fields = FieldViolationsOf(CheckSheet(c, sheet, /*complete=*/false));
  ASSERT_EQ(fields.size(), 2u);
  EXPECT_EQ(fields[0].field, "sheet.scores[planning]");
  EXPECT_EQ(fields[1].field, "sheet.scores[speed]");
  sheet.mutable_scores()->erase("speed");
  (*sheet.mutable_scores())["planning"] = 100;
  EXPECT_TRUE(CheckSheet(c, sheet, false).ok());                        // a partial draft may be saved
  EXPECT_EQ(FieldViolationsOf(CheckSheet(c, sheet, true)).size(), 3u);  // but not submitted
}

}  // namespace
}  // namespace saima::scoring
