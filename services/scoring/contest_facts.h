#ifndef SAIMA_SERVICES_SCORING_CONTEST_FACTS_H_
#define SAIMA_SERVICES_SCORING_CONTEST_FACTS_H_

// ContestFacts over gRPC: reads from the registry and stats as the scoring service, writes the 观摩项目 tier as the
// person who fixed the selection (so the registry's history names them).

#include <memory>

#include "grpcpp/channel.h"
#include "saima/registry/v1/registry.grpc.pb.h"
#include "saima/stats/v1/stats.grpc.pb.h"
#include "services/scoring/contest.h"

namespace saima::scoring {

class GrpcContestFacts : public ContestFacts {
 public:
  GrpcContestFacts(std::shared_ptr<grpc::Channel> registry, std::shared_ptr<grpc::Channel> stats);

  absl::StatusOr<std::map<std::string, reg::Unit>> Units(absl::Time d) override;
  absl::StatusOr<reg::Project> Project(int64_t project_id, absl::Time d) override;
  absl::StatusOr<std::vector<reg::Document>> Documents(int64_t project_id, absl::Time d) override;
  absl::StatusOr<std::vector<reg::Project>> PlannedProjects(int year, absl::Time d) override;
  absl::StatusOr<std::map<std::string, std::pair<int64_t, int64_t>>> Completion(const std::string& period,
                                                                                absl::Time d) override;
  absl::StatusOr<std::map<int64_t, st::MonthlyReport>> LatestFigures(const std::vector<int64_t>& project_ids,
                                                                     const std::string& period, absl::Time d) override;
  absl::StatusOr<std::map<int64_t, std::string>> Statuses(const std::string& period, absl::Time d) override;
  absl::Status MarkObservation(const Caller& caller, int64_t project_id, absl::Time d) override;

 private:
  std::unique_ptr<reg::RegistryService::Stub> registry_;
  std::unique_ptr<st::StatsService::Stub> stats_;
};

}  // namespace saima::scoring

#endif  // SAIMA_SERVICES_SCORING_CONTEST_FACTS_H_
