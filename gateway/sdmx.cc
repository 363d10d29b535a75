#include "gateway/sdmx.h"

#include <algorithm>
#include <cstdlib>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"
#include "common/csv.h"
#include "common/format.h"
#include "common/status.h"
#include "gateway/sdmx_structure.h"

namespace saima::gateway::sdmx {
namespace {

namespace st = ::saima::stats::v1;

constexpr int kDimensions = 3;  // FREQ.REF_AREA.INDICATOR
const char* const kComponents[] = {"FREQ",      "REF_AREA",     "INDICATOR", "TIME_PERIOD",
                                   "OBS_VALUE", "UNIT_MEASURE", "UNIT_MULT", "OBS_STATUS"};
const char* const kOperators[] = {"eq", "ne", "lt", "le", "gt", "ge", "co", "nc", "sw", "ew"};

absl::Status Invalid(const std::string& field, const std::string& rule, const std::string& rule_zh) {
  return InvalidField(field, rule, rule_zh);
}

// A month as a number (year × 12 + month − 1), for comparing periods.
using Month = int;

// The months a TIME_PERIOD value covers: 2023 (the year), 2023-05 or 2023-M05 (a month), 2023-Q2 (a quarter),
// 2023-05-31 (the month of a day).
std::optional<std::pair<Month, Month>> MonthsOf(absl::string_view text) {
  int year = 0, n = 0;
  if (text.size() < 4 || !absl::SimpleAtoi(text.substr(0, 4), &year) || year < 1900 || year > 2999) return {};
  const absl::string_view rest = text.substr(4);
  if (rest.empty()) return std::make_pair(year * 12, year * 12 + 11);
  if (rest.size() == 3 && rest[0] == '-' && absl::SimpleAtoi(rest.substr(1), &n) && n >= 1 && n <= 12 &&
      absl::ascii_isdigit(rest[1])) {
    return std::make_pair(year * 12 + n - 1, year * 12 + n - 1);
  }
  if (rest.size() == 4 && rest.substr(0, 2) == "-M" && absl::SimpleAtoi(rest.substr(2), &n) && n >= 1 && n <= 12) {
    return std::make_pair(year * 12 + n - 1, year * 12 + n - 1);
  }
  if (rest.size() == 3 && rest.substr(0, 2) == "-Q" && absl::SimpleAtoi(rest.substr(2), &n) && n >= 1 && n <= 4) {
    return std::make_pair(year * 12 + (n - 1) * 3, year * 12 + n * 3 - 1);
  }
  if (rest.size() == 6 && rest[0] == '-' && rest[3] == '-' && absl::SimpleAtoi(rest.substr(1, 2), &n) && n >= 1 &&
      n <= 12) {
    int day = 0;
    if (absl::SimpleAtoi(rest.substr(4), &day) && day >= 1 && day <= 31) {
      return std::make_pair(year * 12 + n - 1, year * 12 + n - 1);
    }
  }
  return {};
}

std::string MonthText(Month m) { return absl::StrFormat("%04d-%02d", m / 12, m % 12 + 1); }

bool ClauseHolds(const std::string& component, const Clause& c, const std::string& value) {
  if (c.op == "co") return absl::StrContains(value, c.value);
  if (c.op == "nc") return !absl::StrContains(value, c.value);
  if (c.op == "sw") return absl::StartsWith(value, c.value);
  if (c.op == "ew") return absl::EndsWith(value, c.value);
  int order = 0;  // value compared with the clause's value: <0, 0, >0
  if (component == "TIME_PERIOD") {
    auto have = MonthsOf(value);
    auto want = MonthsOf(c.value);  // checked when parsed
    if (!have || !want) return false;
    // A period is before, inside or after the span the value names.
    // A period before the span the value names, inside it (equal: eq, le, ge hold) or after it.
    order = have->second < want->first ? -1 : have->first > want->second ? 1 : 0;
  } else if (component == "OBS_VALUE" || component == "UNIT_MULT") {
    double a = 0, b = 0;
    if (!absl::SimpleAtod(value, &a) || !absl::SimpleAtod(c.value, &b)) return false;
    order = a < b ? -1 : a > b ? 1 : 0;
  } else {
    order = value.compare(c.value);
  }
  if (c.op == "eq") return order == 0;
  if (c.op == "ne") return order != 0;
  if (c.op == "lt") return order < 0;
  if (c.op == "le") return order <= 0;
  if (c.op == "gt") return order > 0;
  return order >= 0;  // ge
}

// A filter's loosest bounds on the months it can admit.
void Bounds(const Filter& filter, std::optional<Month>* low, std::optional<Month>* high) {
  std::optional<Month> lowest, highest;
  bool open_low = false, open_high = false;
  for (const auto& alternative : filter) {
    std::optional<Month> lo, hi;
    for (const Clause& c : alternative) {
      auto span = MonthsOf(c.value);
      if (!span) continue;
      if (c.op == "eq") {
        lo = std::max(lo.value_or(span->first), span->first);
        hi = std::min(hi.value_or(span->second), span->second);
      } else if (c.op == "ge") {
        lo = std::max(lo.value_or(span->first), span->first);
      } else if (c.op == "gt") {
        lo = std::max(lo.value_or(span->second + 1), span->second + 1);
      } else if (c.op == "le") {
        hi = std::min(hi.value_or(span->second), span->second);
      } else if (c.op == "lt") {
        hi = std::min(hi.value_or(span->first - 1), span->first - 1);
      }
    }
    if (!lo) open_low = true;
    if (!hi) open_high = true;
    if (lo) lowest = std::min(lowest.value_or(*lo), *lo);
    if (hi) highest = std::max(highest.value_or(*hi), *hi);
  }
  if (!open_low) *low = lowest;
  if (!open_high) *high = highest;
}

absl::StatusOr<Filter> ParseFilter(const std::string& component, const std::string& text) {
  const std::string field = absl::StrCat("c[", component, "]");
  Filter filter;
  for (absl::string_view alternative : absl::StrSplit(text, ',')) {
    std::vector<Clause> clauses;
    for (absl::string_view part : absl::StrSplit(alternative, absl::ByAnyChar("+ "), absl::SkipEmpty())) {
      Clause c{"eq", std::string(part)};
      const size_t colon = part.find(':');
      if (colon != absl::string_view::npos &&
          std::find(std::begin(kOperators), std::end(kOperators), part.substr(0, colon)) != std::end(kOperators)) {
        c.op = std::string(part.substr(0, colon));
        c.value = std::string(part.substr(colon + 1));
      }
      if (c.value.empty()) {
        return Invalid(field, absl::StrCat("'", std::string(part), "' has no value"),
                       absl::StrCat("条件“", std::string(part), "”缺少取值"));
      }
      if (component == "TIME_PERIOD" && !MonthsOf(c.value) && c.op != "co" && c.op != "nc" && c.op != "sw" &&
          c.op != "ew") {
        return Invalid(field, absl::StrCat("'", c.value, "' is not a period: YYYY, YYYY-MM, YYYY-Mmm, YYYY-Qn"),
                       absl::StrCat("“", c.value, "”不是时期，应写作 YYYY、YYYY-MM、YYYY-Mmm 或 YYYY-Qn"));
      }
      double number = 0;
      if ((component == "OBS_VALUE" || component == "UNIT_MULT") &&
          (c.op == "lt" || c.op == "le" || c.op == "gt" || c.op == "ge") && !absl::SimpleAtod(c.value, &number)) {
        return Invalid(field, absl::StrCat("'", c.value, "' is not a number"), absl::StrCat("“", c.value, "”不是数值"));
      }
      clauses.push_back(std::move(c));
    }
    if (clauses.empty()) {
      return Invalid(field, "an empty alternative between commas", "逗号之间缺少条件");
    }
    filter.push_back(std::move(clauses));
  }
  return filter;
}

absl::StatusOr<int> PositiveCount(const std::string& name, const std::string& text) {
  int n = 0;
  if (!absl::SimpleAtoi(text, &n) || n <= 0) {
    return Invalid(name, "must be a positive whole number", absl::StrCat(name, " 应为正整数"));
  }
  return n;
}

// A growth as a percentage with four decimals, rounded half away from zero from the exact fraction.
std::string PercentValue(const st::Rate& rate) {
  return RoundedDecimal(rate.numerator(), rate.denominator(), 1'000'000, 4);  // percent × 10^4
}

}  // namespace

std::string Observation::Get(const std::string& c) const {
  if (c == "FREQ") return freq;
  if (c == "REF_AREA") return ref_area;
  if (c == "INDICATOR") return indicator;
  if (c == "TIME_PERIOD") return time_period;
  if (c == "OBS_VALUE") return obs_value;
  if (c == "UNIT_MEASURE") return unit_measure;
  if (c == "UNIT_MULT") return unit_mult;
  if (c == "OBS_STATUS") return obs_status;
  return "";
}

bool VersionMatches(const std::string& query, const std::string& version) {
  if (query == "*" || query == "~" || query == "+" || query == version) return true;
  // Semantic-version wildcards: a part "n+" matches n or later in that position (and any later parts).
  std::vector<std::string> want = absl::StrSplit(query, '.');
  std::vector<std::string> have = absl::StrSplit(version, '.');
  if (want.size() != have.size()) return false;
  for (size_t i = 0; i < want.size(); ++i) {
    int a = 0, b = 0;
    const bool plus = absl::EndsWith(want[i], "+");
    if (!absl::SimpleAtoi(absl::StripSuffix(want[i], "+"), &a) || !absl::SimpleAtoi(have[i], &b)) return false;
    if (plus) return b >= a;
    if (a != b) return false;
  }
  return true;
}

bool DataQuery::Matches(const Observation& o) const {
  if (!keys.empty()) {
    const std::string values[kDimensions] = {o.freq, o.ref_area, o.indicator};
    bool any = false;
    for (const auto& key : keys) {
      bool all = true;
      for (int d = 0; d < kDimensions && all; ++d) all = key[d].empty() || key[d].count(values[d]);
      any = any || all;
    }
    if (!any) return false;
  }
  for (const auto& [component, filter] : filters) {
    const std::string value = o.Get(component);
    bool any = false;
    for (const auto& alternative : filter) {
      bool all = true;
      for (const Clause& c : alternative) all = all && ClauseHolds(component, c, value);
      any = any || all;
    }
    if (!any) return false;
  }
  return true;
}

absl::StatusOr<DataQuery> ParseDataQuery(const std::string& context, const std::string& agency, const std::string& flow,
                                         const std::string& version, const std::string& key,
                                         const std::vector<std::pair<std::string, std::string>>& parameters) {
  const bool ours = (context == "dataflow" || context == "*") && (agency == kAgency || agency == "*") &&
                    (flow == kFlow || flow == "*") && VersionMatches(version, kVersion);
  if (!ours) {
    return Error(absl::StatusCode::kNotFound,
                 absl::StrCat("no ", context, " ", agency, ":", flow, "(", version, "); this service has dataflow ",
                              kAgency, ":", kFlow, "(", kVersion, ")"),
                 absl::StrCat("不存在数据流 ", agency, ":", flow, "(", version, ")，本服务提供 ", kAgency, ":", kFlow,
                              "(", kVersion, ")"));
  }
  DataQuery q;
  if (!key.empty() && key != "*" && key != "all") {
    for (absl::string_view one : absl::StrSplit(key, ',')) {
      std::vector<absl::string_view> parts = absl::StrSplit(one, '.');
      if (parts.size() != kDimensions) {
        return Invalid("key", absl::StrCat("'", std::string(one), "' must have 3 dimensions: FREQ.REF_AREA.INDICATOR"),
                       absl::StrCat("键“", std::string(one), "”应有 3 个维度：FREQ.REF_AREA.INDICATOR"));
      }
      std::vector<std::set<std::string>> values(kDimensions);
      for (int d = 0; d < kDimensions; ++d) {
        if (parts[d] == "*") continue;
        for (absl::string_view v : absl::StrSplit(parts[d], absl::ByAnyChar("+ "), absl::SkipEmpty())) {
          values[d].emplace(v);
        }
      }
      q.keys.push_back(std::move(values));
    }
  }
  std::optional<Month> low, high;
  for (const auto& [name, value] : parameters) {
    if (absl::StartsWith(name, "c[") && absl::EndsWith(name, "]")) {
      const std::string component = name.substr(2, name.size() - 3);
      if (std::find(std::begin(kComponents), std::end(kComponents), component) == std::end(kComponents)) {
        return Invalid(name,
                       absl::StrCat("no component ", component, " in ", kAgency, ":DSD_FAI(", kVersion, "); one of ",
                                    absl::StrJoin(kComponents, ", ")),
                       absl::StrCat("数据结构中没有组件 ", component));
      }
      auto filter = ParseFilter(component, value);
      if (!filter.ok()) return filter.status();
      if (q.filters.count(component)) {
        return Invalid(name, "is given twice; join the conditions with + or ,", "同一组件的条件只能给出一次");
      }
      if (component == "TIME_PERIOD") Bounds(*filter, &low, &high);
      q.filters[component] = *std::move(filter);
    } else if (name == "firstNObservations" || name == "lastNObservations") {
      auto n = PositiveCount(name, value);
      if (!n.ok()) return n.status();
      (name == "firstNObservations" ? q.first_n : q.last_n) = *n;
    } else if (name == "dimensionAtObservation") {
      if (value != "TIME_PERIOD" && value != "AllDimensions" && value != "FREQ" && value != "REF_AREA" &&
          value != "INDICATOR") {
        return Invalid(name, "must be TIME_PERIOD, AllDimensions or a dimension (FREQ, REF_AREA, INDICATOR)",
                       "dimensionAtObservation 应为 TIME_PERIOD、AllDimensions 或一个维度");
      }
      q.dimension_at_observation = value;
    } else if (name == "updatedAfter") {
      absl::Time t;
      std::string error;
      if (!absl::ParseTime(absl::RFC3339_full, value, &t, &error)) {
        return Invalid(name, "must be an RFC 3339 date-time, e.g. 2023-06-01T00:00:00+08:00",
                       "updatedAfter 应为 RFC 3339 时间，如 2023-06-01T00:00:00+08:00");
      }
      q.updated_after = absl::ToUnixSeconds(t);
    } else if (name == "attributes" || name == "measures") {
      // All attributes are attached to observations, and there is one measure.
      const bool attributes = name == "attributes";
      const std::set<std::string> offered = attributes
                                                ? std::set<std::string>{"UNIT_MEASURE", "UNIT_MULT", "OBS_STATUS"}
                                                : std::set<std::string>{"OBS_VALUE"};
      std::set<std::string> kept;
      if (value == "all" || (attributes && (value == "dsd" || value == "obs"))) {
        kept = offered;
      } else if (value == "none" || (attributes && (value == "dataset" || value == "series"))) {
        kept = {};
      } else if (attributes && value == "msd") {
        return Error(absl::StatusCode::kUnimplemented, "attributes=msd: this dataflow has no metadata structure",
                     "本数据流没有元数据结构 (attributes=msd)");
      } else {
        for (absl::string_view id : absl::StrSplit(value, ',')) {
          if (!offered.count(std::string(id))) {
            return Invalid(name,
                           absl::StrCat("'", std::string(id), "' is not ",
                                        attributes ? "all, none, dsd, obs, dataset, series or an attribute "
                                                     "(UNIT_MEASURE, UNIT_MULT, OBS_STATUS)"
                                                   : "all, none or OBS_VALUE"),
                           absl::StrCat(name, " 的取值“", std::string(id), "”无效"));
          }
          kept.emplace(id);
        }
      }
      std::vector<std::string> columns;
      for (const std::string& c : q.columns) {
        if (!offered.count(c) || kept.count(c)) columns.push_back(c);
      }
      q.columns = std::move(columns);
    } else if (name == "includeHistory" || name == "asOf") {
      return Error(absl::StatusCode::kUnimplemented, absl::StrCat(name, " is not supported"),
                   absl::StrCat("暂不支持参数 ", name));
    } else {
      return Invalid(name, "is not a parameter of the SDMX REST v2 data query",
                     absl::StrCat("SDMX 数据查询没有参数 ", name));
    }
  }
  if (low) q.from = MonthText(*low);
  if (high) q.to = MonthText(*high);
  return q;
}

std::vector<Observation> ObservationsOf(const Settings& settings, const st::GetIndicatorsResponse& indicators) {
  std::vector<Observation> out;
  const std::string status = indicators.provisional() ? "P" : "A";
  auto add = [&](st::Category category, const st::Indicator& i) {
    const std::string code = IndicatorCode(category);
    out.push_back({"M", settings.region_code, code + "_YTD", indicators.period(), absl::StrCat(i.ytd_yuan()), "CNY",
                   "0", status});
    if (i.yoy_growth().defined()) {
      out.push_back({"M", settings.region_code, code + "_YOY", indicators.period(), PercentValue(i.yoy_growth()), "PC",
                     "0", status});
    }
  };
  add(st::CATEGORY_UNSPECIFIED, indicators.total());
  for (const auto& c : indicators.categories()) add(c.category(), c);
  return out;
}

std::vector<Observation> KeepFirstLast(const DataQuery& query, std::vector<Observation> observations) {
  if (query.first_n == 0 && query.last_n == 0) return observations;
  std::map<std::string, std::vector<size_t>> series;  // key → indexes, by period
  std::stable_sort(observations.begin(), observations.end(),
                   [](const Observation& a, const Observation& b) { return a.time_period < b.time_period; });
  for (size_t i = 0; i < observations.size(); ++i) series[observations[i].SeriesKey()].push_back(i);
  std::vector<bool> keep(observations.size(), false);
  for (const auto& [key, indexes] : series) {
    const size_t n = indexes.size();
    for (size_t i = 0; i < n; ++i) {
      if ((query.first_n > 0 && i < static_cast<size_t>(query.first_n)) ||
          (query.last_n > 0 && i + query.last_n >= n)) {
        keep[indexes[i]] = true;
      }
    }
  }
  std::vector<Observation> out;
  for (size_t i = 0; i < observations.size(); ++i) {
    if (keep[i]) out.push_back(std::move(observations[i]));
  }
  return out;
}

std::vector<MediaRange> MediaRanges(const std::string& accept) {
  std::vector<MediaRange> out;
  for (absl::string_view range : absl::StrSplit(accept, ',', absl::SkipWhitespace())) {
    std::vector<std::string> parts = absl::StrSplit(range, ';', absl::SkipWhitespace());
    if (parts.empty()) continue;  // ";;" names no media type
    MediaRange r{absl::AsciiStrToLower(absl::StripAsciiWhitespace(parts[0])), {}};
    bool wanted = !r.type.empty();
    for (size_t i = 1; i < parts.size(); ++i) {
      std::pair<std::string, std::string> p = absl::StrSplit(absl::StripAsciiWhitespace(parts[i]), '=');
      double q = 1;
      if (p.first != "q") {
        r.parameters.push_back(std::move(p));
      } else if (!absl::SimpleAtod(p.second, &q) || q <= 0) {
        wanted = false;
      }
    }
    if (wanted) out.push_back(std::move(r));
  }
  return out;
}

absl::StatusOr<CsvFormat> NegotiateCsv(const std::string& accept) {
  if (accept.empty()) return CsvFormat{};
  for (const MediaRange& range : MediaRanges(accept)) {
    const std::string& type = range.type;
    CsvFormat format;
    bool acceptable = type == "*/*" || type == "text/*" || type == "application/*" || type == "text/csv" ||
                      type == "application/vnd.sdmx.data+csv";
    for (const auto& p : range.parameters) {
      if (!acceptable) break;
      if (p.first == "version") {
        acceptable = type == "application/vnd.sdmx.data+csv" && (p.second == "2.0.0" || p.second == "2.0");
      } else if (p.first == "labels") {
        acceptable = p.second == "id" || p.second == "name" || p.second == "both";
        format.labels = p.second;
      } else if (p.first == "keys") {
        acceptable = p.second == "none" || p.second == "obs" || p.second == "series" || p.second == "both";
        format.keys = p.second;
      } else if (p.first == "timeformat") {
        acceptable = p.second == "original" || p.second == "normalized";
      }
    }
    if (acceptable) return format;
  }
  return Error(absl::StatusCode::kFailedPrecondition,
               absl::StrCat("not acceptable: ", accept, "; this service offers ", kCsvMediaType,
                            " (labels=id|name|both, keys=none|obs|series|both)"),
               absl::StrCat("不支持请求的格式 ", accept, "，本服务提供 SDMX-CSV 2.0.0"));
}

std::string ToCsv(const std::vector<Observation>& observations, const std::vector<std::string>& columns,
                  const CsvFormat& format, const Settings& settings, const std::string& language) {
  const bool names = format.labels != "id";
  auto label = [&](const std::string& id, const std::string& name) {
    if (format.labels == "both") return absl::StrCat(id, ": ", name);
    return format.labels == "name" ? name : id;
  };
  auto in = [&language](const Name& n) { return language == "en" ? n.en : n.zh; };
  std::vector<std::string> header = {"STRUCTURE", "STRUCTURE_ID", "ACTION"};
  if (format.keys == "series" || format.keys == "both") header.push_back("SERIES_KEY");
  if (format.keys == "obs" || format.keys == "both") header.push_back("OBS_KEY");
  for (const std::string& c : columns) header.push_back(names ? label(c, in(ComponentName(c))) : c);
  std::string out;
  auto line = [&out](const std::vector<std::string>& cells) {
    for (size_t i = 0; i < cells.size(); ++i) absl::StrAppend(&out, i ? "," : "", CsvField(cells[i]));
    out += "\r\n";
  };
  line(header);
  const std::string flow = absl::StrCat(kAgency, ":", kFlow, "(", kVersion, ")");
  const CodeNames code_names(settings);
  for (const Observation& o : observations) {
    std::vector<std::string> row = {"dataflow", names ? label(flow, in(FlowName())) : flow, "I"};
    if (format.keys == "series" || format.keys == "both") row.push_back(o.SeriesKey());
    if (format.keys == "obs" || format.keys == "both") row.push_back(o.SeriesKey() + "." + o.time_period);
    for (const std::string& c : columns) {
      const std::string value = o.Get(c);
      const Name* name = names ? code_names.Find(c, value) : nullptr;
      row.push_back(name ? label(value, in(*name)) : value);
    }
    line(row);
  }
  return out;
}

}  // namespace saima::gateway::sdmx
