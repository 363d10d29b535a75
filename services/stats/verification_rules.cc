#include "services/stats/verification_rules.h"

#include <algorithm>
#include <cmath>

#include "absl/container/inlined_vector.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "common/format.h"
#include "common/names.h"

namespace saima::stats {
namespace {

// The calendar months a period covers: the 02 report covers January and February.
int MonthsCovered(const Period& p) { return p.month == 2 ? 2 : 1; }

// A project's months looked back on (two years at most): kept on the stack, as FlagFigure runs for every row of an
// import.
using Amounts = absl::InlinedVector<double, 24>;

double Median(Amounts values) {
  const size_t mid = values.size() / 2;
  std::nth_element(values.begin(), values.begin() + mid, values.end());
  const double upper = values[mid];
  if (values.size() % 2 == 1) return upper;
  return (*std::max_element(values.begin(), values.begin() + mid) + upper) / 2;
}

// 万元 with one decimal, from an amount that may be a per-month average.
std::string WanOf(double yuan) { return Wan(std::llround(yuan)); }

pb::VerificationFlag Flag(pb::VerificationRule rule, std::string evidence) {
  pb::VerificationFlag f;
  f.set_rule(rule);
  f.set_rule_id(RuleId(rule));
  f.set_evidence(std::move(evidence));
  return f;
}

}  // namespace

std::string RuleId(pb::VerificationRule rule) { return absl::StrFormat("HS%02d", static_cast<int>(rule)); }

Period HistoryStart(const Period& period) { return {period.year - 2, period.month}; }

std::vector<pb::VerificationFlag> FlagFigure(const pb::MonthlyReport& report, const Period& period,
                                             const FigureContext& context, const VerificationSettings& settings) {
  std::vector<pb::VerificationFlag> flags;
  const int64_t month = report.month_yuan();
  const double per_month = static_cast<double>(month) / MonthsCovered(period);
  // The months before this one, oldest first, one amount each (a later entry of the same month wins).
  absl::InlinedVector<MonthAmount, 24> earlier;
  for (const MonthAmount& m : context.history) {
    if (m.period < period) earlier.push_back(m);
  }
  std::stable_sort(earlier.begin(), earlier.end(),
                   [](const MonthAmount& a, const MonthAmount& b) { return a.period < b.period; });
  size_t kept = 0;
  for (const MonthAmount& m : earlier) {
    if (kept > 0 && earlier[kept - 1].period == m.period) {
      earlier[kept - 1] = m;
    } else {
      earlier[kept++] = m;
    }
  }
  earlier.resize(kept);
  auto amount_of = [&earlier](const Period& p) -> const int64_t* {
    auto it = std::lower_bound(earlier.begin(), earlier.end(), p,
                               [](const MonthAmount& m, const Period& q) { return m.period < q; });
    return it != earlier.end() && it->period == p ? &it->month_yuan : nullptr;
  };

  // HS01: far above the project's own history.
  Amounts past;
  for (const MonthAmount& m : earlier) {
    if (m.month_yuan > 0) past.push_back(static_cast<double>(m.month_yuan) / MonthsCovered(m.period));
  }
  if (month > 0 && static_cast<int>(past.size()) >= settings.outlier_min_history) {
    const double median = Median(past);
    Amounts deviations;
    for (double x : past) deviations.push_back(std::fabs(x - median));
    const double mad = Median(deviations);
    const double threshold = std::max(median + settings.outlier_k * 1.4826 * mad, settings.outlier_min_ratio * median);
    if (per_month > threshold) {
      flags.push_back(Flag(
          pb::VERIFICATION_RULE_MONTH_OUTLIER,
          absl::StrCat("本月完成投资 ", Wan(month), " 万元", period.month == 2 ? "（1—2 月，折合每月 " : "",
                       period.month == 2 ? WanOf(per_month) + " 万元）" : "", "，为此前 ", past.size(),
                       " 个月的中位数 ", WanOf(median), " 万元的 ", absl::StrFormat("%.1f", per_month / median),
                       " 倍（阈值 ", WanOf(threshold), " 万元：中位数 + ", absl::StrFormat("%g", settings.outlier_k),
                       "×1.4826×MAD，且不低于中位数的 ", absl::StrFormat("%g", settings.outlier_min_ratio), " 倍）")));
    }
  }

  // HS02: 自开始建设累计 above 计划总投资.
  if (context.planned_total_yuan > 0 && report.since_start_yuan() > context.planned_total_yuan) {
    flags.push_back(Flag(pb::VERIFICATION_RULE_ABOVE_PLANNED_TOTAL,
                         absl::StrCat("自开始建设累计 ", Wan(report.since_start_yuan()), " 万元，超过计划总投资 ",
                                      Wan(context.planned_total_yuan), " 万元")));
  }

  // HS03: investment while the stage says the works have not started.
  if (month > 0 && (context.stage == reg::PROJECT_STAGE_PLANNING || context.stage == reg::PROJECT_STAGE_PREPARATION)) {
    flags.push_back(Flag(pb::VERIFICATION_RULE_NOT_STARTED,
                         absl::StrCat("项目阶段为「", DisplayNameOf(context.stage), "」，尚未开工，本月却填报完成投资 ",
                                      Wan(month), " 万元")));
  }

  // HS04: the same amount period after period.
  if (month > 0 && settings.repeat_periods > 1) {
    int run = 1;  // this period and the ones before it with the same amount
    for (Period p = period.Previous(); run < settings.repeat_periods; p = p.Previous(), ++run) {
      const int64_t* amount = amount_of(p);
      if (!amount || *amount != month) break;
    }
    if (run == settings.repeat_periods) {
      std::vector<std::string> periods;
      for (Period p = period; static_cast<int>(periods.size()) < run; p = p.Previous()) periods.push_back(p.ToString());
      std::reverse(periods.begin(), periods.end());
      flags.push_back(Flag(pb::VERIFICATION_RULE_REPEATED_AMOUNT,
                           absl::StrCat("连续 ", periods.size(), " 期本月完成投资均为 ", Wan(month), " 万元（",
                                        absl::StrJoin(periods, "、"), "）")));
    }
  }

  // HS05: a quarter-end or year-end month against the quarter's other months.
  if (month > 0 && period.month % 3 == 0) {
    std::vector<Period> others =
        period.month == 3 ? std::vector<Period>{{period.year, 2}}
                          : std::vector<Period>{{period.year, period.month - 2}, {period.year, period.month - 1}};
    int64_t sum = 0;
    bool all = true;
    for (const Period& o : others) {
      const int64_t* amount = amount_of(o);
      if (!amount)
        all = false;
      else
        sum += *amount;
    }
    const double mean = static_cast<double>(sum) / 2;  // the other months are two calendar months either way
    if (all && mean > 0 && per_month > settings.spike_ratio * mean) {
      flags.push_back(Flag(
          pb::VERIFICATION_RULE_PERIOD_END_SPIKE,
          absl::StrCat(period.month == 12 ? "年末" : "季末", "月完成投资 ", Wan(month), " 万元，为本季度其他月份月均 ",
                       WanOf(mean), " 万元的 ", absl::StrFormat("%.1f", per_month / mean), " 倍（阈值 ",
                       absl::StrFormat("%g", settings.spike_ratio), " 倍）")));
    }
  }
  return flags;
}

BenfordTest TestBenford(const std::vector<int64_t>& amounts, const VerificationSettings& settings) {
  BenfordTest t;
  for (int64_t a : amounts) {
    if (a <= 0) continue;
    while (a >= 10) a /= 10;
    ++t.counts[a];
    ++t.n;
  }
  if (t.n == 0) return t;
  for (int d = 1; d <= 9; ++d) {
    t.mad += std::fabs(static_cast<double>(t.counts[d]) / t.n - std::log10(1.0 + 1.0 / d));
  }
  t.mad /= 9;
  t.judged = t.n >= settings.benford_min_figures;
  t.conforms = !t.judged || t.mad <= settings.benford_mad;
  return t;
}

std::string BenfordEvidence(const BenfordTest& t, const VerificationSettings& settings) {
  int worst = 1;
  double worst_gap = -1;
  for (int d = 1; d <= 9; ++d) {
    const double gap = std::fabs(static_cast<double>(t.counts[d]) / t.n - std::log10(1.0 + 1.0 / d));
    if (gap > worst_gap) worst_gap = gap, worst = d;
  }
  return absl::StrCat("本年 ", t.n, " 个月度数据的首位数字与本福特定律的平均绝对偏差(MAD)为 ",
                      absl::StrFormat("%.4f", t.mad), "（阈值 ", absl::StrFormat("%.3f", settings.benford_mad),
                      "）；首位为 ", worst, " 的占 ", absl::StrFormat("%.1f", 100.0 * t.counts[worst] / t.n),
                      "%，按定律应为 ", absl::StrFormat("%.1f", 100.0 * std::log10(1.0 + 1.0 / worst)), "%");
}

std::vector<Correction> LargeCorrections(const std::vector<Correction>& corrections,
                                         const VerificationSettings& settings) {
  std::vector<Correction> large;
  for (const Correction& c : corrections) {
    const double change = std::fabs(static_cast<double>(c.after_yuan) - static_cast<double>(c.before_yuan));
    if (c.before_yuan == 0 ? c.after_yuan != 0 : change >= settings.correction_share * c.before_yuan) {
      large.push_back(c);
    }
  }
  return large;
}

std::string CorrectionsEvidence(const std::vector<Correction>& large, const VerificationSettings& settings) {
  std::vector<std::string> items;
  for (const Correction& c : large) {
    items.push_back(absl::StrCat(c.period.ToString(), " 自年初累计由 ", Wan(c.before_yuan), " 万元改为 ",
                                 Wan(c.after_yuan), " 万元（", Growth(c.after_yuan - c.before_yuan, c.before_yuan),
                                 "）"));
  }
  return absl::StrCat("本年锁定后大幅更正 ", large.size(), " 次（每次变动不低于 ",
                      absl::StrFormat("%g", settings.correction_share * 100), "%，达到 ", settings.correction_count,
                      " 次即提示）：", absl::StrJoin(items, "；"));
}

}  // namespace saima::stats
