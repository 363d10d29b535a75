#include "services/stats/forecast.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "common/format.h"
#include "common/names.h"

namespace saima::stats {
namespace {

// ytd / share, rounded to the 元; long double keeps every amount up to 10^14 exact.
int64_t Scale(int64_t ytd, double share) {
  return static_cast<int64_t>(std::llround(static_cast<long double>(ytd) / static_cast<long double>(share)));
}

std::string Amount(int64_t yuan, bool yi) { return yi ? Yi(yuan) + " 亿元" : Wan(yuan) + " 万元"; }

}  // namespace

std::map<int, double> SharesAt(const ScopeHistory& history, int month) {
  std::map<int, double> shares;
  if (month < 2 || month > 12) return shares;
  for (const auto& [year, ytd] : history) {
    if (ytd[month] > 0 && ytd[12] > 0) shares[year] = static_cast<double>(ytd[month]) / static_cast<double>(ytd[12]);
  }
  return shares;
}

Projection Project(int64_t ytd, const std::map<int, double>& shares) {
  Projection p;
  if (shares.empty()) return p;
  std::vector<double> values;
  for (const auto& [year, share] : shares) {
    values.push_back(share);
    p.years.push_back(year);
  }
  std::sort(values.begin(), values.end());
  const size_t n = values.size();
  p.share = n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
  p.possible = true;
  p.point = Scale(ytd, p.share);
  p.low = Scale(ytd, values.back());
  p.high = Scale(ytd, values.front());
  return p;
}

pb::ForecastVerdict VerdictOf(const Projection& projection, int64_t target) {
  if (!projection.possible) return pb::FORECAST_VERDICT_NO_HISTORY;
  if (target <= 0) return pb::FORECAST_VERDICT_UNSPECIFIED;
  if (projection.low >= target) return pb::FORECAST_VERDICT_LIKELY;
  if (projection.high < target) return pb::FORECAST_VERDICT_UNLIKELY;
  return pb::FORECAST_VERDICT_DOUBTFUL;
}

pb::Forecast MakeForecast(const std::string& scope, const std::string& name, int64_t ytd, const Projection& p,
                          bool own_shape, int64_t last_year, int64_t target, bool yi) {
  pb::Forecast f;
  f.set_scope(scope);
  f.set_name(name);
  f.set_ytd_yuan(ytd);
  f.set_last_year_yuan(last_year);
  f.set_target_yuan(std::max<int64_t>(target, 0));
  f.set_verdict(VerdictOf(p, target));
  if (!p.possible) {
    f.set_summary(absl::StrCat("已完成 ", Amount(ytd, yi), "；往年同期数据不足，无法预计全年"));
    return f;
  }
  f.set_forecast_yuan(p.point);
  f.set_low_yuan(p.low);
  f.set_high_yuan(p.high);
  f.set_share_permille(static_cast<int32_t>(std::lround(p.share * 1000)));
  for (int y : p.years) f.add_history_years(y);
  f.set_own_shape(own_shape);
  *f.mutable_growth() = MakeRate(p.point - last_year, last_year);
  *f.mutable_growth_low() = MakeRate(p.low - last_year, last_year);
  *f.mutable_growth_high() = MakeRate(p.high - last_year, last_year);
  std::string text = absl::StrCat("预计全年完成 ", Amount(p.point, yi));
  if (last_year > 0) absl::StrAppend(&text, "，增长 ", Growth(p.point - last_year, last_year));
  if (p.low != p.high) {
    absl::StrAppend(&text, "，区间 ", yi ? Yi(p.low) : Wan(p.low), "—", Amount(p.high, yi));
    if (last_year > 0) {
      absl::StrAppend(&text, "（", Growth(p.low - last_year, last_year), " 至 ", Growth(p.high - last_year, last_year),
                      "）");
    }
  }
  if (target > 0) {
    absl::StrAppend(&text, "；目标 ", Amount(target, yi), "，达成目标：", DisplayNameOf(f.verdict()));
  }
  f.set_summary(text);
  return f;
}

}  // namespace saima::stats
