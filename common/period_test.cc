// The period, date and progress vocabulary every binary shares (common/period.h, common/progress.h).

#include "common/period.h"

#include "common/progress.h"
#include "common/status.h"
#include "gtest/gtest.h"
#include "saima/stats/v1/stats.pb.h"

namespace saima {
namespace {

TEST(PeriodTest, MonthsTwoToTwelveOnly) {
  EXPECT_TRUE(Period::Parse("2023-02"));
  EXPECT_TRUE(Period::Parse("2023-12"));
  EXPECT_FALSE(Period::Parse("2023-01"));  // the 02 report covers January
  EXPECT_FALSE(Period::Parse("2023-13"));
  EXPECT_FALSE(Period::Parse("2023-5"));
  EXPECT_FALSE(Period::Parse("2023/05"));
  EXPECT_EQ(Period::Parse("2023-02")->EndDate(), "2023-02-28");
  EXPECT_EQ(Period::Parse("2024-02")->EndDate(), "2024-02-29");
  EXPECT_EQ(Period::Parse("2023-05")->MonthsBeforeStart(2), "2023-03-01");
}

TEST(PeriodTest, OneMessageNamingTheField) {
  Violations v;
  CheckPeriod("2023-01", "decision.period", v);
  CheckPeriod("2023-05", "report.period", v);
  ASSERT_EQ(v.items().size(), 1u);
  EXPECT_EQ(v.items()[0].field, "decision.period");
  EXPECT_NE(v.items()[0].localized.find("02 至 12"), std::string::npos);
}

TEST(DateTest, OnlyRealDays) {
  EXPECT_TRUE(IsDate("2024-02-29"));
  EXPECT_FALSE(IsDate("2023-02-29"));
  EXPECT_FALSE(IsDate("2023-02-30"));  // absl would read it as March 2nd
  EXPECT_FALSE(IsDate("2023-2-01"));
  EXPECT_FALSE(IsDate("2023-13-01"));
  EXPECT_FALSE(IsDate("+023-01-01"));
  EXPECT_FALSE(IsDate(""));
  Violations v;
  CheckDate("", "deadline", "落实期限", v);  // not given
  CheckDate("2023-06-31", "deadline", "落实期限", v);
  ASSERT_EQ(v.items().size(), 1u);
  EXPECT_EQ(v.items()[0].localized, "落实期限应为有效日期，写作 YYYY-MM-DD");
}

TEST(ProgressTest, GapIsExactForDecisionsAndRoundedHalfAwayFromZeroForDisplay) {
  // plan 120万 at 2023-05: gap = (12·ytd − 5·plan) / 144 milli-points.
  EXPECT_EQ(CompareWithTimeProgress(500'000, 1'200'000, 5), 0);
  EXPECT_EQ(GapMilliPoints(500'000, 1'200'000, 5), 0);
  EXPECT_EQ(GapMilliPoints(500'030, 1'200'000, 5), 3);   // +2.5 → 3
  EXPECT_EQ(GapMilliPoints(499'970, 1'200'000, 5), -3);  // −2.5 → −3
  EXPECT_EQ(GapMilliPoints(500'029, 1'200'000, 5), 2);   // +2.42 → 2
  EXPECT_EQ(GapMilliPoints(499'971, 1'200'000, 5), -2);  // −2.42 → −2
  EXPECT_TRUE(GapAtLeast(500'030, 1'200'000, 5, 2));
  EXPECT_FALSE(GapAtLeast(500'030, 1'200'000, 5, 3));  // 2.5 is not 3, whatever the display shows
  EXPECT_EQ(CompareWithTimeProgress(499'999, 1'200'000, 5), -1);
  // Amounts at the 10^14 limit do not overflow.
  EXPECT_EQ(CompareWithTimeProgress(100'000'000'000'000, 100'000'000'000'000, 12), 0);
  EXPECT_EQ(GapMilliPoints(0, 100'000'000'000'000, 12), -100'000);
}

TEST(ProgressTest, BehindIsWarningOrLagging) {
  EXPECT_FALSE(IsBehind(stats::v1::PROGRESS_STATUS_AHEAD));
  EXPECT_FALSE(IsBehind(stats::v1::PROGRESS_STATUS_NORMAL));
  EXPECT_TRUE(IsBehind(stats::v1::PROGRESS_STATUS_WARNING));
  EXPECT_TRUE(IsBehind(stats::v1::PROGRESS_STATUS_LAGGING));
  EXPECT_FALSE(IsBehind(stats::v1::PROGRESS_STATUS_UNSPECIFIED));
}

}  // namespace
}  // namespace saima
