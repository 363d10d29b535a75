// saima-scoring: serves health and reflection and owns schema scoring; its RPCs (saima.scoring.v1) land with
// their own issue.

#include "common/embedded.h"
#include "common/service_main.h"

namespace saima {
extern const EmbeddedFile kScoringMigrations[];
}

int main(int argc, char** argv) {
  saima::ServiceSpec spec;
  spec.binary_name = "saima-scoring";
  spec.schema = "scoring";
  spec.default_listen = "127.0.0.1:50053";
  spec.migrations = saima::kScoringMigrations;
  spec.make_services = [](saima::PgPool&) { return std::vector<std::shared_ptr<grpc::Service>>{}; };
  return saima::ServiceMain(argc, argv, spec);
}
