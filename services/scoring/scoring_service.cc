#include "services/scoring/scoring_service.h"

#include "common/serve.h"

namespace saima::scoring {

#define SAIMA_SERVE(Method)                                                                                            \
  grpc::Status ScoringService::Method(grpc::ServerContext* c, const pb::Method##Request* q, pb::Method##Response* r) { \
    return Serve(c, q, r, [this](const Caller& caller, const pb::Method##Request& request, absl::Time d) {             \
      return contest_.Method(caller, request, d);                                                                      \
    });                                                                                                                \
  }
SAIMA_SERVE(CreateCampaign)
SAIMA_SERVE(GetCampaign)
SAIMA_SERVE(ListCampaigns)
SAIMA_SERVE(AddJudge)
SAIMA_SERVE(NominateProject)
SAIMA_SERVE(ReviewNomination)
SAIMA_SERVE(ListNominations)
SAIMA_SERVE(FinalizeSelection)
SAIMA_SERVE(SaveScoreSheet)
SAIMA_SERVE(SubmitScoreSheet)
SAIMA_SERVE(ListScoreSheets)
SAIMA_SERVE(ComputeResults)
SAIMA_SERVE(PublishResults)
SAIMA_SERVE(GetResults)
SAIMA_SERVE(GetLookBack)
#undef SAIMA_SERVE

}  // namespace saima::scoring
