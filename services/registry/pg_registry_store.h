#ifndef SAIMA_SERVICES_REGISTRY_PG_REGISTRY_STORE_H_
#define SAIMA_SERVICES_REGISTRY_PG_REGISTRY_STORE_H_

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>

#include "common/pg.h"
#include "services/registry/project_cache.h"
#include "services/registry/registry_store.h"

namespace saima::registry {

// The named statements of PgRegistryStore, prepared on every connection of its pool.
std::vector<NamedStatement> RegistryStatements();

// RegistryStore on PostgreSQL, schema `registry`.
class PgRegistryStore : public RegistryStore {
 public:
  // `pool` must have been created with RegistryStatements().
  // `cache` (may be null) serves GetProject when it can; every commit of this store retires its entries.
  explicit PgRegistryStore(PgPool& pool, ProjectCache* cache = nullptr) : pool_(pool), cache_(cache) {}

  absl::StatusOr<std::vector<pb::Unit>> ListUnits(pb::UnitType type, absl::Time deadline) override;
  absl::StatusOr<pb::Unit> GetUnit(const std::string& unit_id, absl::Time deadline) override;
  absl::StatusOr<pb::Unit> CreateUnit(const pb::Unit& unit, absl::Time deadline) override;
  absl::StatusOr<pb::Project> CreateProject(const pb::Project& project, const ChangeOrigin& origin,
                                            absl::Time deadline) override;
  absl::StatusOr<pb::Project> GetProject(int64_t project_id, absl::Time deadline) override;
  absl::StatusOr<pb::Project> UpdateProject(const pb::Project& project, int64_t expected_revision,
                                            const ChangeOrigin& origin, absl::Time deadline) override;
  absl::StatusOr<ProjectPage> ListProjects(const pb::ProjectFilter& filter, int64_t after_project_id, int limit,
                                           absl::Time deadline) override;
  absl::StatusOr<pb::ProjectSummary> SummarizeProjects(const pb::ProjectFilter& filter, absl::Time deadline) override;
  absl::StatusOr<std::vector<pb::ProjectChange>> ListProjectHistory(int64_t project_id, absl::Time deadline) override;
  absl::StatusOr<std::vector<pb::ProjectChange>> ListChangesAfter(int64_t after_revision, int limit,
                                                                  absl::Time deadline) override;
  void WaitForChangeAfter(int64_t revision, absl::Duration timeout) override;
  // Reads the change feed's newest revision, so that saima_change_feed_head_revision is there from the start.
  absl::Status LoadHeadRevision(absl::Time deadline);
  absl::StatusOr<pb::Milestone> AddMilestone(const pb::Milestone& milestone, const ChangeOrigin& origin,
                                             absl::Time deadline) override;
  absl::StatusOr<pb::Milestone> GetMilestone(int64_t milestone_id, absl::Time deadline) override;
  absl::StatusOr<pb::Milestone> UpdateMilestone(const pb::Milestone& milestone, const ChangeOrigin& origin,
                                                absl::Time deadline) override;
  absl::StatusOr<std::vector<pb::Milestone>> ListMilestones(const std::vector<int64_t>& project_ids,
                                                            absl::Time deadline) override;
  absl::StatusOr<pb::Document> AddDocument(const pb::Document& document, const std::string* content,
                                           const ChangeOrigin& origin, absl::Time deadline) override;
  absl::StatusOr<std::vector<pb::Document>> ListDocuments(int64_t project_id, absl::Time deadline) override;
  absl::StatusOr<std::pair<pb::Document, std::string>> GetDocumentFile(int64_t document_id,
                                                                       absl::Time deadline) override;
  absl::StatusOr<std::vector<pb::Project>> ListStartedNotRuku(const std::string& unit_id, absl::Time deadline) override;
  absl::StatusOr<pb::RukuApplication> CreateRukuApplication(const pb::RukuApplication& application,
                                                            const ChangeOrigin& origin, absl::Time deadline) override;
  absl::StatusOr<pb::RukuApplication> GetRukuApplication(int64_t application_id, absl::Time deadline) override;
  absl::StatusOr<std::optional<RecordedStep>> StepOfRequest(const std::string& request_id,
                                                            absl::Time deadline) override;
  absl::StatusOr<std::vector<pb::RukuApplication>> ListRukuApplications(const pb::ListRukuApplicationsRequest& filter,
                                                                        absl::Time deadline) override;
  absl::StatusOr<pb::RukuApplication> TransitionRukuApplication(const RukuStep& step, const ChangeOrigin& origin,
                                                                absl::Time deadline) override;

 private:
  void NoteCommitted(int64_t revision);

  PgPool& pool_;
  std::mutex mu_;
  std::condition_variable changed_;
  std::atomic<int64_t> last_committed_{0};
  ProjectCache* cache_;
};

}  // namespace saima::registry

#endif  // SAIMA_SERVICES_REGISTRY_PG_REGISTRY_STORE_H_
