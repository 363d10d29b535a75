#ifndef SAIMA_SERVICES_STATS_VERIFICATION_RULES_H_
#define SAIMA_SERVICES_STATS_VERIFICATION_RULES_H_

// 核实性审核: the rules that flag a monthly figure which is possible but unusual (NBS 联网直报's convention beside
// the 强制性审核 of report_rules.h). A flagged figure is accepted only with the reporter's 说明; the bureau sees
// flags and explanations when it verifies, and may dismiss a flag with a reason. Free of gRPC and SQL; the method
// and the defaults are in docs/verification.md.

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "common/period.h"
#include "saima/registry/v1/registry.pb.h"
#include "saima/stats/v1/stats.pb.h"

namespace saima::stats {

namespace pb = ::saima::stats::v1;
namespace reg = ::saima::registry::v1;

// The thresholds, settings of saima-stats (flags of the same names) with these defaults.
struct VerificationSettings {
  // HS01: a month is an outlier when it exceeds median + k × 1.4826 × MAD of the project's earlier months (per
  // calendar month; the 02 report covers two) and is at least `outlier_min_ratio` times that median; judged only
  // with `outlier_min_history` earlier months with investment.
  double outlier_k = 5.0;
  double outlier_min_ratio = 3.0;
  int outlier_min_history = 6;
  // HS04: the same non-zero 本月完成投资 in this many consecutive periods.
  int repeat_periods = 3;
  // HS05: a quarter-end month above this many times the mean of the quarter's other months.
  double spike_ratio = 3.0;
  // HS06: Nigrini's first-digit MAD above which a set of figures does not conform to Benford's law (0.015,
  // "nonconformity"), judged only with at least `benford_min_figures` figures: even perfectly conforming figures
  // show an expected MAD of about 0.235/√n (0.0136 at 300, 0.0074 at 1000), and a unit's months cluster by
  // project (docs/verification.md).
  double benford_mad = 0.015;
  int benford_min_figures = 1000;
  // HS07: at least `correction_count` corrections in a year, each changing 自年初累计 by `correction_share` or more.
  double correction_share = 0.10;
  int correction_count = 2;
};

// A rule's id for people and files ("HS01" …).
std::string RuleId(pb::VerificationRule rule);

// One earlier official figure of the project.
struct MonthAmount {
  Period period;
  int64_t month_yuan = 0;
};

// What a reported figure is checked against.
struct FigureContext {
  reg::ProjectStage stage = reg::PROJECT_STAGE_UNSPECIFIED;
  int64_t planned_total_yuan = 0;
  // Official 本月完成投资 of earlier periods (up to two years back), oldest first.
  std::vector<MonthAmount> history;
};

// The periods whose figures FlagFigure reads for `period`: from two years before it, up to the period before.
Period HistoryStart(const Period& period);

// The per-figure rules (HS01–HS05) on one reported figure. Each flag carries its rule, id and evidence; the caller
// sets the project, unit, period and version.
std::vector<pb::VerificationFlag> FlagFigure(const pb::MonthlyReport& report, const Period& period,
                                             const FigureContext& context, const VerificationSettings& settings);

// HS06 on the first digits of a set of amounts (zeros are left out): flagged when there are enough of them and
// their MAD from Benford's proportions exceeds the threshold. `mad` receives the MAD whenever it is computed.
struct BenfordTest {
  std::array<int64_t, 10> counts{};  // [d]: figures with first digit d
  int64_t n = 0;
  double mad = 0;
  bool judged = false;   // enough figures
  bool conforms = true;  // when judged
};
BenfordTest TestBenford(const std::vector<int64_t>& amounts, const VerificationSettings& settings);
std::string BenfordEvidence(const BenfordTest& test, const VerificationSettings& settings);

// HS07 on one project's corrections of a year: (the official 自年初累计 before, the corrected one), in order.
struct Correction {
  Period period;
  int64_t before_yuan = 0;
  int64_t after_yuan = 0;
};
// The large ones among `corrections`; the project is flagged when there are at least settings.correction_count.
std::vector<Correction> LargeCorrections(const std::vector<Correction>& corrections,
                                         const VerificationSettings& settings);
std::string CorrectionsEvidence(const std::vector<Correction>& large, const VerificationSettings& settings);

}  // namespace saima::stats

#endif  // SAIMA_SERVICES_STATS_VERIFICATION_RULES_H_
