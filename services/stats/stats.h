#ifndef SAIMA_SERVICES_STATS_STATS_H_
#define SAIMA_SERVICES_STATS_STATS_H_

// The stats service's use cases: plans, monthly reports under 先入库,后有数, locks and corrections, imports,
// indicators and the city report. Validation and authorization here; SQL in StatsStore; no gRPC.

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/caller.h"
#include "common/policy.h"
#include "services/stats/forecast.h"
#include "services/stats/indicators.h"
#include "services/stats/stats_store.h"
#include "services/stats/verification_rules.h"

namespace saima::stats {

// Unit names, for rankings (the registry owns them).
class UnitDirectory {
 public:
  virtual ~UnitDirectory() = default;
  virtual std::map<std::string, std::string> UnitNames(absl::Time deadline) = 0;
};

class Stats {
 public:
  // The city's growth target, in thousandths of a percent (15% is 15000), for the forecast's verdict.
  // `max_package_rows`: the rows of one GetProvincialPackage response at most (about 250 bytes each; 200,000 stay
  // within the 64 MB the gateway accepts); a larger package is read by county-level division.
  Stats(StatsStore& store, UnitDirectory& units, const CodeTables& tables, StatusThresholds thresholds,
        VerificationSettings verification = {}, int64_t growth_target_milli_percent = 15'000,
        int64_t max_package_rows = 200'000)
      : store_(store),
        units_(units),
        tables_(tables),
        thresholds_(thresholds),
        verification_(verification),
        growth_target_milli_percent_(growth_target_milli_percent),
        max_package_rows_(max_package_rows) {}

  absl::StatusOr<pb::SetAnnualPlanResponse> SetAnnualPlan(const Caller& c, const pb::SetAnnualPlanRequest& q,
                                                          absl::Time d);
  absl::StatusOr<pb::GetAnnualPlanResponse> GetAnnualPlan(const Caller& c, const pb::GetAnnualPlanRequest& q,
                                                          absl::Time d);
  absl::StatusOr<pb::SubmitMonthlyReportResponse> SubmitMonthlyReport(const Caller& c,
                                                                      const pb::SubmitMonthlyReportRequest& q,
                                                                      absl::Time d);
  absl::StatusOr<pb::VerifyMonthlyReportResponse> VerifyMonthlyReport(const Caller& c,
                                                                      const pb::VerifyMonthlyReportRequest& q,
                                                                      absl::Time d);
  absl::StatusOr<pb::CorrectMonthlyReportResponse> CorrectMonthlyReport(const Caller& c,
                                                                        const pb::CorrectMonthlyReportRequest& q,
                                                                        absl::Time d);
  absl::StatusOr<pb::GetMonthlyReportResponse> GetMonthlyReport(const Caller& c, const pb::GetMonthlyReportRequest& q,
                                                                absl::Time d);
  absl::StatusOr<pb::ListMonthlyReportVersionsResponse> ListMonthlyReportVersions(
      const Caller& c, const pb::ListMonthlyReportVersionsRequest& q, absl::Time d);
  absl::StatusOr<pb::ProveMonthlyReportResponse> ProveMonthlyReport(const Caller& c,
                                                                    const pb::ProveMonthlyReportRequest& q,
                                                                    absl::Time d);
  absl::StatusOr<pb::ListLatestFiguresResponse> ListLatestFigures(const Caller& c,
                                                                  const pb::ListLatestFiguresRequest& q, absl::Time d);
  absl::StatusOr<pb::ListProjectFiguresResponse> ListProjectFigures(const Caller& c,
                                                                    const pb::ListProjectFiguresRequest& q,
                                                                    absl::Time d);
  absl::StatusOr<pb::LockPeriodResponse> LockPeriod(const Caller& c, const pb::LockPeriodRequest& q, absl::Time d);
  absl::StatusOr<pb::GetRegionReportResponse> GetRegionReport(const Caller& c, const pb::GetRegionReportRequest& q,
                                                              absl::Time d);
  absl::StatusOr<pb::PublishPeriodResponse> PublishPeriod(const Caller& c, const pb::PublishPeriodRequest& q,
                                                          absl::Time d);
  // A streamed import: `next` yields the rows in the order received (false at the end). Rows are checked and
  // written as they arrive, in one transaction; with import_valid_rows unset, one bad row imports nothing.
  absl::StatusOr<pb::ImportMonthlyReportsResponse> ImportMonthlyReports(
      const Caller& c, const std::function<bool(pb::MonthlyReport*)>& next, bool import_valid_rows, absl::Time d);
  absl::StatusOr<pb::GetIndicatorsResponse> GetIndicators(const Caller& c, const pb::GetIndicatorsRequest& q,
                                                          absl::Time d);
  absl::StatusOr<pb::ListStatusHistoryResponse> ListStatusHistory(const Caller& c,
                                                                  const pb::ListStatusHistoryRequest& q, absl::Time d);
  absl::StatusOr<pb::ListProjectStatusesResponse> ListProjectStatuses(const Caller& c,
                                                                      const pb::ListProjectStatusesRequest& q,
                                                                      absl::Time d);
  absl::StatusOr<pb::RankUnitsResponse> RankUnits(const Caller& c, const pb::RankUnitsRequest& q, absl::Time d);
  absl::StatusOr<pb::SetPeerFiguresResponse> SetPeerFigures(const Caller& c, const pb::SetPeerFiguresRequest& q,
                                                            absl::Time d);
  absl::StatusOr<pb::GetProvincialPackageResponse> GetProvincialPackage(const Caller& c,
                                                                        const pb::GetProvincialPackageRequest& q,
                                                                        absl::Time d);
  // The same package given to `send` as it is read: first everything but the rows, then the rows in messages of
  // `rows_per_message` at most; no row limit. Stops (CANCELLED) when `send` returns false: the client has gone.
  absl::Status StreamProvincialPackage(const Caller& c, const pb::GetProvincialPackageRequest& q,
                                       const std::function<bool(const pb::GetProvincialPackageResponse&)>& send,
                                       absl::Time d, int rows_per_message = 1000);
  absl::StatusOr<pb::GetCityReportResponse> GetCityReport(const Caller& c, const pb::GetCityReportRequest& q,
                                                          absl::Time d);
  absl::StatusOr<pb::GetForecastResponse> GetForecast(const Caller& c, const pb::GetForecastRequest& q, absl::Time d);
  absl::StatusOr<pb::ListVerificationFlagsResponse> ListVerificationFlags(const Caller& c,
                                                                          const pb::ListVerificationFlagsRequest& q,
                                                                          absl::Time d);
  absl::StatusOr<pb::DismissVerificationFlagResponse> DismissVerificationFlag(
      const Caller& c, const pb::DismissVerificationFlagRequest& q, absl::Time d);

 private:
  // Indicators of the facts in `scope` (city, unit:<id>, tier:<ProjectTier>, category:<Category>).
  // Whether `reader` may take `action` (a read) on the figures of `project_id`, by the project's unit.
  absl::Status MayReadProject(const Caller& reader, Action action, int64_t project_id, absl::Time d);
  absl::StatusOr<pb::GetIndicatorsResponse> IndicatorsOf(const std::vector<ProjectFacts>& facts, const Period& period,
                                                         const std::string& scope, absl::Time d);
  // What indicators carry beside their sums: the period's state and, for the city, its rank among the prefecture's
  // peers (read before, set without I/O).
  struct PeriodContext {
    StatsStore::PeriodState state;
    std::map<int, std::vector<int64_t>> peers;
  };
  absl::StatusOr<PeriodContext> ContextOf(const Period& period, bool city, absl::Time d);
  void Decorate(const std::string& scope, const PeriodContext& context, pb::GetIndicatorsResponse& indicators) const;
  // Records one figure of `kind` after the checks of its kind.
  absl::StatusOr<pb::MonthlyReport> Record(const Caller& caller, const pb::MonthlyReport& report, pb::FigureKind kind,
                                           const std::string& request_id, absl::Time deadline);
  // The provincial package of a locked period frozen as a new version when it differs from the newest one (or
  // none exists): the rows with their units' names and the city indicators, as they are now. Returns the newest
  // version afterwards.
  absl::StatusOr<StatsStore::PackageVersion> FreezePackage(const std::string& period, const std::string& actor,
                                                           const std::string& reason, absl::Time d);
  // What both reads of a package do before its rows: the checks, the version (frozen at this first read of a period
  // locked before packages were frozen), and the response without the rows kept apart (a version frozen before
  // rows were kept apart has them inside, narrowed to the region), with the region's indicators.
  struct OpenPackage {
    pb::GetProvincialPackageResponse head;
    bool rows_apart = false;
    int64_t row_count = -1;
  };
  absl::StatusOr<OpenPackage> OpenProvincialPackage(const Caller& reader, const pb::GetProvincialPackageRequest& q,
                                                    absl::Time d);

  StatsStore& store_;
  UnitDirectory& units_;
  const CodeTables& tables_;
  const StatusThresholds thresholds_;
  const VerificationSettings verification_;
  const int64_t growth_target_milli_percent_;
  const int64_t max_package_rows_;
};

// The 核实性审核 flags of a period, every rule: the figures' stored flags, and the unit-level rules (Benford,
// corrections) computed from the data; dismissals applied. Sorted by unit, project, rule.
std::vector<pb::VerificationFlag> FlagsOf(const StatsStore::FlagData& data, const Period& period,
                                          const VerificationSettings& settings);

// The refusal of a reported figure that raised flags without a 说明: one violation of `field` per flag, naming
// the rule and what was seen.
void RequireExplanation(const std::vector<pb::VerificationFlag>& flags, const std::string& field, Violations& v);

// 先入库,后有数: OK when the project is 入库 by the end of `period`; FAILED_PRECONDITION naming the rule if not.
absl::Status CheckRukuForPeriod(const std::optional<ProjectDims>& dims, int64_t project_id, const Period& period);
absl::Status CheckRukuForPeriod(const ProjectDims* dims, int64_t project_id, const Period& period);

}  // namespace saima::stats

#endif  // SAIMA_SERVICES_STATS_STATS_H_
