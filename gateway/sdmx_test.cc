#include "gateway/sdmx.h"

#include "gtest/gtest.h"
#include "services/stats/indicators.h"

namespace saima::gateway::sdmx {
namespace {

namespace st = ::saima::stats::v1;

TEST(SdmxQueryTest, ParsesKeyWildcardsAndTimeRange) {
  auto q = ParseDataQuery("SAIMA", "FAI", "1.0", "M..FAI_YTD+FAI_YOY", "ge:2023-02+le:2023-05");
  ASSERT_TRUE(q.ok()) << q.status();
  EXPECT_EQ(q->freq, std::set<std::string>{"M"});
  EXPECT_TRUE(q->ref_area.empty());
  EXPECT_EQ(q->indicator, (std::set<std::string>{"FAI_YTD", "FAI_YOY"}));
  EXPECT_EQ(*q->from, "2023-02");
  EXPECT_EQ(*q->to, "2023-05");
  // '+' arrives as a space once the query string is decoded.
  EXPECT_TRUE(ParseDataQuery("SAIMA", "FAI", "1.0", "*", "ge:2023-01 le:2023-05").ok());
  EXPECT_TRUE(ParseDataQuery("SAIMA", "FAI", "latest", "all", "").ok());
}

TEST(SdmxQueryTest, RefusesOtherFlowsAndBadParts) {
  EXPECT_EQ(ParseDataQuery("NBS", "FAI", "1.0", "", "").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(ParseDataQuery("SAIMA", "FAI", "1.0", "M.331181", "").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseDataQuery("SAIMA", "FAI", "1.0", "", "gt2023-01").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseDataQuery("SAIMA", "FAI", "1.0", "", "ne:2023-05").status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(SdmxQueryTest, PeriodsSkipJanuaryAndRespectBounds) {
  DataQuery q;
  q.from = "2023-01";
  q.to = "2023-04";
  EXPECT_EQ(PeriodsOf(q, "2022-11", "2023-12"), (std::vector<std::string>{"2023-02", "2023-03", "2023-04"}));
  EXPECT_EQ(PeriodsOf(DataQuery{}, "2022-11", "2023-03"),
            (std::vector<std::string>{"2022-11", "2022-12", "2023-02", "2023-03"}));
}

TEST(SdmxCsvTest, RowsFollowSdmxCsv2) {
  st::GetIndicatorsResponse city;
  city.set_period("2023-05");
  city.mutable_total()->set_ytd_yuan(2'987'000'000);
  *city.mutable_total()->mutable_yoy_growth() = stats::MakeRate(403'000'000, 2'584'000'000);
  auto* hightech = city.add_categories();
  hightech->set_category(st::CATEGORY_HIGH_TECH);
  *hightech->mutable_yoy_growth() = stats::MakeRate(-35, 1000);
  DataQuery all;
  auto rows = CsvRows(all, "331181", city);
  EXPECT_EQ(CsvHeader(),
            "STRUCTURE,STRUCTURE_ID,ACTION,FREQ,REF_AREA,INDICATOR,TIME_PERIOD,OBS_VALUE,UNIT_MEASURE,UNIT_MULT,"
            "OBS_STATUS");
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0], "dataflow,SAIMA:FAI(1.0),I,M,331181,FAI_YTD,2023-05,2987000000,CNY,0,A");
  EXPECT_EQ(rows[1], "dataflow,SAIMA:FAI(1.0),I,M,331181,FAI_YOY,2023-05,15.5960,PC,0,A");
  EXPECT_EQ(rows[3], "dataflow,SAIMA:FAI(1.0),I,M,331181,FAI_HIGH_TECH_YOY,2023-05,-3.5000,PC,0,A");
  DataQuery other_area;
  other_area.ref_area = {"331102"};
  EXPECT_TRUE(CsvRows(other_area, "331181", city).empty());
  city.set_provisional(true);
  EXPECT_EQ(CsvRows(all, "331181", city)[0].back(), 'P');
}

}  // namespace
}  // namespace saima::gateway::sdmx
