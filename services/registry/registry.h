#ifndef SAIMA_SERVICES_REGISTRY_REGISTRY_H_
#define SAIMA_SERVICES_REGISTRY_REGISTRY_H_

// The registry's use cases: validation, authorization and the rules of DOMAIN.md §2, over a RegistryStore.
// No gRPC and no SQL here; RegistryService adapts it to the wire.

#include <functional>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/caller.h"
#include "services/registry/reference_data.h"
#include "services/registry/registry_store.h"

namespace saima::registry {

class Registry {
 public:
  Registry(RegistryStore& store, const ReferenceData& ref) : store_(store), ref_(ref) {}

  absl::StatusOr<pb::ListUnitsResponse> ListUnits(const Caller& caller, const pb::ListUnitsRequest& request,
                                                  absl::Time deadline);
  absl::StatusOr<pb::GetUnitResponse> GetUnit(const Caller& caller, const pb::GetUnitRequest& request,
                                              absl::Time deadline);
  absl::StatusOr<pb::CreateUnitResponse> CreateUnit(const Caller& caller, const pb::CreateUnitRequest& request,
                                                    absl::Time deadline);
  absl::StatusOr<pb::CreateProjectResponse> CreateProject(const Caller& caller, const pb::CreateProjectRequest& request,
                                                          absl::Time deadline);
  absl::StatusOr<pb::GetProjectResponse> GetProject(const Caller& caller, const pb::GetProjectRequest& request,
                                                    absl::Time deadline);
  absl::StatusOr<pb::UpdateProjectResponse> UpdateProject(const Caller& caller, const pb::UpdateProjectRequest& request,
                                                          absl::Time deadline);
  absl::StatusOr<pb::ListProjectsResponse> ListProjects(const Caller& caller, const pb::ListProjectsRequest& request,
                                                        absl::Time deadline);
  absl::StatusOr<pb::SummarizeProjectsResponse> SummarizeProjects(const Caller& caller,
                                                                  const pb::SummarizeProjectsRequest& request,
                                                                  absl::Time deadline);
  absl::StatusOr<pb::ListProjectHistoryResponse> ListProjectHistory(const Caller& caller,
                                                                    const pb::ListProjectHistoryRequest& request,
                                                                    absl::Time deadline);
  absl::StatusOr<pb::AddMilestoneResponse> AddMilestone(const Caller& caller, const pb::AddMilestoneRequest& request,
                                                        absl::Time deadline);
  absl::StatusOr<pb::UpdateMilestoneResponse> UpdateMilestone(const Caller& caller,
                                                              const pb::UpdateMilestoneRequest& request,
                                                              absl::Time deadline);
  absl::StatusOr<pb::ListMilestonesResponse> ListMilestones(const Caller& caller,
                                                            const pb::ListMilestonesRequest& request,
                                                            absl::Time deadline);
  absl::StatusOr<pb::AddDocumentResponse> AddDocument(const Caller& caller, const pb::AddDocumentRequest& request,
                                                      absl::Time deadline);
  absl::StatusOr<pb::ListDocumentsResponse> ListDocuments(const Caller& caller, const pb::ListDocumentsRequest& request,
                                                          absl::Time deadline);
  absl::StatusOr<pb::GetDocumentFileResponse> GetDocumentFile(const Caller& caller,
                                                              const pb::GetDocumentFileRequest& request,
                                                              absl::Time deadline);

  absl::StatusOr<pb::CreateRukuApplicationResponse> CreateRukuApplication(
      const Caller& caller, const pb::CreateRukuApplicationRequest& request, absl::Time deadline);
  absl::StatusOr<pb::GetRukuApplicationResponse> GetRukuApplication(const Caller& caller,
                                                                    const pb::GetRukuApplicationRequest& request,
                                                                    absl::Time deadline);
  absl::StatusOr<pb::ListRukuApplicationsResponse> ListRukuApplications(const Caller& caller,
                                                                        const pb::ListRukuApplicationsRequest& request,
                                                                        absl::Time deadline);
  absl::StatusOr<pb::TransitionRukuApplicationResponse> TransitionRukuApplication(
      const Caller& caller, const pb::TransitionRukuApplicationRequest& request, absl::Time deadline);

  absl::StatusOr<pb::ListMissingRukuResponse> ListMissingRuku(const Caller& caller,
                                                              const pb::ListMissingRukuRequest& request,
                                                              absl::Time deadline);

  // Sends every change after `from_revision` to `send`, then waits for new ones, until `send` returns false or
  // `cancelled` returns true. Returns the error that ended the stream, if any.
  absl::Status WatchProjectChanges(const Caller& caller, const pb::WatchProjectChangesRequest& request,
                                   const std::function<bool(const pb::ProjectChange&)>& send,
                                   const std::function<bool()>& cancelled);

 private:
  // Fills app->missing_materials for an application still with its unit (草稿, 退回补正).
  absl::Status NoteMissingMaterials(const pb::Project& project, pb::RukuApplication* app, absl::Time deadline);
  // PERMISSION_DENIED unless the caller may write projects of `unit_id`.
  absl::Status CheckMayWriteUnit(const Caller& caller, const std::string& unit_id) const;
  // Unit staff read their own unit's projects only; every other role reads all.
  absl::Status CheckMayReadProject(const Caller& caller, int64_t project_id, absl::Time deadline);
  // Loads the project and checks that the caller may write it.
  absl::StatusOr<pb::Project> ProjectForWrite(const Caller& caller, int64_t project_id, absl::Time deadline);

  RegistryStore& store_;
  const ReferenceData& ref_;
};

}  // namespace saima::registry

#endif  // SAIMA_SERVICES_REGISTRY_REGISTRY_H_
