// saima-stats: serves health and reflection and owns schema stats; its RPCs (saima.stats.v1) land with
// their own issue.

#include "common/embedded.h"
#include "common/service_main.h"

namespace saima {
extern const EmbeddedFile kStatsMigrations[];
}

int main(int argc, char** argv) {
  saima::ServiceSpec spec;
  spec.binary_name = "saima-stats";
  spec.schema = "stats";
  spec.default_listen = "127.0.0.1:50052";
  spec.migrations = saima::kStatsMigrations;
  spec.make_services = [](saima::PgPool&) { return std::vector<std::shared_ptr<grpc::Service>>{}; };
  return saima::ServiceMain(argc, argv, spec);
}
