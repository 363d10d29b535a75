// The year-end forecast tested on years whose outcome is known: forecasts made at each month of a past year (from
// the years before it, as GetForecast makes them: services/stats/forecast.h) against that year's December. Prints
// the mean absolute percentage error by month of forecast and how often the range held the outcome, on the demo's
// history (tools/demo/generate.py's monthly.csv: the city's total) and on generated scopes with a known seasonal
// shape, year-to-year drift of that shape and noise. Accuracy, not speed: nothing is asserted.
//
//   forecast_backtest [--demo_csv=.saima/demo/monthly.csv] [--scopes=400] [--years=8] [--seed=11]

#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/numbers.h"
#include "common/csv.h"
#include "common/period.h"
#include "services/stats/forecast.h"

ABSL_FLAG(std::string, demo_csv, "", "the demo's monthly.csv (tools/demo/generate.py); none: generated data only");
ABSL_FLAG(int, scopes, 400, "generated scopes (units, categories)");
ABSL_FLAG(int, years, 8, "years of each generated scope");
ABSL_FLAG(int, seed, 11, "random seed");

namespace saima::stats {
namespace {

// Errors and coverage by month of forecast (2..11).
struct Table {
  std::map<int, std::vector<double>> errors;
  std::map<int, int> held, ranged;

  // Forecasts `year` of `history` at every month from the years before it; false when none could be made.
  void Backtest(const ScopeHistory& history, int year) {
    auto actual = history.find(year);
    if (actual == history.end() || actual->second[12] <= 0) return;
    ScopeHistory before;
    for (const auto& [y, series] : history) {
      if (y < year && y >= year - kForecastHistoryYears) before[y] = series;
    }
    for (int m = 2; m <= 11; ++m) {
      const Projection p = Project(actual->second[m], SharesAt(before, m));
      if (!p.possible) continue;
      const double outcome = static_cast<double>(actual->second[12]);
      errors[m].push_back(std::fabs(static_cast<double>(p.point) - outcome) / outcome);
      if (p.years.size() >= 2) {
        ++ranged[m];
        held[m] += p.low <= actual->second[12] && actual->second[12] <= p.high;
      }
    }
  }

  void Print(const char* title) const {
    std::printf("%s\n  %-8s %8s %10s %16s\n", title, "month", "cases", "MAPE", "range held");
    int all_cases = 0, all_held = 0, all_ranged = 0;
    double all_error = 0;
    for (const auto& [m, e] : errors) {
      double sum = 0;
      for (double x : e) sum += x;
      const int r = ranged.count(m) ? ranged.at(m) : 0, h = held.count(m) ? held.at(m) : 0;
      std::printf("  %02d       %8zu %9.1f%% %9.1f%% of %d\n", m, e.size(), 100 * sum / e.size(),
                  r ? 100.0 * h / r : 0.0, r);
      all_cases += static_cast<int>(e.size());
      all_error += sum;
      all_held += h;
      all_ranged += r;
    }
    if (all_cases) {
      std::printf("  all      %8d %9.1f%% %9.1f%% of %d\n", all_cases, 100 * all_error / all_cases,
                  all_ranged ? 100.0 * all_held / all_ranged : 0.0, all_ranged);
    }
  }
};

// The city's 自年初累计 by year and month from a monthly.csv (项目代码, 报告期, 本月, 自年初累计, …).
ScopeHistory DemoHistory(const std::string& path) {
  ScopeHistory history;
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  auto rows = ParseCsv(text.str());
  if (!rows.ok()) return history;
  for (size_t i = 1; i < rows->size(); ++i) {
    const auto& row = (*rows)[i];
    int64_t ytd = 0;
    auto period = row.size() > 3 ? Period::Parse(row[1]) : std::nullopt;
    if (!period || !absl::SimpleAtoi(row[3], &ytd)) continue;
    history[period->year][period->month] += ytd;
  }
  return history;
}

int Run() {
  const std::string demo = absl::GetFlag(FLAGS_demo_csv);
  if (!demo.empty()) {
    const ScopeHistory city = DemoHistory(demo);
    Table table;
    for (const auto& [year, series] : city) table.Backtest(city, year);
    std::printf("demo history (%s): years", demo.c_str());
    for (const auto& [year, series] : city) std::printf(" %d%s", year, series[12] > 0 ? "" : " (to date)");
    std::printf("\n");
    table.Print("the city, each complete year forecast from the years before it:");
  }

  // Generated scopes: a common shape (the share of each month), which drifts from year to year (each month's
  // share × e^N(0, 0.12), renormalised) and differs by scope (× e^N(0, 0.08)); annual totals grow 0–20%.
  std::mt19937_64 rng(absl::GetFlag(FLAGS_seed));
  std::normal_distribution<double> drift(0, 0.12), scope_shape(0, 0.08);
  std::uniform_real_distribution<double> growth(0.0, 0.2), level(6, 8.5);
  const double kMonth[13] = {0, 0, 0.11, 0.07, 0.075, 0.08, 0.095, 0.08, 0.085, 0.1, 0.085, 0.09, 0.13};
  Table generated;
  const int years = absl::GetFlag(FLAGS_years);
  for (int s = 0; s < absl::GetFlag(FLAGS_scopes); ++s) {
    double own[13] = {};
    for (int m = 2; m <= 12; ++m) own[m] = kMonth[m] * std::exp(scope_shape(rng));
    double total = std::pow(10, level(rng));
    ScopeHistory history;
    for (int y = 2015; y < 2015 + years; ++y) {
      double weights[13] = {}, sum = 0;
      for (int m = 2; m <= 12; ++m) sum += weights[m] = own[m] * std::exp(drift(rng));
      YearSeries series{};
      double cumulative = 0;
      for (int m = 2; m <= 12; ++m) {
        cumulative += weights[m] / sum;
        series[m] = static_cast<int64_t>(std::llround(total * cumulative));
      }
      history[y] = series;
      total *= 1 + growth(rng);
    }
    for (int y = 2017; y < 2015 + years; ++y) generated.Backtest(history, y);
  }
  std::printf("\ngenerated: %d scopes × %d years, each year from the 2–5 years before it (shape drift σ 0.12):\n",
              absl::GetFlag(FLAGS_scopes), years);
  generated.Print("");
  return 0;
}

}  // namespace
}  // namespace saima::stats

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  return saima::stats::Run();
}
