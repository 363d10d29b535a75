// Each aggregation method on hand-computed examples (DOMAIN.md §5).

#include "services/scoring/aggregation.h"

#include <algorithm>
#include <random>

#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"

namespace saima::scoring {
namespace {

std::vector<pb::Criterion> DefaultCriteria() {
  std::vector<pb::Criterion> out;
  for (const auto& [id, weight] : {std::pair{"plan", 20}, {"progress", 30}, {"quality", 30}, {"innovation", 20}}) {
    pb::Criterion c;
    c.set_criterion_id(id);
    c.set_weight(weight);
    c.set_min_score(0);
    c.set_max_score(100);
    out.push_back(c);
  }
  return out;
}

Sheet Scores(const std::string& judge, const std::string& unit, int plan, int progress, int quality, int innovation) {
  return Sheet{judge, unit, {{"plan", plan}, {"progress", progress}, {"quality", quality}, {"innovation", innovation}}};
}

// U1 is scored by four judges; J2 belongs to U2 and is recused from it, so U2 has three sheets.
std::vector<Sheet> Sheets() {
  return {Scores("J1", "U1", 80, 90, 70, 60),   // 16 + 27 + 21 + 12 = 76
          Scores("J2", "U1", 90, 90, 90, 90),   // 90
          Scores("J3", "U1", 50, 50, 50, 50),   // 50
          Scores("J4", "U1", 70, 80, 80, 70),   // 14 + 24 + 24 + 14 = 76
          Scores("J1", "U2", 60, 60, 60, 60),   // 60
          Scores("J3", "U2", 65, 65, 65, 65),   // 65
          Scores("J4", "U2", 95, 95, 95, 95)};  // 95
}

std::vector<Entry> Entries() { return {{"U1", "龙渊街道", "all", 50, 100}, {"U2", "发展和改革局", "all", 30, 100}}; }

const pb::Result& Of(const std::vector<pb::Result>& results, const std::string& unit) {
  return *std::find_if(results.begin(), results.end(), [&](const pb::Result& r) { return r.unit_id() == unit; });
}

TEST(AggregationTest, WeightedMean) {
  auto results = Aggregate(pb::AGGREGATION_METHOD_WEIGHTED_MEAN, DefaultCriteria(), Entries(), Sheets());
  EXPECT_EQ(Of(results, "U1").score_milli(), 73000);  // (76 + 90 + 50 + 76) / 4
  EXPECT_EQ(Of(results, "U2").score_milli(), 73333);  // (60 + 65 + 95) / 3 = 73.333…
  EXPECT_EQ(results[0].unit_id(), "U2");
  EXPECT_EQ(Of(results, "U1").criterion_milli().at("plan"), 72500);  // (80 + 90 + 50 + 70) / 4
}

TEST(AggregationTest, TrimmedMeanWithARecusedJudge) {
  auto results = Aggregate(pb::AGGREGATION_METHOD_TRIMMED_MEAN, DefaultCriteria(), Entries(), Sheets());
  EXPECT_EQ(Of(results, "U1").score_milli(), 76000);  // drop 90 and 50: (76 + 76) / 2
  EXPECT_EQ(Of(results, "U1").sheets_counted(), 2);
  EXPECT_EQ(Of(results, "U2").score_milli(), 65000);  // J2 recused; of 60, 65, 95 only 65 remains
  EXPECT_EQ(Of(results, "U2").sheets_counted(), 1);
  EXPECT_EQ(results[0].unit_id(), "U1");
  EXPECT_EQ(results[0].rank(), 1);
}

TEST(AggregationTest, RankVoting) {
  // J1: U1 76 > U2 60; J3: U2 65 > U1 50; J4: U2 95 > U1 76; J2 scored U1 only.
  auto results = Aggregate(pb::AGGREGATION_METHOD_RANK_VOTING, DefaultCriteria(), Entries(), Sheets());
  EXPECT_EQ(Of(results, "U1").score_milli(), 98500);  // (100 + 100 + 97 + 97) / 4
  EXPECT_EQ(Of(results, "U2").score_milli(), 99000);  // (97 + 100 + 100) / 3
  EXPECT_EQ(results[0].unit_id(), "U2");
}

TEST(AggregationTest, PointsWithTheObjectivePart) {
  auto results = Aggregate(pb::AGGREGATION_METHOD_POINTS, DefaultCriteria(), Entries(), Sheets());
  EXPECT_EQ(Of(results, "U1").score_milli(), 59200);  // 0.4 × 73 + 60 × 0.5
  EXPECT_EQ(Of(results, "U2").score_milli(), 47333);  // 0.4 × 73.333… + 60 × 0.3 = 47.333…
  std::vector<Entry> over = {{"U1", "", "all", 150, 100}};
  EXPECT_EQ(Aggregate(pb::AGGREGATION_METHOD_POINTS, DefaultCriteria(), over, {})[0].score_milli(), 60000);  // capped
}

TEST(AggregationTest, TiesBreakOnCompletionRate) {
  std::vector<Sheet> sheets = {Scores("J1", "U1", 80, 80, 80, 80), Scores("J1", "U2", 80, 80, 80, 80)};
  auto results = Aggregate(pb::AGGREGATION_METHOD_WEIGHTED_MEAN, DefaultCriteria(), Entries(), sheets);
  EXPECT_EQ(results[0].unit_id(), "U1");  // 50% beats 30%
  std::vector<Entry> reversed = {{"U1", "", "all", 1, 3}, {"U2", "", "all", 333, 1000}};
  results = Aggregate(pb::AGGREGATION_METHOD_WEIGHTED_MEAN, DefaultCriteria(), reversed, sheets);
  EXPECT_EQ(results[0].unit_id(), "U1");  // 1/3 > 333/1000, compared exactly
}

TEST(AggregationTest, SameSheetsInAnyOrderGiveTheSameRanking) {
  const auto expected = Aggregate(pb::AGGREGATION_METHOD_TRIMMED_MEAN, DefaultCriteria(), Entries(), Sheets());
  std::mt19937 shuffle(7);
  for (int i = 0; i < 20; ++i) {
    auto sheets = Sheets();
    std::shuffle(sheets.begin(), sheets.end(), shuffle);
    auto entries = Entries();
    std::shuffle(entries.begin(), entries.end(), shuffle);
    const auto results = Aggregate(pb::AGGREGATION_METHOD_TRIMMED_MEAN, DefaultCriteria(), entries, sheets);
    ASSERT_EQ(results.size(), expected.size());
    for (size_t k = 0; k < results.size(); ++k) {
      EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(results[k], expected[k]))
          << results[k].DebugString() << expected[k].DebugString();
    }
  }
}

TEST(AggregationTest, PoolsAreRankedSeparately) {
  std::vector<Entry> entries = {{"U1", "", "towns", 0, 0}, {"U2", "", "departments", 0, 0}};
  auto results = Aggregate(pb::AGGREGATION_METHOD_WEIGHTED_MEAN, DefaultCriteria(), entries, Sheets());
  EXPECT_EQ(Of(results, "U1").rank(), 1);
  EXPECT_EQ(Of(results, "U2").rank(), 1);
}

}  // namespace
}  // namespace saima::scoring
