#ifndef SAIMA_GATEWAY_SDMX_H_
#define SAIMA_GATEWAY_SDMX_H_

// The city's investment indicators as SDMX (docs/sdmx.md): the dataflow SAIMA:FAI(1.0.0) of the data structure
// SAIMA:DSD_FAI(1.0.0) — dimensions FREQ, REF_AREA, INDICATOR and TIME_PERIOD, the measure OBS_VALUE, the
// attributes UNIT_MEASURE, UNIT_MULT and OBS_STATUS — with its concept scheme and codelists (names in zh and en).
// Data per SDMX REST v2 in SDMX-CSV 2.0:
//   /sdmx/data/dataflow/SAIMA/FAI/1.0.0/M.331181.FAI_YTD,M.331181.FAI_YOY?c[TIME_PERIOD]=ge:2023-01+le:2023-05
// This file parses the queries and filters the observations; http_edge.cc gathers them; sdmx_structure.h
// describes the structures.

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "saima/stats/v1/stats.pb.h"

namespace saima::gateway::sdmx {

inline constexpr char kAgency[] = "SAIMA";
inline constexpr char kFlow[] = "FAI";
inline constexpr char kVersion[] = "1.0.0";
inline constexpr char kCsvMediaType[] = "application/vnd.sdmx.data+csv;version=2.0.0";

// Where the data come from (flags of the gateway).
struct Settings {
  std::string region_code;     // REF_AREA, GB/T 2260, e.g. 331181
  std::string region_name_zh;  // e.g. 龙泉市
  std::string region_name_en;  // e.g. Longquan
};

// Whether an artefact's version matches a REST v2 version query: an exact version, "~" (latest), "+" (latest
// stable), "*" (all), or a wildcarded one such as "1+.0.0" or "1.0+.0".
bool VersionMatches(const std::string& query, const std::string& version);

// One observation, as SDMX-CSV writes it.
struct Observation {
  std::string freq, ref_area, indicator, time_period, obs_value, unit_measure, unit_mult, obs_status;
  // The value of a component by id; "" for an unknown id.
  std::string Get(const std::string& component) const;
  std::string SeriesKey() const { return freq + "." + ref_area + "." + indicator; }
};

// A c[COMPONENT] filter: alternatives (comma, OR) of clauses (plus, AND), each an operator and a value.
struct Clause {
  std::string op;  // eq ne lt le gt ge co nc sw ew
  std::string value;
};
using Filter = std::vector<std::vector<Clause>>;

struct DataQuery {
  // Keys (comma, OR): per dimension (FREQ, REF_AREA, INDICATOR) the allowed values; empty means any.
  std::vector<std::vector<std::set<std::string>>> keys;
  std::map<std::string, Filter> filters;  // component id → filter
  int first_n = 0, last_n = 0;            // firstNObservations, lastNObservations; 0: all
  std::string dimension_at_observation = "TIME_PERIOD";
  std::optional<int64_t> updated_after;  // seconds since the epoch
  // The components written, in the DSD's order: every dimension, then the measure and the attributes the
  // `measures` and `attributes` parameters keep (all by default).
  std::vector<std::string> columns = {"FREQ",      "REF_AREA",     "INDICATOR", "TIME_PERIOD",
                                      "OBS_VALUE", "UNIT_MEASURE", "UNIT_MULT", "OBS_STATUS"};
  // The reporting periods worth asking for: TIME_PERIOD's loosest bounds (YYYY-MM), unset when open.
  std::optional<std::string> from, to;
  bool Matches(const Observation& o) const;
};

// Parses a data query: the path's context, agency, flow, version and key, and the query parameters.
// NOT_FOUND for another dataflow or version; INVALID_ARGUMENT naming the parameter and the rule otherwise.
absl::StatusOr<DataQuery> ParseDataQuery(const std::string& context, const std::string& agency, const std::string& flow,
                                         const std::string& version, const std::string& key,
                                         const std::vector<std::pair<std::string, std::string>>& parameters);

// The observations of one period's city indicators (INDICATOR codes: a category and _YTD in 元 or _YOY in %).
std::vector<Observation> ObservationsOf(const Settings& settings,
                                        const ::saima::stats::v1::GetIndicatorsResponse& indicators);

// Keeps the first and last N observations of each series (by TIME_PERIOD) when the query asks for them.
std::vector<Observation> KeepFirstLast(const DataQuery& query, std::vector<Observation> observations);

// The media ranges of an Accept header, in order: each type in lower case with its parameters (other than q).
// Ranges that name no type, or whose q is not a positive number (q=0: "not this"), are left out.
struct MediaRange {
  std::string type;
  std::vector<std::pair<std::string, std::string>> parameters;
};
std::vector<MediaRange> MediaRanges(const std::string& accept);

// How SDMX-CSV 2.0 is asked for in the Accept header: labels (id, name, both) and keys (none, obs, series,
// both). NOT_ACCEPTABLE (406) when no media range accepts SDMX-CSV 2.0.0.
struct CsvFormat {
  std::string labels = "id";
  std::string keys = "none";
};
absl::StatusOr<CsvFormat> NegotiateCsv(const std::string& accept);

// SDMX-CSV 2.0: the header and a row per observation with the `columns` (DataQuery::columns), each line ending
// in CRLF. Names are in `language`.
std::string ToCsv(const std::vector<Observation>& observations, const std::vector<std::string>& columns,
                  const CsvFormat& format, const Settings& settings, const std::string& language);

}  // namespace saima::gateway::sdmx

#endif  // SAIMA_GATEWAY_SDMX_H_
