#ifndef SAIMA_SERVICES_STATS_INDICATORS_H_
#define SAIMA_SERVICES_STATS_INDICATORS_H_

// The indicators of DOMAIN.md §3 and §8, computed exactly from integer amounts in 元. Free of gRPC and SQL:
// StatsStore gathers ProjectFacts, these functions aggregate them.

#include <array>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "common/money.h"
#include "common/period.h"
#include "saima/registry/v1/registry.pb.h"
#include "saima/stats/v1/stats.pb.h"

namespace saima::stats {

namespace pb = ::saima::stats::v1;
namespace reg = ::saima::registry::v1;

// One counted project: its dimensions (from the registry's change feed) and its figures.
struct ProjectFacts {
  int64_t project_id = 0;
  std::string unit_id;
  std::string name;
  std::string industry_code;
  reg::Sector sector = reg::SECTOR_UNSPECIFIED;
  bool manufacturing = false;
  bool industrial_renovation = false;
  bool public_institution = false;
  reg::Ownership ownership = reg::OWNERSHIP_UNSPECIFIED;
  std::vector<int> tiers;
  std::string planned_start_date;
  std::string actual_start_date;
  // The year's annual plan, when set.
  std::optional<int64_t> plan;
  // Official 自年初累计 of the period and of the same period last year, and their 建安 part (建筑 + 安装).
  int64_t ytd = 0;
  int64_t ytd_ja = 0;
  int64_t last_ytd = 0;
  int64_t last_ja = 0;
  // 入库 by the period's end: only then does the project's investment count (DOMAIN §8); its plan, status and start
  // count either way.
  bool counted = true;
  // An official figure of the period exists (a reported zero included).
  bool reported = false;
  reg::ConstructionNature construction_nature = reg::CONSTRUCTION_NATURE_UNSPECIFIED;
  std::string ruku_date;

  bool HasTier(reg::ProjectTier tier) const;
  // When the project started (DOMAIN §3): its actual start; for 单纯购置, whose start is the delivery of its
  // equipment, the 入库 date (入库 on proof of delivery) when no start date is given. Empty: not started.
  std::string StartDate() const;
};

// Versioned code tables for categories without a national definition [default, loadable].
struct CodeTables {
  std::vector<std::string> transport;  // 交通
  std::vector<std::string> energy;     // 能源
  std::vector<std::string> water;      // 水利
  std::vector<std::string> high_tech;  // 高新技术产业 (provincial list)
  // The defaults of DOMAIN.md §2, from data/code-tables.csv.
  static const CodeTables& Default();
};

// Progress-status bands in thousandths of a percentage point [default, configurable].
struct StatusThresholds {
  int64_t ahead_milli_pp = 10'000;     // 较快: gap ≥ +10
  int64_t normal_milli_pp = -10'000;   // 正常: −10 ≤ gap < +10
  int64_t warning_milli_pp = -30'000;  // 预警: −30 ≤ gap < −10; below: 滞后
  int overdue_start_months = 3;        // planned start overdue by this many months → 滞后
};

// The GB/T 2260 name of an administrative division: 2 digits a province, 4 a prefecture, 6 a county-level
// division (data/gbt2260-*.csv, compiled in); empty when the code is not in the tables.
const std::string& DivisionName(const std::string& code);
// The county-level division of a national project code (YYYY-DDDDDD-…): its 6 digits, or empty.
std::string DivisionOf(std::string_view project_code);

bool InCategory(const ProjectFacts& p, pb::Category category, const CodeTables& tables);

pb::Rate MakeRate(int64_t numerator, int64_t denominator);

// The sums the indicators are computed from, over projects added one at a time; sums of disjoint sets add up.
// A locked period keeps them per administrative division (StatsStore's rollups), so a region's indicators are its
// divisions' sums added, not its projects'. Totals are kept in 128 bits and checked when finished.
struct IndicatorSums {
  static constexpr int kCategories = pb::CATEGORY_TERTIARY + 1;  // indexed by pb::Category; 0 unused
  int64_t projects = 0;                                          // counted (入库 by the period's end)
  int64_t reported = 0;                                          // counted and with an official figure
  AmountSum ytd, last, plan, ytd_with_plan;
  std::array<AmountSum, kCategories> category_ytd, category_last;

  void Add(const ProjectFacts& project, const CodeTables& tables);
  IndicatorSums& operator+=(const IndicatorSums& other);
};

// The indicators of the sums for `period`: OUT_OF_RANGE when a total does not fit in int64.
absl::StatusOr<pb::GetIndicatorsResponse> FinishIndicators(const IndicatorSums& sums, const Period& period);

// Indicators of a set of projects for a period: totals, growth by category, plan, completion, time progress.
// Every total is checked: OUT_OF_RANGE when one does not fit in int64 (never for amounts within kMaxAmountYuan and
// fewer than 92,000 projects).
absl::StatusOr<pb::GetIndicatorsResponse> ComputeIndicators(const std::vector<ProjectFacts>& projects,
                                                            const Period& period, const CodeTables& tables);

// One project's progress status for a period (DOMAIN.md §3, compared exactly before any rounding).
pb::ProjectStatus StatusOf(const ProjectFacts& project, const Period& period, const StatusThresholds& thresholds);

// Statuses of the projects holding `tier`, ordered by project id, with counts per status name.
// The key and major projects' statuses month by month: `months[i]` holds the facts of month 02 + i, the last one
// being `period`. Months behind count back from the period while the project is 预警 or 滞后.
pb::ListStatusHistoryResponse StatusHistoryOf(const std::vector<std::vector<ProjectFacts>>& months,
                                              const Period& period, const StatusThresholds& thresholds);

pb::ListProjectStatusesResponse StatusesOf(const std::vector<ProjectFacts>& projects, reg::ProjectTier tier,
                                           const Period& period, const StatusThresholds& thresholds);

// Units ranked by completion rate over their projects with a plan; only units whose plan exceeds
// `min_plan_yuan`. Ties break on the unit id. Each carries its gap to the period's time progress.
absl::StatusOr<pb::RankUnitsResponse> RankUnits(const std::vector<ProjectFacts>& projects, const Period& period,
                                                int64_t min_plan_yuan, bool ascending,
                                                const std::map<std::string, std::string>& unit_names);

// The error of a total that does not fit in int64.
absl::Status TotalOutOfRange(const std::string& what);

// 1 + the number of peers whose growth (milli-percent) is above `growth`; 0 when there are no peers or the
// growth is undefined.
int PrefectureRank(const pb::Rate& growth, const std::vector<int64_t>& peer_growth_milli_percent);

}  // namespace saima::stats

#endif  // SAIMA_SERVICES_STATS_INDICATORS_H_
