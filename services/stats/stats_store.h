#ifndef SAIMA_SERVICES_STATS_STATS_STORE_H_
#define SAIMA_SERVICES_STATS_STATS_STORE_H_

// Where the stats service keeps its records, on PostgreSQL (schema `stats`). Each method is one transaction
// bounded by `deadline`. Thread-safe.

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/pg.h"
#include "saima/registry/v1/registry.pb.h"
#include "saima/stats/v1/stats.pb.h"
#include "services/stats/indicators.h"
#include "services/stats/report_rules.h"
#include "services/stats/verification_rules.h"

namespace saima::stats {

std::vector<NamedStatement> StatsStatements();

// What stats knows of a project from the change feed, for the rules of a report.
struct ProjectDims {
  int64_t project_id = 0;
  std::string unit_id;
  reg::RukuState ruku_state = reg::RUKU_STATE_UNSPECIFIED;
  std::string ruku_date;
  int64_t planned_total_yuan = 0;
  reg::ProjectStage stage = reg::PROJECT_STAGE_UNSPECIFIED;
};

// A figure to record, and who records it.
struct ReportWrite {
  pb::MonthlyReport report;
  pb::FigureKind kind = pb::FIGURE_KIND_REPORTED;
  std::string actor;
  std::string request_id;
  // Whether the caller may write this project's figure; asked before a retried request id returns what it
  // recorded first (the check asks again for a new write). Null: anyone who passed the role check.
  std::function<absl::Status(const std::optional<ProjectDims>& dims)> authorize;
};

// Checks a report inside the recording transaction: the dims, the context the arithmetic and the 核实性审核 rules
// need, whether the period is locked, and the newest version so far. Returns the flags to record with it, or the
// refusal.
using ReportCheck = std::function<absl::StatusOr<std::vector<pb::VerificationFlag>>(
    const std::optional<ProjectDims>& dims, const ReportContext& context, bool locked,
    const std::optional<pb::MonthlyReport>& newest)>;

using DimsMap = absl::flat_hash_map<int64_t, ProjectDims>;

// Checks a whole import at once; returns the indexes of the rows to write (all or none, or the good ones).
struct ImportContext {
  // A (project, period) pair as one number: project · 10^6 + YYYYMM.
  static int64_t Key(int64_t project_id, const Period& period) {
    return project_id * 1'000'000 + period.year * 100 + period.month;
  }
  // Every project's dims as of the change feed's position when the import began; shared with the imports that
  // began at the same position.
  std::shared_ptr<const DimsMap> dims;
  // Official 自年初累计 already stored, by Key; December's 自开始建设累计 by Key(project, {year, 12}).
  absl::flat_hash_map<int64_t, int64_t> stored_ytd;
  absl::flat_hash_map<int64_t, int64_t> december_since_start;
  absl::flat_hash_map<int64_t, pb::MonthlyReport> newest;
  std::map<std::string, bool> locked;
  // Official 本月完成投资 by project, of the periods the 核实性审核 rules look back on (HistoryStart), as stored
  // before this import wrote into them: one lookup per row instead of one per month looked back on.
  absl::flat_hash_map<int64_t, std::vector<MonthAmount>> stored_months;
};
// An import in progress inside one transaction: the context rows are checked against, loaded as periods appear,
// and a COPY of the accepted rows into monthly_reports.
class ImportSession {
 public:
  virtual ~ImportSession() = default;
  // Loads the lock of `period` and the stored figures rows of it are checked against (the period itself, the
  // month before, last December, and the months the 核实性审核 rules look back on). Idempotent.
  virtual void LoadPeriod(const Period& period) = 0;
  virtual const ImportContext& context() const = 0;
  // Writes an accepted row as a reported figure, with the next version of its (project, period) and the flags
  // it raised.
  virtual void Write(const pb::MonthlyReport& row, const std::vector<pb::VerificationFlag>& flags) = 0;
  virtual int64_t written() const = 0;
};

class StatsStore {
 public:
  explicit StatsStore(PgPool& pool) : pool_(pool) {}

  // The change feed: the last revision applied, and applying one change (dims and position together; a change
  // at or below the position is skipped, so replays are harmless).
  absl::StatusOr<int64_t> FeedPosition(absl::Time deadline);
  absl::Status ApplyChange(const reg::ProjectChange& change, absl::Time deadline);

  absl::StatusOr<std::optional<ProjectDims>> GetDims(int64_t project_id, absl::Time deadline);

  absl::StatusOr<pb::AnnualPlan> SetPlan(const pb::AnnualPlan& plan, const std::string& actor, absl::Time deadline);
  absl::StatusOr<std::optional<pb::AnnualPlan>> GetPlan(int64_t project_id, int year, absl::Time deadline);

  // Records a new version after `check` accepts it; a request id seen before returns its version unchanged, and
  // a report equal to the newest version of its kind returns that version (recorded once).
  absl::StatusOr<pb::MonthlyReport> RecordReport(const ReportWrite& write, const ReportCheck& check,
                                                 absl::Time deadline);
  // Runs an import in one transaction: `body` checks rows against the session's context and writes the accepted
  // ones with COPY. OK from `body` commits; any other status rolls everything back and is returned.
  absl::StatusOr<int64_t> Import(const std::string& actor, const std::function<absl::Status(ImportSession&)>& body,
                                 absl::Time deadline);
  absl::StatusOr<std::vector<pb::MonthlyReport>> ListVersions(int64_t project_id, const std::string& period,
                                                              absl::Time deadline);
  // The proof of one figure version against the audit log (import_audit.h).
  absl::StatusOr<pb::ProveMonthlyReportResponse> ProveReport(int64_t project_id, const std::string& period, int version,
                                                             absl::Time deadline);
  // The official version of each period of one project in [from, to] (empty: unbounded), oldest first.
  absl::StatusOr<std::vector<pb::MonthlyReport>> ListOfficial(int64_t project_id, const std::string& from,
                                                              const std::string& to, absl::Time deadline);
  // For each project, the official version of its newest period up to `period`.
  absl::StatusOr<std::vector<pb::MonthlyReport>> ListLatest(const std::vector<int64_t>& project_ids,
                                                            const std::string& period, absl::Time deadline);

  // Locks a period; locking it again returns the first lock. (The package frozen next keeps the period's
  // indicator sums per division for the regional reports: FreezePackage.)
  absl::StatusOr<pb::LockPeriodResponse> LockPeriod(const std::string& period, const std::string& actor,
                                                    absl::Time deadline);
  // The indicator sums of each county-level division whose code starts with `region`, of a locked period, by
  // division code; made first when the period has none (locked before they existed, or corrected since).
  absl::StatusOr<std::vector<std::pair<std::string, IndicatorSums>>> DivisionSums(const Period& period,
                                                                                  const std::string& region,
                                                                                  const CodeTables& tables,
                                                                                  absl::Time deadline);
  absl::StatusOr<bool> IsLocked(const std::string& period, absl::Time deadline);
  // Whether the period is locked and published, and when its newest figure version was recorded (0: none).
  struct PeriodState {
    bool locked = false;
    bool published = false;
    int64_t updated_at = 0;
  };
  absl::StatusOr<PeriodState> StateOf(const std::string& period, absl::Time deadline);
  // FAILED_PRECONDITION when the period is not locked; publishing again keeps the first publication.
  absl::StatusOr<pb::PublishPeriodResponse> PublishPeriod(const std::string& period, const std::string& actor,
                                                          absl::Time deadline);

  // A frozen provincial package (stats.package_versions).
  struct PackageVersion {
    int32_t version = 0;
    // A serialized GetProvincialPackageResponse: with its rows, or (rows_apart) without them, its rows in
    // stats.package_rows.
    std::string snapshot;
    std::string sha256;
    std::string reason;
    bool rows_apart = false;
    std::string content_sha256;  // empty for a version made before it was kept
    int64_t row_count = -1;      // -1: not kept (made before)
  };
  // Version `version` of the period's package, or the newest when 0; nullopt when there is none.
  absl::StatusOr<std::optional<PackageVersion>> LoadPackageVersion(const std::string& period, int32_t version,
                                                                   absl::Time deadline);

  // What Stats gives a package freeze (FreezePackage): the store streams the period's projects to it and writes
  // what it returns, memory staying that of one block of rows.
  class PackageFreezer {
   public:
    virtual ~PackageFreezer() = default;
    // Each project of the period, 入库 or not, in 项目代码 order, with its county-level division (DivisionOf);
    // `row` is set (without the unit's name) for one 入库 by the period's end: returns the bytes to store for it.
    virtual absl::StatusOr<std::string> Project(const ProjectFacts& facts, const std::string& division,
                                                pb::PackageRow* row) = 0;
    // After the last project: the version to store, or nullopt when it would be the same as `newest`.
    struct Version {
      std::string header;  // the snapshot without rows
      std::string sha256, content_sha256, actor, reason;
      std::map<std::string, IndicatorSums> divisions;
    };
    virtual absl::StatusOr<std::optional<Version>> Finish(const std::optional<PackageVersion>& newest) = 0;
  };
  // Freezes the period's next package version in one transaction (its rows, division sums and header), or
  // returns the newest when the freezer finds nothing changed. Versions of a period are made one at a time. The
  // sums also become the period's regional sums when it has none.
  absl::StatusOr<PackageVersion> FreezePackage(const Period& period, PackageFreezer& freezer, absl::Time deadline);
  // The stored rows (rows_apart) of a version, of one county-level division or (empty) all of them, in 项目代码
  // order, each given to `row` as its bytes; read in blocks.
  absl::Status ReadPackageRows(const std::string& period, int32_t version, const std::string& division,
                               const std::function<absl::Status(const std::string& bytes)>& row, absl::Time deadline);
  // A county-level division's sums frozen with a version; nullopt when the version has none for it.
  absl::StatusOr<std::optional<IndicatorSums>> PackageDivisionSums(const std::string& period, int32_t version,
                                                                   const std::string& division, absl::Time deadline);

  // The counted projects (入库 by the period's end) with their official figures and plans.
  absl::StatusOr<std::vector<ProjectFacts>> LoadFacts(const Period& period, absl::Time deadline);
  // The key and major projects' facts for each month from 02 to `period` ([0] is 02), from one statement: their
  // attributes, plan and official year-to-date figure (statuses need nothing else).
  absl::StatusOr<std::vector<std::vector<ProjectFacts>>> LoadFactsHistory(const Period& period, absl::Time deadline);

  // Every project's official 自年初累计 of each period in [from, to], for the forecast.
  struct YtdPoint {
    int64_t project_id = 0;
    Period period;
    int64_t ytd = 0;
  };
  absl::StatusOr<std::vector<YtdPoint>> LoadYtdHistory(const Period& from, const Period& to, absl::Time deadline);

  // What the 核实性审核 list of a period is made of, read from one snapshot.
  struct FlagData {
    // The flags of each project's newest reported version of the period, with the project's unit, name and the
    // figure's 说明 (dismissal fields filled from the dismissals).
    std::vector<pb::VerificationFlag> figure_flags;
    // Each unit's reported 本月完成投资 (newest reported versions) of the year up to the period.
    std::map<std::string, std::vector<int64_t>> unit_amounts;
    // Every version of the year's (project, period)s that were corrected after a lock, oldest first.
    std::vector<pb::MonthlyReport> corrected_versions;
    std::map<int64_t, std::pair<std::string, std::string>> project_units;  // project → (unit, name)
    // Dismissals of the period: (subject, rule, version) → (actor, reason, epoch seconds).
    struct Dismissal {
      std::string actor, reason;
      int64_t at = 0;
    };
    std::map<std::tuple<std::string, int, int>, Dismissal> dismissals;
  };
  absl::StatusOr<FlagData> LoadFlagData(const Period& period, absl::Time deadline);
  // Records a dismissal; dismissing again keeps the first one.
  absl::Status DismissFlag(const std::string& period, const std::string& subject, int rule, int version,
                           const std::string& actor, const std::string& reason, absl::Time deadline);

  absl::StatusOr<int> SetPeerFigures(const std::vector<pb::PeerFigure>& figures, absl::Time deadline);
  // category → peers' growth in milli-percent, for a period.
  absl::StatusOr<std::map<int, std::vector<int64_t>>> PeerFigures(const std::string& period, absl::Time deadline);

 private:
  // The dims of every project as of the change feed's position, read inside `txn`: the copy kept from the last
  // import when the position has not moved since (project_dims is written only by ApplyChange, which moves it),
  // brought up to date by the projects changed since when it has, read whole otherwise. A whole read of a
  // national registry's dims took longer than checking the rows of a monthly file.
  std::shared_ptr<const DimsMap> DimsAtFeedPosition(pqxx::transaction_base& txn);

  PgPool& pool_;
  absl::Mutex dims_mu_;
  int64_t dims_position_ ABSL_GUARDED_BY(dims_mu_) = -1;
  std::shared_ptr<const DimsMap> dims_ ABSL_GUARDED_BY(dims_mu_);
};

}  // namespace saima::stats

#endif  // SAIMA_SERVICES_STATS_STATS_STORE_H_
