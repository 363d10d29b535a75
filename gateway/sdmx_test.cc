#include "gateway/sdmx.h"

#include "gateway/sdmx_structure.h"
#include "gtest/gtest.h"
#include "services/stats/indicators.h"

namespace saima::gateway::sdmx {
namespace {

namespace st = ::saima::stats::v1;
using Parameters = std::vector<std::pair<std::string, std::string>>;

const Settings kCity{"331181", "龙泉市", "Longquan"};

absl::StatusOr<DataQuery> Parse(const std::string& key, const Parameters& parameters = {},
                                const std::string& version = "1.0.0") {
  return ParseDataQuery("dataflow", "SAIMA", "FAI", version, key, parameters);
}

Observation Obs(const std::string& indicator, const std::string& period, const std::string& value,
                const std::string& status = "A") {
  return {"M", "331181", indicator, period, value, indicator.find("_YOY") != std::string::npos ? "PC" : "CNY",
          "0", status};
}

TEST(SdmxVersionTest, ExactAndWildcardVersions) {
  for (const char* v : {"1.0.0", "~", "+", "*", "1+.0.0", "1.0+.0", "1.0.0+", "0+.0.0"}) {
    EXPECT_TRUE(VersionMatches(v, "1.0.0")) << v;
  }
  for (const char* v : {"1.0", "2.0.0", "2+.0.0", "1.1+.0", "1.0.1", "latest"}) {
    EXPECT_FALSE(VersionMatches(v, "1.0.0")) << v;
  }
  EXPECT_TRUE(Parse("*", {}, "+").ok());
  EXPECT_TRUE(Parse("*", {}, "*").ok());
  EXPECT_EQ(Parse("*", {}, "2.0.0").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(ParseDataQuery("dataflow", "NBS", "FAI", "1.0.0", "", {}).status().code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(ParseDataQuery("*", "*", "*", "~", "", {}).ok());
}

TEST(SdmxKeyTest, MultipleKeysWildcardsAndOrWithinADimension) {
  auto q = Parse("M.331181.FAI_YTD,M.*.FAI_YOY");
  ASSERT_TRUE(q.ok()) << q.status();
  EXPECT_TRUE(q->Matches(Obs("FAI_YTD", "2023-05", "1")));
  EXPECT_TRUE(q->Matches(Obs("FAI_YOY", "2023-05", "1")));
  EXPECT_FALSE(q->Matches(Obs("FAI_PRIVATE_YTD", "2023-05", "1")));
  auto legacy = Parse("M..FAI_YTD+FAI_PRIVATE_YTD");  // an empty part is any; + is OR inside a dimension
  ASSERT_TRUE(legacy.ok());
  EXPECT_TRUE(legacy->Matches(Obs("FAI_PRIVATE_YTD", "2023-05", "1")));
  EXPECT_FALSE(legacy->Matches(Obs("FAI_YOY", "2023-05", "1")));
  EXPECT_EQ(Parse("M.331181").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Parse("M.331181.FAI_YTD,M").status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(SdmxFilterTest, EveryComponentCanBeFiltered) {
  auto q = Parse("*", {{"c[INDICATOR]", "FAI_YTD,FAI_YOY"}, {"c[OBS_STATUS]", "A"}});
  ASSERT_TRUE(q.ok()) << q.status();
  EXPECT_TRUE(q->Matches(Obs("FAI_YOY", "2023-05", "15.5")));
  EXPECT_FALSE(q->Matches(Obs("FAI_PRIVATE_YTD", "2023-05", "1")));  // not in the OR list
  EXPECT_FALSE(q->Matches(Obs("FAI_YTD", "2023-05", "1", "P")));     // provisional
  auto values = Parse("*", {{"c[OBS_VALUE]", "gt:100+le:200"}, {"c[UNIT_MEASURE]", "ne:PC"}});
  ASSERT_TRUE(values.ok()) << values.status();
  EXPECT_FALSE(values->Matches(Obs("FAI_YTD", "2023-05", "100")));  // gt is exclusive
  EXPECT_TRUE(values->Matches(Obs("FAI_YTD", "2023-05", "100.5")));
  EXPECT_TRUE(values->Matches(Obs("FAI_YTD", "2023-05", "200")));    // le is inclusive
  EXPECT_FALSE(values->Matches(Obs("FAI_YTD", "2023-05", "1000")));  // numbers, not text: 1000 > 200
  EXPECT_FALSE(values->Matches(Obs("FAI_YOY", "2023-05", "150")));
  auto text = Parse("*", {{"c[INDICATOR]", "sw:FAI_PRIVATE,ew:_YOY+co:HIGH"}});
  ASSERT_TRUE(text.ok());
  EXPECT_TRUE(text->Matches(Obs("FAI_PRIVATE_YTD", "2023-05", "1")));
  EXPECT_TRUE(text->Matches(Obs("FAI_HIGH_TECH_YOY", "2023-05", "1")));
  EXPECT_FALSE(text->Matches(Obs("FAI_HIGH_TECH_YTD", "2023-05", "1")));
  EXPECT_FALSE(Parse("*", {{"c[INDICATOR]", "nc:FAI"}})->Matches(Obs("FAI_YTD", "2023-05", "1")));
}

TEST(SdmxFilterTest, TimePeriodOperatorsAreExclusiveOrInclusiveAsNamed) {
  auto q = Parse("*", {{"c[TIME_PERIOD]", "gt:2023-02 lt:2023-05"}});  // '+' arrives decoded as a space
  ASSERT_TRUE(q.ok()) << q.status();
  EXPECT_FALSE(q->Matches(Obs("FAI_YTD", "2023-02", "1")));
  EXPECT_TRUE(q->Matches(Obs("FAI_YTD", "2023-03", "1")));
  EXPECT_TRUE(q->Matches(Obs("FAI_YTD", "2023-04", "1")));
  EXPECT_FALSE(q->Matches(Obs("FAI_YTD", "2023-05", "1")));
  EXPECT_EQ(*q->from, "2023-03");
  EXPECT_EQ(*q->to, "2023-04");
  auto year = Parse("*", {{"c[TIME_PERIOD]", "2022"}});  // no operator: eq; a year is its twelve months
  ASSERT_TRUE(year.ok());
  EXPECT_TRUE(year->Matches(Obs("FAI_YTD", "2022-07", "1")));
  EXPECT_FALSE(year->Matches(Obs("FAI_YTD", "2023-02", "1")));
  EXPECT_EQ(*year->from, "2022-01");
  EXPECT_EQ(*year->to, "2022-12");
  auto quarter = Parse("*", {{"c[TIME_PERIOD]", "ge:2023-Q2"}, {"c[FREQ]", "M"}});
  ASSERT_TRUE(quarter.ok());
  EXPECT_FALSE(quarter->Matches(Obs("FAI_YTD", "2023-03", "1")));
  EXPECT_TRUE(quarter->Matches(Obs("FAI_YTD", "2023-04", "1")));
  EXPECT_FALSE(quarter->to.has_value());
  auto either = Parse("*", {{"c[TIME_PERIOD]", "eq:2022-05,eq:2023-M05"}});
  ASSERT_TRUE(either.ok());
  EXPECT_TRUE(either->Matches(Obs("FAI_YTD", "2022-05", "1")));
  EXPECT_TRUE(either->Matches(Obs("FAI_YTD", "2023-05", "1")));
  EXPECT_FALSE(either->Matches(Obs("FAI_YTD", "2023-04", "1")));
  EXPECT_EQ(*either->from, "2022-05");
  EXPECT_EQ(*either->to, "2023-05");
}

TEST(SdmxFilterTest, BadParametersAreRefusedNamingThem) {
  const std::pair<std::string, std::string> bad[] = {{"c[COLOUR]", "red"},
                                                     {"c[TIME_PERIOD]", "ge:May"},
                                                     {"c[OBS_VALUE]", "gt:lots"},
                                                     {"c[INDICATOR]", "eq:"},
                                                     {"c[FREQ]", "M,"},
                                                     {"lastNObservations", "0"},
                                                     {"firstNObservations", "x"},
                                                     {"dimensionAtObservation", "COLOUR"},
                                                     {"updatedAfter", "yesterday"},
                                                     {"colour", "red"}};
  for (const auto& p : bad) {
    auto q = Parse("*", {p});
    EXPECT_EQ(q.status().code(), absl::StatusCode::kInvalidArgument) << p.first << "=" << p.second;
    EXPECT_NE(q.status().message().find(p.first), std::string::npos) << q.status();
  }
  EXPECT_EQ(Parse("*", {{"c[FREQ]", "M"}, {"c[FREQ]", "A"}}).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Parse("*", {{"includeHistory", "true"}}).status().code(), absl::StatusCode::kUnimplemented);
  EXPECT_EQ(Parse("*", {{"attributes", "msd"}}).status().code(), absl::StatusCode::kUnimplemented);
  EXPECT_EQ(Parse("*", {{"attributes", "COLOUR"}}).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Parse("*", {{"measures", "UNIT_MULT"}}).status().code(), absl::StatusCode::kInvalidArgument);
  auto ok = Parse("*", {{"dimensionAtObservation", "AllDimensions"},
                        {"updatedAfter", "2023-06-01T00:00:00+08:00"},
                        {"lastNObservations", "2"}});
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ(*ok->updated_after, 1685548800);
}

TEST(SdmxColumnsTest, AttributesAndMeasuresChooseTheColumns) {
  const std::vector<Observation> one = {Obs("FAI_YTD", "2023-05", "10")};
  auto none = Parse("*", {{"attributes", "none"}});
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(ToCsv(one, none->columns, CsvFormat{}, kCity, "zh"),
            "STRUCTURE,STRUCTURE_ID,ACTION,FREQ,REF_AREA,INDICATOR,TIME_PERIOD,OBS_VALUE\r\n"
            "dataflow,SAIMA:FAI(1.0.0),I,M,331181,FAI_YTD,2023-05,10\r\n");
  auto some = Parse("*", {{"attributes", "OBS_STATUS"}, {"measures", "none"}});
  ASSERT_TRUE(some.ok());
  EXPECT_EQ(ToCsv(one, some->columns, CsvFormat{}, kCity, "zh"),
            "STRUCTURE,STRUCTURE_ID,ACTION,FREQ,REF_AREA,INDICATOR,TIME_PERIOD,OBS_STATUS\r\n"
            "dataflow,SAIMA:FAI(1.0.0),I,M,331181,FAI_YTD,2023-05,A\r\n");
  EXPECT_EQ(Parse("*", {{"attributes", "dsd"}, {"measures", "all"}})->columns, DataQuery{}.columns);
}

TEST(SdmxFirstLastTest, KeepsTheFirstAndLastOfEachSeries) {
  std::vector<Observation> all;
  for (const char* p : {"2023-05", "2023-02", "2023-03", "2023-04"}) {
    all.push_back(Obs("FAI_YTD", p, "1"));
    all.push_back(Obs("FAI_YOY", p, "1"));
  }
  DataQuery last;
  last.last_n = 2;
  auto kept = KeepFirstLast(last, all);
  ASSERT_EQ(kept.size(), 4u);
  for (const auto& o : kept) EXPECT_TRUE(o.time_period == "2023-04" || o.time_period == "2023-05") << o.time_period;
  DataQuery both;
  both.first_n = 1;
  both.last_n = 1;
  kept = KeepFirstLast(both, all);
  ASSERT_EQ(kept.size(), 4u);
  for (const auto& o : kept) EXPECT_TRUE(o.time_period == "2023-02" || o.time_period == "2023-05") << o.time_period;
  EXPECT_EQ(KeepFirstLast(DataQuery{}, all).size(), all.size());
}

TEST(SdmxCsvTest, ObservationsFollowSdmxCsv2WithCrlf) {
  st::GetIndicatorsResponse city;
  city.set_period("2023-05");
  city.mutable_total()->set_ytd_yuan(2'987'000'000);
  *city.mutable_total()->mutable_yoy_growth() = stats::MakeRate(403'000'000, 2'584'000'000);
  auto* hightech = city.add_categories();
  hightech->set_category(st::CATEGORY_HIGH_TECH);
  *hightech->mutable_yoy_growth() = stats::MakeRate(-35, 1000);
  auto observations = ObservationsOf(kCity, city);
  ASSERT_EQ(observations.size(), 4u);
  EXPECT_EQ(ToCsv(observations, DataQuery{}.columns, CsvFormat{}, kCity, "zh"),
            "STRUCTURE,STRUCTURE_ID,ACTION,FREQ,REF_AREA,INDICATOR,TIME_PERIOD,OBS_VALUE,UNIT_MEASURE,UNIT_MULT,"
            "OBS_STATUS\r\n"
            "dataflow,SAIMA:FAI(1.0.0),I,M,331181,FAI_YTD,2023-05,2987000000,CNY,0,A\r\n"
            "dataflow,SAIMA:FAI(1.0.0),I,M,331181,FAI_YOY,2023-05,15.5960,PC,0,A\r\n"
            "dataflow,SAIMA:FAI(1.0.0),I,M,331181,FAI_HIGH_TECH_YTD,2023-05,0,CNY,0,A\r\n"
            "dataflow,SAIMA:FAI(1.0.0),I,M,331181,FAI_HIGH_TECH_YOY,2023-05,-3.5000,PC,0,A\r\n");
  city.set_provisional(true);
  EXPECT_EQ(ObservationsOf(kCity, city)[0].obs_status, "P");
}

TEST(SdmxCsvTest, LabelsAndKeysFromTheAcceptHeader) {
  auto both = NegotiateCsv("application/vnd.sdmx.data+csv;version=2.0.0;labels=both;keys=series");
  ASSERT_TRUE(both.ok());
  const std::string csv = ToCsv({Obs("FAI_YTD", "2023-05", "10")}, DataQuery{}.columns, *both, kCity, "zh");
  EXPECT_EQ(csv,
            "STRUCTURE,STRUCTURE_ID,ACTION,SERIES_KEY,FREQ: 频率,REF_AREA: 地区,INDICATOR: 指标,TIME_PERIOD: 时期,"
            "OBS_VALUE: 观测值,UNIT_MEASURE: 计量单位,UNIT_MULT: 单位乘数,OBS_STATUS: 观测值状态\r\n"
            "dataflow,SAIMA:FAI(1.0.0): 固定资产投资主要指标(月度),I,M.331181.FAI_YTD,M: 月,331181: 龙泉市,"
            "FAI_YTD: 固定资产投资自年初累计完成额,2023-05,10,CNY: 元,0: 个,A: 正常值\r\n");
  auto names = NegotiateCsv("text/csv;labels=name;keys=obs");
  ASSERT_TRUE(names.ok());
  const std::string english = ToCsv({Obs("FAI_YTD", "2023-05", "10")}, DataQuery{}.columns, *names, kCity, "en");
  EXPECT_NE(english.find(",OBS_KEY,Frequency,"), std::string::npos) << english;
  EXPECT_NE(english.find(",M.331181.FAI_YTD.2023-05,Monthly,Longquan,"), std::string::npos) << english;
}

TEST(SdmxCsvTest, OnlySdmxCsv2IsAcceptable) {
  for (const char* ok : {"", "*/*", "text/csv", "application/vnd.sdmx.data+csv;version=2.0.0",
                         "application/json;q=0.9, text/csv;q=0.5", "application/vnd.sdmx.data+csv"}) {
    EXPECT_TRUE(NegotiateCsv(ok).ok()) << ok;
  }
  for (const char* refused : {"application/vnd.sdmx.data+csv;version=1.0.0", "application/json",
                              "application/vnd.sdmx.data+json;version=2.0.0", "text/csv;q=0",
                              "application/vnd.sdmx.data+csv;version=2.0.0;labels=all", ";", ",;,"}) {
    EXPECT_EQ(NegotiateCsv(refused).status().code(), absl::StatusCode::kFailedPrecondition) << refused;
  }
  // Found by the fuzzer: a media range of nothing but separators names no type (it was read past the end).
  EXPECT_EQ(NegotiateStructure(";;, ;").status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST(SdmxStructureTest, NegotiatesJsonAndXmlAndRefusesOtherVersions) {
  EXPECT_EQ(*NegotiateStructure(""), StructureFormat::kJson);
  EXPECT_EQ(*NegotiateStructure("application/vnd.sdmx.structure+xml;version=3.0.0"), StructureFormat::kXml);
  EXPECT_EQ(*NegotiateStructure("application/xml"), StructureFormat::kXml);
  EXPECT_EQ(NegotiateStructure("application/vnd.sdmx.structure+json;version=1.0.0").status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(NegotiateStructure("application/vnd.sdmx.structure+xml;version=2.1").status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST(SdmxStructureTest, ReferencesBringInTheRelatedArtefacts) {
  auto message = [](const std::vector<std::string>& path, const Parameters& p) {
    auto q = ParseStructureQuery(path, p);
    EXPECT_TRUE(q.ok()) << q.status();
    auto m = StructureMessage(kCity, *q, StructureFormat::kJson, absl::FromUnixSeconds(1'700'000'000));
    EXPECT_TRUE(m.ok()) << m.status();
    return m.ok() ? *m : "";
  };
  const std::string flow = message({"dataflow", "SAIMA", "FAI", "1.0.0"}, {});
  EXPECT_NE(flow.find("\"dataflows\""), std::string::npos);
  EXPECT_EQ(flow.find("\"dataStructures\""), std::string::npos);
  const std::string all = message({"dataflow", "SAIMA", "FAI", "+"}, {{"references", "descendants"}});
  for (const char* id : {"DSD_FAI", "CS_FAI", "CL_FREQ", "CL_AREA", "CL_INDICATOR", "CL_UNIT_MEASURE", "CL_UNIT_MULT",
                         "CL_OBS_STATUS", "Longquan", "龙泉市"}) {
    EXPECT_NE(all.find(id), std::string::npos) << id;
  }
  const std::string parents = message({"codelist", "SAIMA", "CL_FREQ"}, {{"references", "parents"}});
  EXPECT_NE(parents.find("\"DSD_FAI\""), std::string::npos);
  EXPECT_EQ(parents.find("\"dataflows\""), std::string::npos);
  const std::string stubs =
      message({"datastructure", "*", "*"}, {{"references", "children"}, {"detail", "referencestubs"}});
  EXPECT_NE(stubs.find("dataStructureComponents"), std::string::npos);  // the DSD itself in full
  EXPECT_EQ(stubs.find("\"codes\""), std::string::npos);                // its codelists as stubs
  EXPECT_EQ(ParseStructureQuery({"categoryscheme"}, {}).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(ParseStructureQuery({"codelist"}, {{"detail", "everything"}}).status().code(),
            absl::StatusCode::kInvalidArgument);
  auto none = ParseStructureQuery({"codelist", "SAIMA", "CL_COLOUR"}, {});
  EXPECT_EQ(StructureMessage(kCity, *none, StructureFormat::kXml, absl::Now()).status().code(),
            absl::StatusCode::kNotFound);
  auto old = ParseStructureQuery({"dataflow", "SAIMA", "FAI", "1.0"}, {});
  EXPECT_EQ(StructureMessage(kCity, *old, StructureFormat::kJson, absl::Now()).status().code(),
            absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace saima::gateway::sdmx
