#include "services/registry/registry_service.h"

#include "common/serve.h"
#include "common/server.h"

namespace saima::registry {

// Each method: the caller from metadata, the deadline of the call, the use case, the status mapped once.
#define SAIMA_SERVE(Method)                                                                                \
  grpc::Status RegistryService::Method(grpc::ServerContext* c, const pb::Method##Request* q,               \
                                       pb::Method##Response* r) {                                          \
    return Serve(c, q, r, [this](const Caller& caller, const pb::Method##Request& request, absl::Time d) { \
      return registry_.Method(caller, request, d);                                                         \
    });                                                                                                    \
  }

SAIMA_SERVE(ListUnits)
SAIMA_SERVE(GetUnit)
SAIMA_SERVE(CreateUnit)
SAIMA_SERVE(CreateProject)
SAIMA_SERVE(GetProject)
SAIMA_SERVE(UpdateProject)
SAIMA_SERVE(ListProjects)
SAIMA_SERVE(SummarizeProjects)
SAIMA_SERVE(ListProjectHistory)
SAIMA_SERVE(AddMilestone)
SAIMA_SERVE(UpdateMilestone)
SAIMA_SERVE(ListMilestones)
SAIMA_SERVE(AddDocument)
SAIMA_SERVE(GetDocumentFile)
SAIMA_SERVE(ListDocuments)
SAIMA_SERVE(CreateRukuApplication)
SAIMA_SERVE(GetRukuApplication)
SAIMA_SERVE(ListRukuApplications)
SAIMA_SERVE(TransitionRukuApplication)
SAIMA_SERVE(ListMissingRuku)
#undef SAIMA_SERVE

grpc::Status RegistryService::WatchProjectChanges(grpc::ServerContext* c, const pb::WatchProjectChangesRequest* q,
                                                  grpc::ServerWriter<pb::WatchProjectChangesResponse>* writer) {
  auto caller = CallerFromContext(*c);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  return ToGrpcStatus(registry_.WatchProjectChanges(
      *caller, *q,
      [writer](const pb::ProjectChange& change) {
        pb::WatchProjectChangesResponse message;
        *message.mutable_change() = change;
        return writer->Write(message);
      },
      [c] { return StreamEnded(c); }));
}

}  // namespace saima::registry
