#ifndef SAIMA_SERVICES_REGISTRY_REGISTRY_STORE_H_
#define SAIMA_SERVICES_REGISTRY_REGISTRY_STORE_H_

// Where the registry keeps its records. Every method is one transaction bounded by `deadline`; writers
// record the change (who, when, before/after) in the same transaction. Thread-safe.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "saima/registry/v1/registry.pb.h"

namespace saima::registry {

namespace pb = ::saima::registry::v1;

// Who makes a change and under which request.
struct ChangeOrigin {
  std::string actor;
  std::string request_id;
};

struct ProjectPage {
  std::vector<pb::Project> projects;
  int32_t total = 0;
};

class RegistryStore {
 public:
  virtual ~RegistryStore() = default;

  virtual absl::StatusOr<std::vector<pb::Unit>> ListUnits(pb::UnitType type, absl::Time deadline) = 0;
  // NOT_FOUND when unknown.
  virtual absl::StatusOr<pb::Unit> GetUnit(const std::string& unit_id, absl::Time deadline) = 0;
  // Idempotent: the same unit again is returned; the same id with other fields is ALREADY_EXISTS.
  virtual absl::StatusOr<pb::Unit> CreateUnit(const pb::Unit& unit, absl::Time deadline) = 0;

  // Inserts a validated project. A request_id seen before returns the project it created. An unknown unit or a
  // project code already registered is INVALID_ARGUMENT / ALREADY_EXISTS naming the field.
  virtual absl::StatusOr<pb::Project> CreateProject(const pb::Project& project, const ChangeOrigin& origin,
                                                    absl::Time deadline) = 0;
  virtual absl::StatusOr<pb::Project> GetProject(int64_t project_id, absl::Time deadline) = 0;
  // Replaces a project if its revision still equals expected_revision (ABORTED otherwise).
  virtual absl::StatusOr<pb::Project> UpdateProject(const pb::Project& project, int64_t expected_revision,
                                                    const ChangeOrigin& origin, absl::Time deadline) = 0;
  // Projects with id > after_project_id, ordered by id, at most `limit`, and the filter's total count.
  virtual absl::StatusOr<ProjectPage> ListProjects(const pb::ProjectFilter& filter, int64_t after_project_id, int limit,
                                                   absl::Time deadline) = 0;
  virtual absl::StatusOr<pb::ProjectSummary> SummarizeProjects(const pb::ProjectFilter& filter,
                                                               absl::Time deadline) = 0;
  virtual absl::StatusOr<std::vector<pb::ProjectChange>> ListProjectHistory(int64_t project_id,
                                                                            absl::Time deadline) = 0;
  // Changes with revision > after_revision in revision order, at most `limit`.
  virtual absl::StatusOr<std::vector<pb::ProjectChange>> ListChangesAfter(int64_t after_revision, int limit,
                                                                          absl::Time deadline) = 0;
  // Blocks until a change after `revision` may have committed, or `timeout` passes.
  virtual void WaitForChangeAfter(int64_t revision, absl::Duration timeout) = 0;

  virtual absl::StatusOr<pb::Milestone> AddMilestone(const pb::Milestone& milestone, const ChangeOrigin& origin,
                                                     absl::Time deadline) = 0;
  virtual absl::StatusOr<pb::Milestone> GetMilestone(int64_t milestone_id, absl::Time deadline) = 0;
  virtual absl::StatusOr<pb::Milestone> UpdateMilestone(const pb::Milestone& milestone, const ChangeOrigin& origin,
                                                        absl::Time deadline) = 0;
  // The milestones of these projects, by project, then due date (one statement).
  virtual absl::StatusOr<std::vector<pb::Milestone>> ListMilestones(const std::vector<int64_t>& project_ids,
                                                                    absl::Time deadline) = 0;
  // Adds a document; with `content` (not null), stores it as the document's file in the same transaction.
  virtual absl::StatusOr<pb::Document> AddDocument(const pb::Document& document, const std::string* content,
                                                   const ChangeOrigin& origin, absl::Time deadline) = 0;
  virtual absl::StatusOr<std::vector<pb::Document>> ListDocuments(int64_t project_id, absl::Time deadline) = 0;
  // A document and its stored file's content (NOT_FOUND for no such document or one without a stored file).
  virtual absl::StatusOr<std::pair<pb::Document, std::string>> GetDocumentFile(int64_t document_id,
                                                                               absl::Time deadline) = 0;

  // Started projects (在建, 竣工, 投产) that are not 入库.
  virtual absl::StatusOr<std::vector<pb::Project>> ListStartedNotRuku(const std::string& unit_id,
                                                                      absl::Time deadline) = 0;

  // Creates an application in state DRAFT. ALREADY_EXISTS when the project has one that is not rejected.
  virtual absl::StatusOr<pb::RukuApplication> CreateRukuApplication(const pb::RukuApplication& application,
                                                                    const ChangeOrigin& origin,
                                                                    absl::Time deadline) = 0;
  // The application with its history; NOT_FOUND when unknown.
  virtual absl::StatusOr<pb::RukuApplication> GetRukuApplication(int64_t application_id, absl::Time deadline) = 0;
  virtual absl::StatusOr<std::vector<pb::RukuApplication>> ListRukuApplications(
      const pb::ListRukuApplicationsRequest& filter, absl::Time deadline) = 0;
  // Moves an application from `from` to `to` if it is still in `from` (ABORTED otherwise), records the step,
  // and mirrors the state (and, on approval, `ruku_date`) onto the project, all in one transaction.
  struct RukuStep {
    int64_t application_id;
    pb::RukuState from;
    pb::RukuState to;
    std::string reason;
    std::string actor_role;
    std::string ruku_date;                       // for APPROVED
    std::vector<std::string> consistency_flags;  // replaced when submitting
  };
  virtual absl::StatusOr<pb::RukuApplication> TransitionRukuApplication(const RukuStep& step,
                                                                        const ChangeOrigin& origin,
                                                                        absl::Time deadline) = 0;
  // The step recorded under a request id: the application it moved, who moved it and to which state; nullopt
  // when none was.
  struct RecordedStep {
    int64_t application_id = 0;
    std::string actor;
    pb::RukuState to = pb::RUKU_STATE_UNSPECIFIED;
  };
  virtual absl::StatusOr<std::optional<RecordedStep>> StepOfRequest(const std::string& request_id,
                                                                    absl::Time deadline) = 0;
};

}  // namespace saima::registry

#endif  // SAIMA_SERVICES_REGISTRY_REGISTRY_STORE_H_
