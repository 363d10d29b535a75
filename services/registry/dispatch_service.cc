#include "services/registry/dispatch_service.h"

#include "common/serve.h"

namespace saima::registry {

#define SAIMA_SERVE(Method)                                                                                \
  grpc::Status DispatchService::Method(grpc::ServerContext* c, const pb::Method##Request* q,               \
                                       pb::Method##Response* r) {                                          \
    return Serve(c, q, r, [this](const Caller& caller, const pb::Method##Request& request, absl::Time d) { \
      return dispatch_.Method(caller, request, d);                                                         \
    });                                                                                                    \
  }
SAIMA_SERVE(OpenProblem)
SAIMA_SERVE(UpdateProblem)
SAIMA_SERVE(ListProblems)
SAIMA_SERVE(IssueOrder)
SAIMA_SERVE(RespondToOrder)
SAIMA_SERVE(CloseOrder)
SAIMA_SERVE(EscalateOrders)
SAIMA_SERVE(ListOrders)
SAIMA_SERVE(RecordDecision)
SAIMA_SERVE(ListDecisions)
#undef SAIMA_SERVE

}  // namespace saima::registry
