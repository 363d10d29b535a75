// saima-registry: units, projects, milestones, documents, 入库 applications and the change feed; and the
// dispatch records (problems, supervision orders, meeting decisions), whose orders it escalates on their dates.

#include <thread>

#include "absl/flags/flag.h"
#include "common/embedded.h"
#include "common/service_main.h"
#include "services/registry/dispatch.h"
#include "services/registry/dispatch_service.h"
#include "services/registry/dispatch_store.h"
#include "services/registry/pg_registry_store.h"
#include "services/registry/reference_data.h"
#include "services/registry/registry.h"
#include "services/registry/registry_service.h"
#include "spdlog/spdlog.h"

ABSL_FLAG(int, escalation_interval_seconds, 600,
          "how often open supervision orders are checked against their timetable dates (0: never)");

namespace saima {
extern const EmbeddedFile kRegistryMigrations[];
}

int main(int argc, char** argv) {
  using namespace saima::registry;
  saima::ServiceSpec spec;
  spec.binary_name = "saima-registry";
  spec.schema = "registry";
  spec.default_listen = "127.0.0.1:50051";
  spec.migrations = saima::kRegistryMigrations;
  spec.statements = RegistryStatements();
  for (auto& s : DispatchStatements()) spec.statements.push_back(std::move(s));
  spec.make_services = [](saima::PgPool& pool) -> std::vector<std::shared_ptr<grpc::Service>> {
    // Owned by the lambdas' shared state for the life of the process.
    static PgRegistryStore* store = new PgRegistryStore(pool);
    static Registry* registry = new Registry(*store, ReferenceData::Embedded());
    static DispatchStore* dispatch_store = new DispatchStore(pool);
    static Dispatch* dispatch = new Dispatch(*dispatch_store, *store);
    if (const int interval = absl::GetFlag(FLAGS_escalation_interval_seconds); interval > 0) {
      // Orders escalate by themselves: the timetable dates are checked against today, each step recorded.
      std::thread([interval] {
        const saima::Caller system{"system:escalation", saima::kRoleSysadmin, ""};
        for (;;) {
          auto escalated = dispatch->EscalateOrders(system, {}, absl::Now() + absl::Seconds(30));
          if (!escalated.ok()) {
            spdlog::warn("escalation sweep failed: {}", escalated.status().ToString());
          } else if (escalated->escalated_size() > 0) {
            spdlog::info("escalation sweep: {} orders escalated", escalated->escalated_size());
          }
          std::this_thread::sleep_for(std::chrono::seconds(interval));
        }
      }).detach();
    }
    return {std::make_shared<RegistryService>(*registry), std::make_shared<DispatchService>(*dispatch)};
  };
  return saima::ServiceMain(argc, argv, spec);
}
