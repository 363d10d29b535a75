// 核实性审核 rules on hand-made cases at and around each threshold (defaults of VerificationSettings).

#include "services/stats/verification_rules.h"

#include <cmath>

#include "gtest/gtest.h"

namespace saima::stats {
namespace {

pb::MonthlyReport Figure(const std::string& period, int64_t month, int64_t since_start = 0) {
  pb::MonthlyReport r;
  r.set_project_id(7);
  r.set_period(period);
  r.set_month_yuan(month);
  r.set_ytd_yuan(month);
  r.set_since_start_yuan(since_start);
  return r;
}

std::vector<pb::VerificationRule> Rules(const pb::MonthlyReport& r, const FigureContext& context,
                                        const VerificationSettings& settings = {}) {
  std::vector<pb::VerificationRule> out;
  for (const auto& f : FlagFigure(r, *Period::Parse(r.period()), context, settings)) {
    EXPECT_FALSE(f.evidence().empty());
    EXPECT_EQ(f.rule_id(), RuleId(f.rule()));
    out.push_back(f.rule());
  }
  return out;
}

using Rules_ = std::vector<pb::VerificationRule>;

// Eight months of 2022 (03–10) with the given per-month amounts.
FigureContext History(const std::vector<int64_t>& amounts) {
  FigureContext c;
  c.stage = reg::PROJECT_STAGE_CONSTRUCTION;
  int month = 3;
  for (int64_t a : amounts) c.history.push_back({{2022, month++}, a});
  return c;
}

TEST(VerificationRulesTest, RuleIdsAreStable) {
  EXPECT_EQ(RuleId(pb::VERIFICATION_RULE_MONTH_OUTLIER), "HS01");
  EXPECT_EQ(RuleId(pb::VERIFICATION_RULE_FREQUENT_CORRECTIONS), "HS07");
}

TEST(VerificationRulesTest, MonthOutlierAgainstMedianAndMad) {
  // Median 100, MAD 10 (90..110): the threshold is max(100 + 5 × 1.4826 × 10, 3 × 100) = 300.
  const FigureContext c = History({90, 100, 110, 95, 105, 100, 90, 110});
  EXPECT_EQ(Rules(Figure("2022-11", 300), c), Rules_{});  // at the threshold: not above it
  EXPECT_EQ(Rules(Figure("2022-11", 301), c), Rules_{pb::VERIFICATION_RULE_MONTH_OUTLIER});
  // A wide history raises the bar above 3 × median: MAD 50 → 100 + 370.65.
  const FigureContext wide = History({50, 150, 50, 150, 100, 100, 50, 150});
  EXPECT_EQ(Rules(Figure("2022-11", 470), wide), Rules_{});
  EXPECT_EQ(Rules(Figure("2022-11", 471), wide), Rules_{pb::VERIFICATION_RULE_MONTH_OUTLIER});
  // The 02 report covers two months: 600 is 300 a month.
  FigureContext jan_feb = c;
  EXPECT_EQ(Rules(Figure("2023-02", 600), jan_feb), Rules_{});
  EXPECT_EQ(Rules(Figure("2023-02", 604), jan_feb), Rules_{pb::VERIFICATION_RULE_MONTH_OUTLIER});
  // Five earlier months with investment are too few to judge; zeros do not count.
  const FigureContext short_history = History({100, 100, 0, 0, 0, 100, 100, 100});
  EXPECT_EQ(Rules(Figure("2022-11", 5000), short_history), Rules_{});
}

TEST(VerificationRulesTest, SinceStartAbovePlannedTotal) {
  FigureContext c;
  c.stage = reg::PROJECT_STAGE_CONSTRUCTION;
  c.planned_total_yuan = 1000;
  EXPECT_EQ(Rules(Figure("2023-05", 10, 1000), c), Rules_{});
  EXPECT_EQ(Rules(Figure("2023-05", 10, 1001), c), Rules_{pb::VERIFICATION_RULE_ABOVE_PLANNED_TOTAL});
  c.planned_total_yuan = 0;  // unknown total: nothing to compare
  EXPECT_EQ(Rules(Figure("2023-05", 10, 1001), c), Rules_{});
}

TEST(VerificationRulesTest, InvestmentBeforeTheStart) {
  FigureContext c;
  for (auto stage : {reg::PROJECT_STAGE_PLANNING, reg::PROJECT_STAGE_PREPARATION}) {
    c.stage = stage;
    EXPECT_EQ(Rules(Figure("2023-05", 1), c), Rules_{pb::VERIFICATION_RULE_NOT_STARTED});
    EXPECT_EQ(Rules(Figure("2023-05", 0), c), Rules_{});
  }
  c.stage = reg::PROJECT_STAGE_CONSTRUCTION;
  EXPECT_EQ(Rules(Figure("2023-05", 1), c), Rules_{});
}

TEST(VerificationRulesTest, SameAmountThreePeriodsRunning) {
  FigureContext c;
  c.stage = reg::PROJECT_STAGE_CONSTRUCTION;
  c.history = {{{2023, 3}, 500}, {{2023, 4}, 500}};
  EXPECT_EQ(Rules(Figure("2023-05", 500), c), Rules_{pb::VERIFICATION_RULE_REPEATED_AMOUNT});
  EXPECT_EQ(Rules(Figure("2023-05", 501), c), Rules_{});
  c.history = {{{2023, 2}, 500}, {{2023, 4}, 500}};  // 03 missing: not running
  EXPECT_EQ(Rules(Figure("2023-05", 500), c), Rules_{});
  // Across the turn of the year: 2022-11, 2022-12, 2023-02.
  c.history = {{{2022, 11}, 700}, {{2022, 12}, 700}};
  EXPECT_EQ(Rules(Figure("2023-02", 700), c), Rules_{pb::VERIFICATION_RULE_REPEATED_AMOUNT});
  c.history = {{{2023, 3}, 0}, {{2023, 4}, 0}};  // nothing invested is not a repeated amount
  EXPECT_EQ(Rules(Figure("2023-05", 0), c), Rules_{});
}

TEST(VerificationRulesTest, QuarterEndSpike) {
  FigureContext c;
  c.stage = reg::PROJECT_STAGE_CONSTRUCTION;
  c.history = {{{2023, 4}, 100}, {{2023, 5}, 140}};  // mean 120: the bar is 360
  EXPECT_EQ(Rules(Figure("2023-06", 360), c), Rules_{});
  EXPECT_EQ(Rules(Figure("2023-06", 361), c), Rules_{pb::VERIFICATION_RULE_PERIOD_END_SPIKE});
  EXPECT_EQ(Rules(Figure("2023-05", 1000), c), Rules_{});  // not a quarter's end
  // March against the 02 report (two months): 240 is 120 a month.
  c.history = {{{2023, 2}, 240}};
  EXPECT_EQ(Rules(Figure("2023-03", 360), c), Rules_{});
  EXPECT_EQ(Rules(Figure("2023-03", 361), c), Rules_{pb::VERIFICATION_RULE_PERIOD_END_SPIKE});
  // December, the year's end; a missing month leaves the quarter unjudged.
  c.history = {{{2023, 10}, 100}, {{2023, 11}, 100}};
  auto flags = FlagFigure(Figure("2023-12", 400), {2023, 12}, c, {});
  ASSERT_EQ(flags.size(), 1u);
  EXPECT_NE(flags[0].evidence().find("年末"), std::string::npos);
  c.history = {{{2023, 11}, 100}};
  EXPECT_EQ(Rules(Figure("2023-12", 400), c), Rules_{});
}

// Amounts whose first digits follow Benford's proportions closely (n = 1000).
std::vector<int64_t> BenfordAmounts(int n) {
  std::vector<int64_t> out;
  for (int d = 1; d <= 9; ++d) {
    const int count = static_cast<int>(std::lround(n * std::log10(1.0 + 1.0 / d)));
    for (int i = 0; i < count; ++i) out.push_back(d * 1'000'000 + i * 37);
  }
  return out;
}

TEST(VerificationRulesTest, BenfordConformityByMad) {
  VerificationSettings s;
  BenfordTest good = TestBenford(BenfordAmounts(2000), s);
  EXPECT_TRUE(good.judged);
  EXPECT_TRUE(good.conforms);
  EXPECT_LT(good.mad, 0.002);
  // Uniform first digits: MAD ≈ 0.0597, far beyond 0.015.
  std::vector<int64_t> uniform;
  for (int i = 0; i < 1800; ++i) uniform.push_back((1 + i % 9) * 10'000 + i);
  BenfordTest bad = TestBenford(uniform, s);
  EXPECT_TRUE(bad.judged);
  EXPECT_FALSE(bad.conforms);
  EXPECT_NEAR(bad.mad, 0.0597, 0.0005);
  EXPECT_NE(BenfordEvidence(bad, s).find("MAD"), std::string::npos);
  // The threshold: a MAD just above and just below it.
  s.benford_mad = bad.mad + 1e-9;
  EXPECT_TRUE(TestBenford(uniform, s).conforms);
  s.benford_mad = bad.mad - 1e-9;
  EXPECT_FALSE(TestBenford(uniform, s).conforms);
  // Too few figures (below 1000): not judged, whatever their digits; zeros are left out.
  uniform.resize(999);
  uniform.push_back(0);
  BenfordTest few = TestBenford(uniform, VerificationSettings{});
  EXPECT_EQ(few.n, 999);
  EXPECT_FALSE(few.judged);
  EXPECT_TRUE(few.conforms);
}

TEST(VerificationRulesTest, LargeCorrections) {
  VerificationSettings s;
  std::vector<Correction> corrections = {{{2023, 3}, 1000, 1100},  // +10%: large (at the threshold)
                                         {{2023, 4}, 1000, 1099},  // +9.9%: not
                                         {{2023, 5}, 1000, 800},   // −20%: large
                                         {{2023, 6}, 0, 5}};       // from nothing: large
  auto large = LargeCorrections(corrections, s);
  ASSERT_EQ(large.size(), 3u);
  EXPECT_EQ(large[0].period.month, 3);
  EXPECT_EQ(large[1].period.month, 5);
  EXPECT_NE(CorrectionsEvidence(large, s).find("2023-05"), std::string::npos);
}

}  // namespace
}  // namespace saima::stats
