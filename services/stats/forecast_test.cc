// The year-end forecast on series with a known seasonal shape.

#include "services/stats/forecast.h"

#include "gtest/gtest.h"

namespace saima::stats {
namespace {

// A year whose cumulative shares by month are `shares` (2..12) of `total`.
YearSeries Year(int64_t total, const std::array<double, 13>& shares) {
  YearSeries y{};
  for (int m = 2; m <= 12; ++m) y[m] = static_cast<int64_t>(total * shares[m]);
  return y;
}

constexpr std::array<double, 13> kShape = {0, 0, 0.10, 0.18, 0.28, 0.40, 0.50, 0.58, 0.67, 0.76, 0.84, 0.92, 1.0};

TEST(ForecastTest, RecoversTheTotalOfAKnownShape) {
  ScopeHistory history = {{2020, Year(1000'000'000, kShape)}, {2021, Year(1200'000'000, kShape)}};
  // This year follows the same shape at 1.5 billion: by May it has 600 million.
  const auto shares = SharesAt(history, 5);
  ASSERT_EQ(shares.size(), 2u);
  EXPECT_DOUBLE_EQ(shares.at(2020), 0.40);
  Projection p = Project(600'000'000, shares);
  ASSERT_TRUE(p.possible);
  EXPECT_EQ(p.point, 1500'000'000);
  EXPECT_EQ(p.low, p.high);  // identical shapes: no spread
  EXPECT_EQ(p.years, (std::vector<int>{2020, 2021}));
  // December: the year-to-date is the year.
  EXPECT_EQ(Project(1500'000'000, SharesAt(history, 12)).point, 1500'000'000);
}

TEST(ForecastTest, RangeFromTheSpreadOfPastYears) {
  auto early = kShape, late = kShape;
  early[5] = 0.44;
  late[5] = 0.36;
  ScopeHistory history = {{2019, Year(1000, kShape)}, {2020, Year(1000, early)}, {2021, Year(1000, late)}};
  Projection p = Project(400, SharesAt(history, 5));
  EXPECT_EQ(p.point, 1000);  // the median share 0.40
  EXPECT_EQ(p.low, 909);     // 400 / 0.44
  EXPECT_EQ(p.high, 1111);   // 400 / 0.36
  EXPECT_DOUBLE_EQ(p.share, 0.40);
  // Verdicts: the whole range reaches the target, the target inside it, or even the top misses.
  EXPECT_EQ(VerdictOf(p, 909), pb::FORECAST_VERDICT_LIKELY);
  EXPECT_EQ(VerdictOf(p, 910), pb::FORECAST_VERDICT_DOUBTFUL);
  EXPECT_EQ(VerdictOf(p, 1111), pb::FORECAST_VERDICT_DOUBTFUL);
  EXPECT_EQ(VerdictOf(p, 1112), pb::FORECAST_VERDICT_UNLIKELY);
  EXPECT_EQ(VerdictOf(p, 0), pb::FORECAST_VERDICT_UNSPECIFIED);
  EXPECT_EQ(VerdictOf(Projection{}, 1000), pb::FORECAST_VERDICT_NO_HISTORY);
}

TEST(ForecastTest, YearsWithoutTheMonthOrDecemberAreNotUsed) {
  YearSeries partial{};
  partial[10] = 50;
  partial[12] = 100;  // started in October: no May share
  YearSeries open = Year(1000, kShape);
  open[12] = 0;  // no December
  ScopeHistory history = {{2020, partial}, {2021, open}};
  EXPECT_TRUE(SharesAt(history, 5).empty());
  EXPECT_FALSE(Project(100, SharesAt(history, 5)).possible);
  EXPECT_EQ(SharesAt(history, 10).size(), 1u);
}

TEST(ForecastTest, SummaryNamesFigureGrowthRangeAndVerdict) {
  auto early = kShape, late = kShape;
  early[5] = 0.44;
  late[5] = 0.36;
  ScopeHistory history = {{2020, Year(1000, early)}, {2021, Year(1000, late)}};
  Projection p = Project(2'987'000'000, SharesAt(history, 5));
  pb::Forecast f = MakeForecast("city", "全市", 2'987'000'000, p, true, 6'460'000'000, 7'429'000'000, true);
  EXPECT_EQ(f.verdict(), pb::FORECAST_VERDICT_DOUBTFUL);
  EXPECT_TRUE(f.growth().defined());
  EXPECT_EQ(f.share_permille(), 400);
  EXPECT_EQ(f.summary(),
            "预计全年完成 74.68 亿元，增长 +15.6%，区间 67.89—82.97 亿元（+5.1% 至 +28.4%）；目标 74.29 "
            "亿元，达成目标：存疑");
  pb::Forecast none = MakeForecast("unit:U1", "某局", 100, Projection{}, false, 0, 500, false);
  EXPECT_EQ(none.verdict(), pb::FORECAST_VERDICT_NO_HISTORY);
  EXPECT_FALSE(none.growth().defined());
}

}  // namespace
}  // namespace saima::stats
