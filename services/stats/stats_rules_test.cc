// Formulas and checks of DOMAIN.md §3 and §8, each on hand-computed examples.

#include "absl/strings/str_cat.h"
#include "common/period.h"
#include "gtest/gtest.h"
#include "services/stats/indicators.h"
#include "services/stats/package_digest.h"
#include "services/stats/report_rules.h"

namespace saima::stats {
namespace {

TEST(PeriodTest, ParsesOnlyReportingMonths) {
  EXPECT_TRUE(Period::Parse("2023-02"));
  EXPECT_TRUE(Period::Parse("2023-12"));
  EXPECT_FALSE(Period::Parse("2023-01"));  // January is reported with February
  EXPECT_FALSE(Period::Parse("2023-13"));
  EXPECT_FALSE(Period::Parse("2023-5"));
  EXPECT_FALSE(Period::Parse("20230-5"));
  EXPECT_EQ(Period::Parse("2023-05")->EndDate(), "2023-05-31");
  EXPECT_EQ(Period::Parse("2024-02")->EndDate(), "2024-02-29");
  EXPECT_FALSE(Period::Parse("2023-02")->PreviousInYear());
  EXPECT_EQ(Period::Parse("2023-03")->PreviousInYear()->ToString(), "2023-02");
  EXPECT_EQ(Period::Parse("2023-05")->MonthsBeforeStart(2), "2023-03-01");
}

pb::MonthlyReport Report(int64_t month, int64_t ytd, int64_t c, int64_t i, int64_t e, int64_t o, int64_t since) {
  pb::MonthlyReport r;
  r.set_project_id(7);
  r.set_period("2023-05");
  r.set_month_yuan(month);
  r.set_ytd_yuan(ytd);
  r.mutable_ytd_breakdown()->set_construction_yuan(c);
  r.mutable_ytd_breakdown()->set_installation_yuan(i);
  r.mutable_ytd_breakdown()->set_equipment_yuan(e);
  r.mutable_ytd_breakdown()->set_other_yuan(o);
  r.set_since_start_yuan(since);
  return r;
}

std::vector<std::string> Fields(const pb::MonthlyReport& r, const ReportContext& context) {
  Violations v;
  CheckReport(r, context, "report", v);
  std::vector<std::string> out;
  for (const auto& [field, rule, chinese] : v.items()) out.push_back(field);
  return out;
}

TEST(ReportRulesTest, YtdIsTheSumOfItsParts) {
  EXPECT_TRUE(Fields(Report(10, 100, 40, 20, 30, 10, 500), {}).empty());
  EXPECT_EQ(Fields(Report(10, 100, 40, 20, 30, 11, 500), {}), std::vector<std::string>{"report.ytd_yuan"});
}

TEST(ReportRulesTest, YtdIsLastMonthsYtdPlusThisMonth) {
  ReportContext context;
  context.previous_ytd = 90;
  EXPECT_TRUE(Fields(Report(10, 100, 40, 20, 30, 10, 500), context).empty());
  EXPECT_EQ(Fields(Report(11, 100, 40, 20, 30, 10, 500), context), std::vector<std::string>{"report.ytd_yuan"});
  // Without a previous month (first report of the year) the month cannot exceed the year-to-date.
  EXPECT_EQ(Fields(Report(101, 100, 40, 20, 30, 10, 500), {}), std::vector<std::string>{"report.ytd_yuan"});
}

TEST(ReportRulesTest, SinceStartIsLastDecemberPlusYtd) {
  ReportContext context;
  context.last_december_since_start = 400;
  EXPECT_TRUE(Fields(Report(10, 100, 40, 20, 30, 10, 500), context).empty());
  EXPECT_EQ(Fields(Report(10, 100, 40, 20, 30, 10, 501), context), std::vector<std::string>{"report.since_start_yuan"});
  EXPECT_EQ(Fields(Report(10, 100, 40, 20, 30, 10, 99), {}), std::vector<std::string>{"report.since_start_yuan"});
}

TEST(ReportRulesTest, NegativeAmountsAndBadPeriodsAreRefused) {
  EXPECT_EQ(Fields(Report(-1, 100, 40, 20, 30, 10, 500), {}), std::vector<std::string>{"report.month_yuan"});
  pb::MonthlyReport r = Report(10, 100, 40, 20, 30, 10, 500);
  r.set_period("2023-01");
  EXPECT_EQ(Fields(r, {}), std::vector<std::string>{"report.period"});
}

TEST(ReportRulesTest, ExplanationOfAtMost500Characters) {
  pb::MonthlyReport r = Report(10, 100, 40, 20, 30, 10, 500);
  std::string text;
  for (int i = 0; i < 500; ++i) text += "说";
  r.set_explanation(text);
  EXPECT_TRUE(Fields(r, {}).empty());
  r.set_explanation(text + "明");
  EXPECT_EQ(Fields(r, {}), std::vector<std::string>{"report.explanation"});
}

ProjectFacts Key(int64_t id, int64_t plan, int64_t ytd) {
  ProjectFacts f;
  f.project_id = id;
  f.unit_id = "U" + std::to_string(id);
  f.tiers = {reg::PROJECT_TIER_KEY};
  f.plan = plan;
  f.ytd = ytd;
  f.actual_start_date = "2022-01-01";
  return f;
}

pb::ProgressStatus StatusAt(int64_t plan, int64_t ytd, int month) {
  return StatusOf(Key(1, plan, ytd), Period{2023, month}, StatusThresholds{}).status();
}

// The history the agenda reads: a status per month, the one before, and the months behind counted back from the
// period while 预警 or 滞后 (a month on time ends the run).
TEST(StatusHistoryTest, MonthsBehindCountBackFromThePeriod) {
  // Plan 1200 at 2023-02..05 (time progress 200, 300, 400, 500 of it): ytd 200 正常, then 150 (−12.5 points), 200
  // (−16.7) and 250 (−20.8), each 预警.
  std::vector<std::vector<ProjectFacts>> months;
  for (int64_t ytd : {200, 150, 200, 250}) {
    ProjectFacts key = Key(1, 1200, ytd);
    ProjectFacts major = Key(2, 1200, 600);
    major.tiers = {reg::PROJECT_TIER_MAJOR};
    ProjectFacts plain = Key(3, 1200, 0);
    plain.tiers = {};
    months.push_back({plain, major, key});
  }
  auto history = StatusHistoryOf(months, Period{2023, 5}, StatusThresholds{});
  EXPECT_EQ(history.period(), "2023-05");
  ASSERT_EQ(history.projects_size(), 2);  // key and major only, by id
  const auto& key = history.projects(0);
  EXPECT_EQ(key.status().project_id(), 1);
  EXPECT_TRUE(key.key());
  ASSERT_EQ(key.by_month_size(), 4);
  EXPECT_EQ(key.by_month(0), pb::PROGRESS_STATUS_NORMAL);
  EXPECT_EQ(key.by_month(3), pb::PROGRESS_STATUS_WARNING);
  EXPECT_EQ(key.previous_status(), pb::PROGRESS_STATUS_WARNING);
  EXPECT_EQ(key.months_behind(), 3);
  EXPECT_EQ(key.status().status(), pb::PROGRESS_STATUS_WARNING);
  const auto& major = history.projects(1);
  EXPECT_FALSE(major.key());
  EXPECT_EQ(major.months_behind(), 0);
  EXPECT_EQ(major.status().status(), pb::PROGRESS_STATUS_NORMAL);  // 50% against 41.7%
}

TEST(StatusTest, BandsAreComparedExactlyAtTheirBoundaries) {
  // Month 6: time progress 50%. Plan 1000: gap +10 pp at ytd 600, −10 at 400, −30 at 200.
  EXPECT_EQ(StatusAt(1000, 600, 6), pb::PROGRESS_STATUS_AHEAD);  // gap = +10 exactly → 较快
  EXPECT_EQ(StatusAt(1000, 599, 6), pb::PROGRESS_STATUS_NORMAL);
  EXPECT_EQ(StatusAt(1000, 400, 6), pb::PROGRESS_STATUS_NORMAL);  // gap = −10 exactly → 正常
  EXPECT_EQ(StatusAt(1000, 399, 6), pb::PROGRESS_STATUS_WARNING);
  EXPECT_EQ(StatusAt(1000, 200, 6), pb::PROGRESS_STATUS_WARNING);  // gap = −30 exactly → 预警
  EXPECT_EQ(StatusAt(1000, 199, 6), pb::PROGRESS_STATUS_LAGGING);
  // Month 5 (41.666…%): 较快 needs ≥ 51.666…%, i.e. 12·ytd ≥ 6.2·plan: ytd 5167 of 10000 is, 5166 is not.
  EXPECT_EQ(StatusAt(10000, 5167, 5), pb::PROGRESS_STATUS_AHEAD);
  EXPECT_EQ(StatusAt(10000, 5166, 5), pb::PROGRESS_STATUS_NORMAL);
}

TEST(StatusTest, GapIsReportedInThousandthsOfAPoint) {
  auto status = StatusOf(Key(1, 1000, 352), Period{2023, 5}, StatusThresholds{});
  EXPECT_EQ(status.gap_milli_points(), -6467);  // 35.2 − 41.6667 = −6.4667 pp
  EXPECT_EQ(status.completion_rate().numerator(), 352);
  EXPECT_EQ(status.completion_rate().denominator(), 1000);
}

TEST(StatusTest, OverdueStartIsLaggingWhateverTheFigures) {
  ProjectFacts f = Key(1, 1000, 900);
  f.actual_start_date.clear();
  f.planned_start_date = "2023-02-28";  // 3 months before May: overdue
  EXPECT_EQ(StatusOf(f, Period{2023, 5}, StatusThresholds{}).status(), pb::PROGRESS_STATUS_LAGGING);
  f.planned_start_date = "2023-03-01";  // only 2 months: judged by its figures
  EXPECT_EQ(StatusOf(f, Period{2023, 5}, StatusThresholds{}).status(), pb::PROGRESS_STATUS_AHEAD);
}

TEST(StatusTest, ThresholdsAreConfigurable) {
  StatusThresholds strict;
  strict.ahead_milli_pp = 20'000;
  EXPECT_EQ(StatusOf(Key(1, 1000, 600), Period{2023, 6}, strict).status(), pb::PROGRESS_STATUS_NORMAL);
}

TEST(StatusTest, CountsEveryStatus) {
  std::vector<ProjectFacts> facts = {Key(1, 1000, 700), Key(2, 1000, 500), Key(3, 1000, 300), Key(4, 1000, 100)};
  facts.push_back(Key(5, 1000, 100));
  facts.back().tiers = {reg::PROJECT_TIER_MAJOR};  // not a key project
  auto statuses = StatusesOf(facts, reg::PROJECT_TIER_KEY, Period{2023, 6}, StatusThresholds{});
  EXPECT_EQ(statuses.statuses_size(), 4);
  EXPECT_EQ(statuses.count_by_status().at("PROGRESS_STATUS_AHEAD"), 1);
  EXPECT_EQ(statuses.count_by_status().at("PROGRESS_STATUS_NORMAL"), 1);
  EXPECT_EQ(statuses.count_by_status().at("PROGRESS_STATUS_WARNING"), 1);
  EXPECT_EQ(statuses.count_by_status().at("PROGRESS_STATUS_LAGGING"), 1);
}

TEST(IndicatorsTest, GrowthCompletionAndCategories) {
  ProjectFacts a = Key(1, 1000, 352);
  a.last_ytd = 300;
  a.ytd_ja = 200;
  a.last_ja = 180;
  a.manufacturing = true;
  a.ownership = reg::OWNERSHIP_PRIVATE;
  a.sector = reg::SECTOR_SECONDARY;
  ProjectFacts b = Key(2, 0, 100);
  b.plan.reset();  // no plan: counts in the total, not in completion
  b.last_ytd = 0;
  b.ownership = reg::OWNERSHIP_STATE;
  b.industry_code = "5411";  // 道路运输 → 交通
  auto computed = ComputeIndicators({a, b}, Period{2023, 5}, CodeTables::Default());
  ASSERT_TRUE(computed.ok()) << computed.status();
  const auto& out = *computed;
  EXPECT_EQ(out.total().ytd_yuan(), 452);
  EXPECT_EQ(out.total().yoy_growth().numerator(), 152);
  EXPECT_EQ(out.total().yoy_growth().denominator(), 300);
  EXPECT_EQ(out.completion_rate().numerator(), 352);
  EXPECT_EQ(out.completion_rate().denominator(), 1000);
  EXPECT_EQ(out.time_progress().numerator(), 5);
  EXPECT_EQ(out.time_progress().denominator(), 12);
  EXPECT_EQ(out.project_count(), 2);
  for (const auto& c : out.categories()) {
    if (c.category() == pb::CATEGORY_MANUFACTURING) {
      EXPECT_EQ(c.ytd_yuan(), 352);
    }
    if (c.category() == pb::CATEGORY_PRIVATE) {
      EXPECT_EQ(c.ytd_last_year_yuan(), 300);
    }
    if (c.category() == pb::CATEGORY_CONSTRUCTION_INSTALLATION) {
      EXPECT_EQ(c.ytd_yuan(), 200);
    }
    if (c.category() == pb::CATEGORY_TRANSPORT_ENERGY_WATER) {
      EXPECT_EQ(c.ytd_yuan(), 100);
      EXPECT_FALSE(c.yoy_growth().defined());  // last year 0: growth undefined, never infinity
    }
  }
}

// Totals are added up without wrapping: a total beyond int64 is an error naming it, never a wrong figure.
TEST(IndicatorsTest, ATotalBeyondInt64IsAnErrorNotAWrongFigure) {
  std::vector<ProjectFacts> many;
  for (int i = 0; i < 100'000; ++i) many.push_back(Key(i + 1, 100'000'000'000'000, 100'000'000'000'000));
  auto computed = ComputeIndicators(many, Period{2023, 5}, CodeTables::Default());
  EXPECT_EQ(computed.status().code(), absl::StatusCode::kOutOfRange);
  auto ranked = RankUnits(many, Period{2023, 5}, 0, true, {});
  EXPECT_TRUE(ranked.ok()) << "per unit the totals still fit";
  // Within the bound, the exact total.
  many.resize(90'000);
  computed = ComputeIndicators(many, Period{2023, 5}, CodeTables::Default());
  ASSERT_TRUE(computed.ok());
  EXPECT_EQ(computed->total().ytd_yuan(), int64_t{90'000} * 100'000'000'000'000);
}

TEST(IndicatorsTest, OwnershipCategoriesFollowTheRules) {
  ProjectFacts f;
  f.ownership = reg::OWNERSHIP_COLLECTIVE;
  EXPECT_TRUE(InCategory(f, pb::CATEGORY_PRIVATE, CodeTables::Default()));
  f.public_institution = true;  // an administrative or public institution counts as 国有
  EXPECT_FALSE(InCategory(f, pb::CATEGORY_PRIVATE, CodeTables::Default()));
  EXPECT_TRUE(InCategory(f, pb::CATEGORY_STATE, CodeTables::Default()));
  f.public_institution = false;
  f.ownership = reg::OWNERSHIP_FOREIGN;  // neither
  EXPECT_FALSE(InCategory(f, pb::CATEGORY_PRIVATE, CodeTables::Default()));
  EXPECT_FALSE(InCategory(f, pb::CATEGORY_STATE, CodeTables::Default()));
}

TEST(RankingTest, UnitsRankedByExactRateWithThePlanFilter) {
  // U1 1/3, U2 333/1000 (lower than 1/3), U3 plan too small.
  ProjectFacts u1 = Key(1, 3000, 1000);
  ProjectFacts u2 = Key(2, 3000, 999);
  ProjectFacts u3 = Key(3, 500, 1);
  auto ranked_or = RankUnits({u1, u2, u3}, Period{2023, 4}, 1000, /*ascending=*/true, {{"U1", "甲单位"}});
  ASSERT_TRUE(ranked_or.ok());
  const auto& ranked = *ranked_or;
  ASSERT_EQ(ranked.units_size(), 2);
  EXPECT_EQ(ranked.units(0).unit_id(), "U2");
  EXPECT_EQ(ranked.units(1).unit_name(), "甲单位");
  EXPECT_EQ(ranked.units(1).rank(), 2);
  // At 2023-04 time progress is 4/12 = 1/3: U1 is exactly on it, U2 just below (−0.033 points).
  EXPECT_FALSE(ranked.units(1).below_time_progress());
  EXPECT_EQ(ranked.units(1).gap_milli_points(), 0);
  EXPECT_TRUE(ranked.units(0).below_time_progress());
  EXPECT_EQ(ranked.units(0).gap_milli_points(), -33);
}

TEST(RankingTest, PrefectureRankCountsPeersAbove) {
  pb::Rate growth = MakeRate(36, 1000);  // 3.6%
  EXPECT_EQ(PrefectureRank(growth, {5100, 6300, 7800, 9000, 12400, 4200, 8800, -1200}), 8);
  EXPECT_EQ(PrefectureRank(growth, {3600}), 1);  // a tie is not above
  EXPECT_EQ(PrefectureRank(growth, {}), 0);
  EXPECT_EQ(PrefectureRank(MakeRate(5, 0), {1000}), 0);
}

// The hash taken row by row is the hash of the whole message, as versions frozen before hashed it: rows of one
// byte of length and of several (a long name), the empty period of no row, and the content hash without the time.
TEST(PackageDigestTest, StreamedHashIsTheWholeMessagesHash) {
  for (int rows : {0, 1, 3, 40}) {
    pb::GetProvincialPackageResponse whole;
    whole.set_period("2023-05");
    for (int i = 0; i < rows; ++i) {
      pb::PackageRow* row = whole.add_rows();
      row->set_project_id(1000 + i);
      row->set_project_code(absl::StrCat("2023-331181-48-01-", 100000 + i));
      row->set_project_name(std::string(static_cast<size_t>(i * 7), 'x') + "龙泉市项目");
      row->set_unit_name("龙泉市住建局");
      row->mutable_figure()->set_ytd_yuan(int64_t{1} << (i % 60));
    }
    whole.mutable_city()->mutable_total()->set_ytd_yuan(2'987'000'000);
    whole.mutable_snapshot_time()->set_seconds(1'685'000'000 + rows);
    PackageDigest digest(whole.period());
    for (const auto& row : whole.rows()) digest.AddRow(DeterministicBytes(row));
    EXPECT_EQ(digest.Sha256(whole.city(), whole.snapshot_time()), Sha256Hex(DeterministicBytes(whole))) << rows;
    EXPECT_EQ(digest.ContentSha256(whole.city()), ContentSha256(whole)) << rows;
    EXPECT_NE(digest.ContentSha256(whole.city()), Sha256Hex(DeterministicBytes(whole))) << rows;
    pb::GetProvincialPackageResponse other = whole;
    other.mutable_snapshot_time()->set_seconds(1);
    EXPECT_EQ(ContentSha256(other), ContentSha256(whole));
    if (rows > 0) {
      other.mutable_rows(rows - 1)->mutable_figure()->set_ytd_yuan(7);
      EXPECT_NE(ContentSha256(other), ContentSha256(whole));
    }
  }
}

}  // namespace
}  // namespace saima::stats
