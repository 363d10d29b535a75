// saima-stats: annual plans, monthly figures (先入库,后有数), locks and corrections, indicators, the city report.
// Keeps the project dimensions it aggregates by from the registry's change feed.

#include <cmath>

#include "absl/flags/flag.h"
#include "common/client.h"
#include "common/embedded.h"
#include "common/service_main.h"
#include "services/stats/import_audit.h"
#include "services/stats/registry_client.h"
#include "services/stats/stats.h"
#include "services/stats/stats_service.h"
#include "services/stats/stats_store.h"

ABSL_FLAG(std::string, registry_addr, "127.0.0.1:50051", "registry service address (change feed, unit names)");
ABSL_FLAG(int64_t, status_ahead_milli_pp, 10000, "较快 when completion − time progress ≥ this (1/1000 pp)");
ABSL_FLAG(int64_t, status_normal_milli_pp, -10000, "正常 when the gap ≥ this (1/1000 pp)");
ABSL_FLAG(int64_t, status_warning_milli_pp, -30000, "预警 when the gap ≥ this; below it 滞后 (1/1000 pp)");
ABSL_FLAG(int, status_overdue_start_months, 3, "滞后 when the planned start is overdue by this many months");
ABSL_FLAG(double, growth_target_percent, 15.0, "the city's growth target for the year, for the forecast's verdict");
ABSL_FLAG(int64_t, max_package_rows, 200000,
          "the provincial package's rows in one response at most (within the gateway's 64 MB at ~250 bytes a row); "
          "a larger package is read by county-level division");
// 核实性审核 thresholds (services/stats/verification_rules.h, docs/verification.md).
ABSL_FLAG(double, outlier_k, 5.0, "HS01: flag a month above median + k × 1.4826 × MAD of the project's history");
ABSL_FLAG(double, outlier_min_ratio, 3.0, "HS01: … and at least this many times the median");
ABSL_FLAG(int, outlier_min_history, 6, "HS01: judged only with this many earlier months with investment");
ABSL_FLAG(int, repeat_periods, 3, "HS04: flag the same non-zero month amount in this many consecutive periods");
ABSL_FLAG(double, spike_ratio, 3.0, "HS05: flag a quarter-end month above this many times the quarter's mean");
ABSL_FLAG(double, benford_mad, 0.015, "HS06: first-digit MAD above which a unit's year does not conform");
ABSL_FLAG(int, benford_min_figures, 1000, "HS06: judged only with this many figures");
ABSL_FLAG(double, correction_share, 0.10, "HS07: a correction changing 自年初累计 by this share is large");
ABSL_FLAG(int, correction_count, 2, "HS07: flag a project with this many large corrections in a year");

namespace saima {
extern const EmbeddedFile kStatsMigrations[];
}

int main(int argc, char** argv) {
  using namespace saima::stats;
  saima::ServiceSpec spec;
  spec.binary_name = "saima-stats";
  spec.schema = "stats";
  spec.default_listen = "127.0.0.1:50052";
  spec.migrations = saima::kStatsMigrations;
  spec.statements = StatsStatements();
  spec.service_names = {saima::stats::v1::StatsService::service_full_name()};
  spec.audit_coverage = VerifyImportRoots;
  spec.write_positions_table = "stats.write_positions";  // migration 012
  spec.bulk_requests = true;                             // imports of a million rows, a whole country's package
  spec.make_services = [](saima::PgPool& pool) -> std::vector<std::shared_ptr<grpc::Service>> {
    // Built once; they live for the life of the process.
    static auto registry = saima::MakeChannel(absl::GetFlag(FLAGS_registry_addr));
    static StatsStore* store = new StatsStore(pool);
    static RegistryUnits* units = new RegistryUnits(registry);
    StatusThresholds thresholds;
    thresholds.ahead_milli_pp = absl::GetFlag(FLAGS_status_ahead_milli_pp);
    thresholds.normal_milli_pp = absl::GetFlag(FLAGS_status_normal_milli_pp);
    thresholds.warning_milli_pp = absl::GetFlag(FLAGS_status_warning_milli_pp);
    thresholds.overdue_start_months = absl::GetFlag(FLAGS_status_overdue_start_months);
    VerificationSettings verification;
    verification.outlier_k = absl::GetFlag(FLAGS_outlier_k);
    verification.outlier_min_ratio = absl::GetFlag(FLAGS_outlier_min_ratio);
    verification.outlier_min_history = absl::GetFlag(FLAGS_outlier_min_history);
    verification.repeat_periods = absl::GetFlag(FLAGS_repeat_periods);
    verification.spike_ratio = absl::GetFlag(FLAGS_spike_ratio);
    verification.benford_mad = absl::GetFlag(FLAGS_benford_mad);
    verification.benford_min_figures = absl::GetFlag(FLAGS_benford_min_figures);
    verification.correction_share = absl::GetFlag(FLAGS_correction_share);
    verification.correction_count = absl::GetFlag(FLAGS_correction_count);
    const auto target = static_cast<int64_t>(std::llround(absl::GetFlag(FLAGS_growth_target_percent) * 1000));
    static Stats* stats = new Stats(*store, *units, CodeTables::Default(), thresholds, verification, target,
                                    absl::GetFlag(FLAGS_max_package_rows));
    static FeedFollower* follower = new FeedFollower(*store, registry);
    follower->Start();
    return {std::make_shared<StatsService>(*stats)};
  };
  return saima::ServiceMain(argc, argv, spec);
}
