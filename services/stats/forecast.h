#ifndef SAIMA_SERVICES_STATS_FORECAST_H_
#define SAIMA_SERVICES_STATS_FORECAST_H_

// The year-end forecast (docs/forecast.md): the full year's investment projected from the year-to-date and the
// seasonal shape of past years, the share of the year's total usually reached by the month, with a range from the
// spread of those years and a verdict against a target. Free of gRPC and SQL.

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "saima/stats/v1/stats.pb.h"
#include "services/stats/indicators.h"

namespace saima::stats {

// One scope's official 自年初累计 in one year, by month: ytd[2] … ytd[12] (0 when nothing was reported).
using YearSeries = std::array<int64_t, 13>;
// Past years of one scope, by year.
using ScopeHistory = std::map<int, YearSeries>;

// The past years a shape is read from: at most this many before the forecast year.
inline constexpr int kForecastHistoryYears = 5;
// A scope uses its own shape with at least this many usable past years; else the city's.
inline constexpr int kOwnShapeMinYears = 2;

// The share of the year's total reached by `month` in each usable past year (year → share): a year is usable
// when both its month figure and its December figure are positive.
std::map<int, double> SharesAt(const ScopeHistory& history, int month);

// A projection from the year-to-date and the shares: the point on the median share, the range on the largest
// and the smallest. Impossible (no share) leaves `possible` false.
struct Projection {
  bool possible = false;
  int64_t point = 0;
  int64_t low = 0;
  int64_t high = 0;
  double share = 0;  // the median share
  std::vector<int> years;
};
Projection Project(int64_t ytd, const std::map<int, double>& shares);

// 可能 when the whole range reaches the target, 难以达成 when even its top misses, 存疑 between; no target (≤ 0):
// UNSPECIFIED; no projection: NO_HISTORY.
pb::ForecastVerdict VerdictOf(const Projection& projection, int64_t target);

// Fills a Forecast from its parts: amounts, growth on `last_year` (rates undefined when it is 0), target, verdict,
// share and the sentence people read. `yi` shows amounts in 亿元, else 万元.
pb::Forecast MakeForecast(const std::string& scope, const std::string& name, int64_t ytd, const Projection& p,
                          bool own_shape, int64_t last_year, int64_t target, bool yi);

}  // namespace saima::stats

#endif  // SAIMA_SERVICES_STATS_FORECAST_H_
