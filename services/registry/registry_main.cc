// saima-registry: units, projects, milestones, documents, 入库 applications and the change feed.

#include "common/embedded.h"
#include "common/service_main.h"
#include "services/registry/pg_registry_store.h"
#include "services/registry/reference_data.h"
#include "services/registry/registry.h"
#include "services/registry/registry_service.h"

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
  spec.make_services = [](saima::PgPool& pool) -> std::vector<std::shared_ptr<grpc::Service>> {
    // Owned by the lambdas' shared state for the life of the process.
    static PgRegistryStore* store = new PgRegistryStore(pool);
    static Registry* registry = new Registry(*store, ReferenceData::Embedded());
    return {std::make_shared<RegistryService>(*registry)};
  };
  return saima::ServiceMain(argc, argv, spec);
}
