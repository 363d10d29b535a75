#ifndef SAIMA_SERVICES_REGISTRY_REGISTRY_SERVICE_H_
#define SAIMA_SERVICES_REGISTRY_REGISTRY_SERVICE_H_

#include "saima/registry/v1/registry.grpc.pb.h"
#include "services/registry/registry.h"

namespace saima::registry {

// The gRPC adapter of Registry: reads the caller from metadata, passes the deadline, maps the status.
class RegistryService final : public pb::RegistryService::Service {
 public:
  explicit RegistryService(Registry& registry) : registry_(registry) {}

  grpc::Status ListUnits(grpc::ServerContext* c, const pb::ListUnitsRequest* q, pb::ListUnitsResponse* r) override;
  grpc::Status GetUnit(grpc::ServerContext* c, const pb::GetUnitRequest* q, pb::GetUnitResponse* r) override;
  grpc::Status CreateUnit(grpc::ServerContext* c, const pb::CreateUnitRequest* q, pb::CreateUnitResponse* r) override;
  grpc::Status CreateProject(grpc::ServerContext* c, const pb::CreateProjectRequest* q,
                             pb::CreateProjectResponse* r) override;
  grpc::Status GetProject(grpc::ServerContext* c, const pb::GetProjectRequest* q, pb::GetProjectResponse* r) override;
  grpc::Status UpdateProject(grpc::ServerContext* c, const pb::UpdateProjectRequest* q,
                             pb::UpdateProjectResponse* r) override;
  grpc::Status ListProjects(grpc::ServerContext* c, const pb::ListProjectsRequest* q,
                            pb::ListProjectsResponse* r) override;
  grpc::Status SummarizeProjects(grpc::ServerContext* c, const pb::SummarizeProjectsRequest* q,
                                 pb::SummarizeProjectsResponse* r) override;
  grpc::Status ListProjectHistory(grpc::ServerContext* c, const pb::ListProjectHistoryRequest* q,
                                  pb::ListProjectHistoryResponse* r) override;
  grpc::Status AddMilestone(grpc::ServerContext* c, const pb::AddMilestoneRequest* q,
                            pb::AddMilestoneResponse* r) override;
  grpc::Status UpdateMilestone(grpc::ServerContext* c, const pb::UpdateMilestoneRequest* q,
                               pb::UpdateMilestoneResponse* r) override;
  grpc::Status ListMilestones(grpc::ServerContext* c, const pb::ListMilestonesRequest* q,
                              pb::ListMilestonesResponse* r) override;
  grpc::Status AddDocument(grpc::ServerContext* c, const pb::AddDocumentRequest* q,
                           pb::AddDocumentResponse* r) override;
  grpc::Status GetDocumentFile(grpc::ServerContext* c, const pb::GetDocumentFileRequest* q,
                               pb::GetDocumentFileResponse* r) override;
  grpc::Status ListDocuments(grpc::ServerContext* c, const pb::ListDocumentsRequest* q,
                             pb::ListDocumentsResponse* r) override;
  grpc::Status CreateRukuApplication(grpc::ServerContext* c, const pb::CreateRukuApplicationRequest* q,
                                     pb::CreateRukuApplicationResponse* r) override;
  grpc::Status GetRukuApplication(grpc::ServerContext* c, const pb::GetRukuApplicationRequest* q,
                                  pb::GetRukuApplicationResponse* r) override;
  grpc::Status ListRukuApplications(grpc::ServerContext* c, const pb::ListRukuApplicationsRequest* q,
                                    pb::ListRukuApplicationsResponse* r) override;
  grpc::Status TransitionRukuApplication(grpc::ServerContext* c, const pb::TransitionRukuApplicationRequest* q,
                                         pb::TransitionRukuApplicationResponse* r) override;
  grpc::Status ListMissingRuku(grpc::ServerContext* c, const pb::ListMissingRukuRequest* q,
                               pb::ListMissingRukuResponse* r) override;
  grpc::Status WatchProjectChanges(grpc::ServerContext* c, const pb::WatchProjectChangesRequest* q,
                                   grpc::ServerWriter<pb::WatchProjectChangesResponse>* writer) override;

 private:
  Registry& registry_;
};

}  // namespace saima::registry

#endif  // SAIMA_SERVICES_REGISTRY_REGISTRY_SERVICE_H_
