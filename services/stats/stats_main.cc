// saima-stats: annual plans, monthly figures (先入库,后有数), locks and corrections, indicators, the city report.
// Keeps the project dimensions it aggregates by from the registry's change feed.

#include "absl/flags/flag.h"
#include "common/client.h"
#include "common/embedded.h"
#include "common/service_main.h"
#include "services/stats/registry_client.h"
#include "services/stats/stats.h"
#include "services/stats/stats_service.h"
#include "services/stats/stats_store.h"

ABSL_FLAG(std::string, registry_addr, "127.0.0.1:50051", "registry service address (change feed, unit names)");
ABSL_FLAG(int64_t, status_ahead_milli_pp, 10000, "较快 when completion − time progress ≥ this (1/1000 pp)");
ABSL_FLAG(int64_t, status_normal_milli_pp, -10000, "正常 when the gap ≥ this (1/1000 pp)");
ABSL_FLAG(int64_t, status_warning_milli_pp, -30000, "预警 when the gap ≥ this; below it 滞后 (1/1000 pp)");
ABSL_FLAG(int, status_overdue_start_months, 3, "滞后 when the planned start is overdue by this many months");

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
    static Stats* stats = new Stats(*store, *units, CodeTables::Default(), thresholds);
    static FeedFollower* follower = new FeedFollower(*store, registry);
    follower->Start();
    return {std::make_shared<StatsService>(*stats)};
  };
  return saima::ServiceMain(argc, argv, spec);
}
