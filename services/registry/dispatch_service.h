#ifndef SAIMA_SERVICES_REGISTRY_DISPATCH_SERVICE_H_
#define SAIMA_SERVICES_REGISTRY_DISPATCH_SERVICE_H_

#include "saima/registry/v1/dispatch.grpc.pb.h"
#include "services/registry/dispatch.h"

namespace saima::registry {

// The gRPC adapter of Dispatch.
class DispatchService final : public pb::DispatchService::Service {
 public:
  explicit DispatchService(Dispatch& dispatch) : dispatch_(dispatch) {}

#define SAIMA_DECLARE(Method) \
  grpc::Status Method(grpc::ServerContext* c, const pb::Method##Request* q, pb::Method##Response* r) override;
  SAIMA_DECLARE(OpenProblem)
  SAIMA_DECLARE(UpdateProblem)
  SAIMA_DECLARE(ListProblems)
  SAIMA_DECLARE(IssueOrder)
  SAIMA_DECLARE(RespondToOrder)
  SAIMA_DECLARE(CloseOrder)
  SAIMA_DECLARE(EscalateOrders)
  SAIMA_DECLARE(ListOrders)
  SAIMA_DECLARE(RecordDecision)
  SAIMA_DECLARE(ListDecisions)
#undef SAIMA_DECLARE

 private:
  Dispatch& dispatch_;
};

}  // namespace saima::registry

#endif  // SAIMA_SERVICES_REGISTRY_DISPATCH_SERVICE_H_
