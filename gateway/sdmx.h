#ifndef SAIMA_GATEWAY_SDMX_H_
#define SAIMA_GATEWAY_SDMX_H_

// The city indicators as an SDMX dataflow (SAIMA:FAI(1.0)) in SDMX-CSV 2.0, queried with the SDMX REST shape
//   /sdmx/data/dataflow/{agency}/{flow}/{version}/{key}?c[TIME_PERIOD]=ge:2023-01+le:2023-05
// Dimensions FREQ.REF_AREA.INDICATOR; a key part may be empty or * (all) or values joined with '+'.

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "saima/stats/v1/stats.pb.h"

namespace saima::gateway::sdmx {

inline constexpr char kAgency[] = "SAIMA";
inline constexpr char kFlow[] = "FAI";
inline constexpr char kVersion[] = "1.0";
inline constexpr char kMediaType[] = "application/vnd.sdmx.data+csv;version=2.0.0";

struct DataQuery {
  // Allowed values per dimension; empty means all.
  std::set<std::string> freq, ref_area, indicator;
  // Inclusive bounds on TIME_PERIOD (YYYY-MM); unset means open.
  std::optional<std::string> from, to;
};

// Parses the path parts and the c[TIME_PERIOD] filter. NOT_FOUND for another agency, flow or version;
// INVALID_ARGUMENT naming the part that does not parse.
absl::StatusOr<DataQuery> ParseDataQuery(const std::string& agency, const std::string& flow, const std::string& version,
                                         const std::string& key, const std::string& time_filter);

// The reporting periods (YYYY-MM, MM 02–12) a query asks for, bounded to [first, last].
std::vector<std::string> PeriodsOf(const DataQuery& query, const std::string& first, const std::string& last);

// SDMX-CSV 2.0 rows for one period's city indicators, filtered by the query, without the header.
std::vector<std::string> CsvRows(const DataQuery& query, const std::string& region,
                                 const ::saima::stats::v1::GetIndicatorsResponse& indicators);
std::string CsvHeader();

// The codelist of INDICATOR as an SDMX-JSON structure message.
std::string IndicatorCodelistJson();

}  // namespace saima::gateway::sdmx

#endif  // SAIMA_GATEWAY_SDMX_H_
