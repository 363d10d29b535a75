// saima-scoring: the contest 互看互学·互比互评 — campaigns, observation-project selection, judges' score sheets,
// results frozen on publication, and the look-back. Reads projects from the registry and figures from stats.

#include "absl/flags/flag.h"
#include "common/client.h"
#include "common/embedded.h"
#include "common/service_main.h"
#include "services/scoring/contest.h"
#include "services/scoring/contest_facts.h"
#include "services/scoring/scoring_service.h"
#include "services/scoring/scoring_store.h"

ABSL_FLAG(std::string, registry_addr, "127.0.0.1:50051", "registry service address (projects, units, tiers)");
ABSL_FLAG(std::string, stats_addr, "127.0.0.1:50052", "stats service address (completion rates, figures)");

namespace saima {
extern const EmbeddedFile kScoringMigrations[];
}

int main(int argc, char** argv) {
  using namespace saima::scoring;
  saima::ServiceSpec spec;
  spec.binary_name = "saima-scoring";
  spec.schema = "scoring";
  spec.default_listen = "127.0.0.1:50053";
  spec.migrations = saima::kScoringMigrations;
  spec.statements = ScoringStatements();
  spec.service_names = {saima::scoring::v1::ScoringService::service_full_name()};
  spec.make_services = [](saima::PgPool& pool) -> std::vector<std::shared_ptr<grpc::Service>> {
    // Built once; they live for the life of the process.
    static ScoringStore* store = new ScoringStore(pool);
    static GrpcContestFacts* facts = new GrpcContestFacts(saima::MakeChannel(absl::GetFlag(FLAGS_registry_addr)),
                                                          saima::MakeChannel(absl::GetFlag(FLAGS_stats_addr)));
    static Contest* contest = new Contest(*store, *facts);
    return {std::make_shared<ScoringService>(*contest)};
  };
  return saima::ServiceMain(argc, argv, spec);
}
