// 核实性审核 against planted anomalies: generated project-months with a seasonal shape and noise, anomalies of each
// kind planted among them, and every rule run as stats runs it (services/stats/verification_rules.h). Prints each
// rule's recall on its planted kind and its false-positive rate on the clean figures, against the floors of the
// issue (recall ≥ 0.9, false positives ≤ 2%); exits 1 when a floor is missed. Deterministic (fixed seed).
//
//   verification_bench [--projects=600] [--units=40] [--seed=7]

#include <cmath>
#include <cstdio>
#include <map>
#include <random>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "services/stats/verification_rules.h"

ABSL_FLAG(int, projects, 600, "projects of the per-figure rules, each with 22 months (2022-02 … 2023-12)");
ABSL_FLAG(int, units, 40, "units of the Benford test, each reporting --unit_projects projects × 11 months");
ABSL_FLAG(int, unit_projects, 100, "projects of each unit of the Benford test");
ABSL_FLAG(int, seed, 7, "random seed");

namespace saima::stats {
namespace {

namespace pb = ::saima::stats::v1;

// The share of a year's investment in each month (02 covers two), higher before the quarters' ends and in the
// second half, as investment goes.
constexpr double kSeason[13] = {0, 0, 0.11, 0.07, 0.075, 0.08, 0.095, 0.08, 0.085, 0.1, 0.085, 0.09, 0.13};

int64_t Round100(double yuan) { return static_cast<int64_t>(std::llround(yuan / 100)) * 100; }

struct Tally {
  int64_t planted = 0, caught = 0;      // planted anomalies of the rule's kind, and those the rule flagged
  int64_t clean = 0, false_alarms = 0;  // clean figures (or units, or projects), and those it flagged
};

bool Flags(const std::vector<pb::VerificationFlag>& flags, pb::VerificationRule rule) {
  for (const auto& f : flags) {
    if (f.rule() == rule) return true;
  }
  return false;
}

int Run() {
  std::mt19937_64 rng(absl::GetFlag(FLAGS_seed));
  std::uniform_real_distribution<double> uniform(0, 1);
  std::normal_distribution<double> noise(0, 0.25), month_noise(0, 1);
  const VerificationSettings settings;
  std::map<pb::VerificationRule, Tally> tally;
  const pb::VerificationRule figure_rules[] = {
      pb::VERIFICATION_RULE_MONTH_OUTLIER, pb::VERIFICATION_RULE_ABOVE_PLANNED_TOTAL, pb::VERIFICATION_RULE_NOT_STARTED,
      pb::VERIFICATION_RULE_REPEATED_AMOUNT, pb::VERIFICATION_RULE_PERIOD_END_SPIKE};
  int64_t project_months = 0;

  // ---- per-figure rules: each project's 22 periods, checked in order against its earlier official months ----
  const int projects = absl::GetFlag(FLAGS_projects);
  for (int p = 0; p < projects; ++p) {
    const double year_level = std::pow(10, 6.5 + 1.5 * uniform(rng));  // 300万 to 1亿 a year
    std::vector<Period> periods;
    for (int y : {2022, 2023}) {
      for (int m = 2; m <= 12; ++m) periods.push_back({y, m});
    }
    std::vector<int64_t> amounts;
    for (const Period& period : periods) {
      const double growth = period.year == 2023 ? 1.1 : 1.0;
      amounts.push_back(Round100(year_level * growth * kSeason[period.month] * std::exp(noise(rng))));
    }
    int64_t total = 0;
    for (int64_t a : amounts) total += a;
    const int64_t planned_total = total * 3 / 2 + Round100(year_level);
    // One anomaly in a third of the projects, in 2023 (a year of history before it); the kinds in turn.
    pb::VerificationRule planted = pb::VERIFICATION_RULE_UNSPECIFIED;
    size_t at = 0;
    if (p % 3 == 0) {
      planted = figure_rules[(p / 3) % 5];
      const int month = planted == pb::VERIFICATION_RULE_PERIOD_END_SPIKE ? 3 * (2 + static_cast<int>(uniform(rng) * 3))
                                                                          : 4 + static_cast<int>(uniform(rng) * 8);
      at = 11 + (month - 2);
      if (planted == pb::VERIFICATION_RULE_MONTH_OUTLIER) {
        amounts[at] = Round100(amounts[at] * (5 + 5 * uniform(rng)));
      } else if (planted == pb::VERIFICATION_RULE_REPEATED_AMOUNT) {
        amounts[at - 1] = amounts[at] = amounts[at - 2];  // copied forward
      } else if (planted == pb::VERIFICATION_RULE_PERIOD_END_SPIKE) {
        amounts[at] = Round100((amounts[at - 1] + amounts[at - 2]) / 2.0 * (4 + 4 * uniform(rng)));
      }
    }
    int64_t since_start = 0;
    FigureContext context;
    context.planned_total_yuan = planned_total;
    for (size_t i = 0; i < periods.size(); ++i) {
      pb::MonthlyReport r;
      r.set_period(periods[i].ToString());
      r.set_month_yuan(amounts[i]);
      since_start += amounts[i];
      r.set_since_start_yuan(since_start);
      context.stage = reg::PROJECT_STAGE_CONSTRUCTION;
      const bool anomalous = planted != pb::VERIFICATION_RULE_UNSPECIFIED && i == at;
      if (anomalous && planted == pb::VERIFICATION_RULE_ABOVE_PLANNED_TOTAL) {
        r.set_since_start_yuan(planned_total + Round100(planned_total * (0.02 + 0.3 * uniform(rng))));
      }
      if (anomalous && planted == pb::VERIFICATION_RULE_NOT_STARTED) context.stage = reg::PROJECT_STAGE_PREPARATION;
      const auto flags = FlagFigure(r, periods[i], context, settings);
      ++project_months;
      for (auto rule : figure_rules) {
        Tally& t = tally[rule];
        if (anomalous && rule == planted) {
          ++t.planted;
          t.caught += Flags(flags, rule);
        } else if (!anomalous) {
          ++t.clean;
          t.false_alarms += Flags(flags, rule);
        }
      }
      context.history.push_back({periods[i], amounts[i]});
    }
  }

  // ---- HS06: units' years of amounts; a quarter of the units fabricate theirs (even first digits) ----
  const int units = absl::GetFlag(FLAGS_units);
  for (int u = 0; u < units; ++u) {
    const bool fabricated = u % 4 == 0;
    // Honest amounts: project levels spread over three orders of magnitude (50万 to 5亿 a year) and months that
    // vary as investment does (a large purchase, a pause: σ 0.7 in log), so that first digits follow Benford's law.
    std::vector<int64_t> amounts;
    for (int p = 0; p < absl::GetFlag(FLAGS_unit_projects); ++p) {
      const double level = std::pow(10, 5.7 + 3 * uniform(rng));
      for (int m = 2; m <= 12; ++m) {
        amounts.push_back(fabricated ? Round100(100'000 + 900'000 * uniform(rng))
                                     : Round100(level * kSeason[m] * std::exp(0.7 * month_noise(rng))));
      }
    }
    project_months += static_cast<int64_t>(amounts.size());
    const BenfordTest test = TestBenford(amounts, settings);
    const bool flagged = test.judged && !test.conforms;
    Tally& t = tally[pb::VERIFICATION_RULE_BENFORD];
    if (fabricated) {
      ++t.planted;
      t.caught += flagged;
    } else {
      ++t.clean;
      t.false_alarms += flagged;
    }
  }

  // ---- HS07: projects' corrections after the lock in a year; a fifth correct large amounts again and again ----
  for (int p = 0; p < projects; ++p) {
    const bool frequent = p % 5 == 0;
    std::vector<Correction> corrections;
    const int count = frequent ? 2 + static_cast<int>(uniform(rng) * 3) : static_cast<int>(uniform(rng) * 3);
    for (int i = 0; i < count; ++i) {
      const int64_t before = Round100(std::pow(10, 6 + 2 * uniform(rng)));
      // Ordinary corrections are small (a late invoice), at most one in three of them large.
      const double change =
          frequent || (i == 0 && uniform(rng) < 0.3) ? 0.12 + 0.5 * uniform(rng) : 0.09 * uniform(rng);
      corrections.push_back({{2023, 3 + i}, before, Round100(before * (1 + (uniform(rng) < 0.5 ? -change : change)))});
    }
    const bool flagged = static_cast<int>(LargeCorrections(corrections, settings).size()) >= settings.correction_count;
    Tally& t = tally[pb::VERIFICATION_RULE_FREQUENT_CORRECTIONS];
    if (frequent) {
      ++t.planted;
      t.caught += flagged;
    } else {
      ++t.clean;
      t.false_alarms += flagged;
    }
  }

  std::printf("核实性审核 against planted anomalies: %lld generated project-months (%d projects × 22, %d units × %d)\n",
              static_cast<long long>(project_months), projects, units, absl::GetFlag(FLAGS_unit_projects) * 11);
  std::printf("%-6s %-40s %8s %8s %8s %10s %10s\n", "rule", "kind", "planted", "caught", "recall", "clean", "FP rate");
  bool met = true;
  for (const auto& [rule, t] : tally) {
    const double recall = t.planted ? static_cast<double>(t.caught) / t.planted : 0;
    const double fp = t.clean ? static_cast<double>(t.false_alarms) / t.clean : 0;
    std::printf("%-6s %-40s %8lld %8lld %8.3f %10lld %9.2f%%\n", RuleId(rule).c_str(),
                pb::VerificationRule_Name(rule).c_str(), static_cast<long long>(t.planted),
                static_cast<long long>(t.caught), recall, static_cast<long long>(t.clean), 100 * fp);
    met = met && t.planted > 0 && recall >= 0.9 && fp <= 0.02;
  }
  std::printf("floors (recall ≥ 0.9, false positives ≤ 2%%): %s\n", met ? "met" : "MISSED");
  return met ? 0 : 1;
}

}  // namespace
}  // namespace saima::stats

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  return saima::stats::Run();
}
