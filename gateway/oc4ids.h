#ifndef SAIMA_GATEWAY_OC4IDS_H_
#define SAIMA_GATEWAY_OC4IDS_H_

// A project in the Open Contracting for Infrastructure Data Standard (OC4IDS) project schema, for the data
// exchange with other departments: identifiers, budget, status, period, locations, parties, milestones, documents,
// and the monthly financial progress as `metrics`. Codelist values follow OC4IDS: projectStatus and projectType
// (closed), milestoneType, documentType and metricID (open; Chinese document kinds with no OC4IDS code get a
// camelCase code of their own, listed in the publication policy, docs/oc4ids.md). Dates are date-times in China
// Standard Time (+08:00); text is Chinese (`language: "zh"`).

#include <optional>
#include <string>
#include <vector>

#include "saima/registry/v1/registry.pb.h"
#include "saima/stats/v1/stats.pb.h"

namespace saima::gateway::oc4ids {

struct ProjectData {
  saima::registry::v1::Project project;
  std::optional<saima::registry::v1::Unit> unit;
  std::vector<saima::registry::v1::Milestone> milestones;
  std::vector<saima::registry::v1::Document> documents;
  // Official monthly figures, oldest first.
  std::vector<saima::stats::v1::MonthlyReport> figures;
};

// `prefix` is the publisher's OC4IDS project identifier prefix (e.g. "oc4ids-abc123"); `today` (YYYY-MM-DD)
// decides whether an unmet milestone is past due (notMet) or still scheduled.
std::string ToProjectJson(const ProjectData& data, const std::string& prefix, const std::string& today);

// What a project package says about itself (OC4IDS 0.9 project-package-schema).
struct PackageInfo {
  std::string uri;                 // where this package is published
  std::string publisher;           // the publishing organisation's name
  std::string license;             // the data's licence (a URI)
  std::string publication_policy;  // a URI of the publication policy: what is published, the codes of our own
};

// A project package of `projects` (each as ToProjectJson), dated by the newest change among them.
std::string ToPackageJson(const std::vector<ProjectData>& projects, const PackageInfo& info, const std::string& prefix,
                          const std::string& today);

// Whether a project is published: past 谋划 (an idea, not yet a project) and not 撤销.
bool IsPublished(const saima::registry::v1::Project& project);

// The OC4IDS codes of Saima's enumerations.
const char* ProjectStatusOf(saima::registry::v1::ProjectStage stage);
const char* ProjectTypeOf(saima::registry::v1::ConstructionNature nature);  // nullptr when none fits
const char* DocumentTypeOf(saima::registry::v1::DocumentType type);
const char* MilestoneTypeOf(saima::registry::v1::MilestoneKind kind);

}  // namespace saima::gateway::oc4ids

#endif  // SAIMA_GATEWAY_OC4IDS_H_
