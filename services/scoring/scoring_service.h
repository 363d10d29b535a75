#ifndef SAIMA_SERVICES_SCORING_SCORING_SERVICE_H_
#define SAIMA_SERVICES_SCORING_SCORING_SERVICE_H_

#include "saima/scoring/v1/scoring.grpc.pb.h"
#include "services/scoring/contest.h"

namespace saima::scoring {

// The gRPC adapter of Contest.
class ScoringService final : public pb::ScoringService::Service {
 public:
  explicit ScoringService(Contest& contest) : contest_(contest) {}

#define SAIMA_DECLARE(Method) \
  grpc::Status Method(grpc::ServerContext* c, const pb::Method##Request* q, pb::Method##Response* r) override;
  SAIMA_DECLARE(CreateCampaign)
  SAIMA_DECLARE(GetCampaign)
  SAIMA_DECLARE(ListCampaigns)
  SAIMA_DECLARE(AddJudge)
  SAIMA_DECLARE(NominateProject)
  SAIMA_DECLARE(ReviewNomination)
  SAIMA_DECLARE(ListNominations)
  SAIMA_DECLARE(FinalizeSelection)
  SAIMA_DECLARE(SaveScoreSheet)
  SAIMA_DECLARE(SubmitScoreSheet)
  SAIMA_DECLARE(ListScoreSheets)
  SAIMA_DECLARE(ComputeResults)
  SAIMA_DECLARE(PublishResults)
  SAIMA_DECLARE(GetResults)
  SAIMA_DECLARE(GetLookBack)
#undef SAIMA_DECLARE

 private:
  Contest& contest_;
};

}  // namespace saima::scoring

#endif  // SAIMA_SERVICES_SCORING_SCORING_SERVICE_H_
