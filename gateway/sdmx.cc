#include "gateway/sdmx.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "common/format.h"
#include "common/names.h"
#include "common/period.h"
#include "common/status.h"
#include "nlohmann/json.hpp"
#include "services/stats/indicators.h"

namespace saima::gateway::sdmx {
namespace {

namespace st = ::saima::stats::v1;

// INDICATOR codes: a category and a measure (_YTD in 元, _YOY in percent).
std::string CategoryCode(st::Category c) {
  switch (c) {
    case st::CATEGORY_UNSPECIFIED:
      return "FAI";
    case st::CATEGORY_PRIVATE:
      return "FAI_PRIVATE";
    case st::CATEGORY_STATE:
      return "FAI_STATE";
    case st::CATEGORY_INDUSTRIAL_RENOVATION:
      return "FAI_IND_RENOVATION";
    case st::CATEGORY_MANUFACTURING:
      return "FAI_MANUFACTURING";
    case st::CATEGORY_TRANSPORT_ENERGY_WATER:
      return "FAI_TRANSPORT_ENERGY_WATER";
    case st::CATEGORY_HIGH_TECH:
      return "FAI_HIGH_TECH";
    case st::CATEGORY_CONSTRUCTION_INSTALLATION:
      return "FAI_CONSTRUCTION_INSTALLATION";
    case st::CATEGORY_PRIMARY:
      return "FAI_PRIMARY";
    case st::CATEGORY_SECONDARY:
      return "FAI_SECONDARY";
    case st::CATEGORY_TERTIARY:
      return "FAI_TERTIARY";
    default:
      return "";
  }
}

std::set<std::string> Values(absl::string_view part) {
  std::set<std::string> out;
  if (part.empty() || part == "*") return out;
  for (absl::string_view v : absl::StrSplit(part, absl::ByAnyChar("+ "), absl::SkipEmpty())) out.emplace(v);
  return out;
}

bool Allowed(const std::set<std::string>& set, const std::string& value) { return set.empty() || set.count(value); }

// A growth as a percentage with four decimals, rounded half away from zero from the exact fraction.
std::string PercentValue(const st::Rate& rate) {
  return RoundedDecimal(rate.numerator(), rate.denominator(), 1'000'000, 4);  // percent × 10^4
}

}  // namespace

absl::StatusOr<DataQuery> ParseDataQuery(const std::string& agency, const std::string& flow, const std::string& version,
                                         const std::string& key, const std::string& time_filter) {
  if (agency != kAgency || flow != kFlow || (version != kVersion && version != "latest" && version != "~")) {
    return Error(absl::StatusCode::kNotFound,
                 absl::StrCat("no dataflow ", agency, ":", flow, "(", version, "); this service has ", kAgency, ":",
                              kFlow, "(", kVersion, ")"),
                 absl::StrCat("不存在数据流 ", agency, ":", flow, "(", version, ")"));
  }
  DataQuery q;
  if (!key.empty() && key != "all" && key != "*") {
    std::vector<std::string> parts = absl::StrSplit(key, '.');
    if (parts.size() != 3)
      return InvalidField("key", "must have 3 dimensions: FREQ.REF_AREA.INDICATOR",
                          "键应有 3 个维度：FREQ.REF_AREA.INDICATOR");
    q.freq = Values(parts[0]);
    q.ref_area = Values(parts[1]);
    q.indicator = Values(parts[2]);
  }
  if (!time_filter.empty()) {
    for (absl::string_view clause : absl::StrSplit(time_filter, absl::ByAnyChar("+ "), absl::SkipEmpty())) {
      std::pair<std::string, std::string> op = absl::StrSplit(clause, absl::MaxSplits(':', 1));
      const std::string value = op.second.substr(0, 7);
      if (!Period::Parse(value) &&
          !(value.size() == 7 && value.substr(5) == "01" && Period::Parse(value.substr(0, 5) + "02"))) {
        return InvalidField("c[TIME_PERIOD]", absl::StrCat("'", std::string(clause), "' is not ge:|le:|eq: YYYY-MM"),
                            absl::StrCat("时间条件“", std::string(clause), "”应写作 ge:|le:|eq: 加 YYYY-MM"));
      }
      if (op.first == "ge" || op.first == "gt") {
        q.from = value;
      } else if (op.first == "le" || op.first == "lt") {
        q.to = value;
      } else if (op.first == "eq") {
        q.from = q.to = value;
      } else {
        return InvalidField("c[TIME_PERIOD]", absl::StrCat("operator '", op.first, "' is not ge, le or eq"),
                            absl::StrCat("运算符“", op.first, "”应为 ge、le 或 eq"));
      }
    }
  }
  return q;
}

std::vector<std::string> PeriodsOf(const DataQuery& query, const std::string& first, const std::string& last) {
  std::vector<std::string> out;
  auto start = Period::Parse(first);
  auto end = Period::Parse(last);
  if (!start || !end) return out;
  for (Period p = *start; !(*end < p); p = p.Next()) {
    const std::string text = p.ToString();
    if (query.from && text < *query.from) continue;
    if (query.to && text > *query.to) continue;
    out.push_back(text);
  }
  return out;
}

std::string CsvHeader() {
  return "STRUCTURE,STRUCTURE_ID,ACTION,FREQ,REF_AREA,INDICATOR,TIME_PERIOD,OBS_VALUE,UNIT_MEASURE,UNIT_MULT,"
         "OBS_STATUS";
}

std::vector<std::string> CsvRows(const DataQuery& query, const std::string& region,
                                 const st::GetIndicatorsResponse& indicators) {
  std::vector<std::string> rows;
  if (!Allowed(query.freq, "M") || !Allowed(query.ref_area, region)) return rows;
  const std::string status = indicators.provisional() ? "P" : "A";
  const std::string prefix = absl::StrCat("dataflow,", kAgency, ":", kFlow, "(", kVersion, "),I,M,", region, ",");
  auto add = [&](st::Category category, const st::Indicator& i) {
    const std::string code = CategoryCode(category);
    if (Allowed(query.indicator, code + "_YTD")) {
      rows.push_back(absl::StrCat(prefix, code, "_YTD,", indicators.period(), ",", i.ytd_yuan(), ",CNY,0,", status));
    }
    if (i.yoy_growth().defined() && Allowed(query.indicator, code + "_YOY")) {
      rows.push_back(absl::StrCat(prefix, code, "_YOY,", indicators.period(), ",", PercentValue(i.yoy_growth()),
                                  ",PC,0,", status));
    }
  };
  add(st::CATEGORY_UNSPECIFIED, indicators.total());
  for (const auto& c : indicators.categories()) add(c.category(), c);
  return rows;
}

std::string IndicatorCodelistJson() {
  nlohmann::json codes = nlohmann::json::array();
  for (int c = st::CATEGORY_UNSPECIFIED; c <= st::CATEGORY_TERTIARY; ++c) {
    const auto category = static_cast<st::Category>(c);
    const std::string name = DisplayNameOf(category);
    codes.push_back({{"id", CategoryCode(category) + "_YTD"}, {"names", {{"zh", name + " 自年初累计 (元)"}}}});
    codes.push_back({{"id", CategoryCode(category) + "_YOY"}, {"names", {{"zh", name + " 同比增长 (%)"}}}});
  }
  nlohmann::json message = {{"meta", {{"schema", "https://json.sdmx.org/2.0.0/sdmx-json-structure-schema.json"}}},
                            {"data",
                             {{"codelists",
                               {{{"id", "CL_INDICATOR"},
                                 {"agencyID", kAgency},
                                 {"version", kVersion},
                                 {"names", {{"zh", "固定资产投资指标"}}},
                                 {"codes", codes}},
                                {{"id", "CL_FREQ"},
                                 {"agencyID", kAgency},
                                 {"version", kVersion},
                                 {"names", {{"zh", "频率"}}},
                                 {"codes", {{{"id", "M"}, {"names", {{"zh", "月"}}}}}}}}}}}};
  return message.dump(2);
}

}  // namespace saima::gateway::sdmx
