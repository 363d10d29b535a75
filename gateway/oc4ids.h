#ifndef SAIMA_GATEWAY_OC4IDS_H_
#define SAIMA_GATEWAY_OC4IDS_H_

// A project in the Open Contracting for Infrastructure Data Standard (OC4IDS) project schema, for the data
// exchange with other departments: identifiers, budget, status, period, locations, parties, milestones, documents,
// and the monthly financial progress as `metrics`. Codelist values follow OC4IDS: projectStatus and projectType
// (closed), milestoneType, documentType and metricID (open; Chinese document kinds with no OC4IDS code get a
// camelCase code of their own). Dates are date-times in China Standard Time (+08:00).

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

// The OC4IDS codes of Saima's enumerations.
const char* ProjectStatusOf(saima::registry::v1::ProjectStage stage);
const char* ProjectTypeOf(saima::registry::v1::ConstructionNature nature);  // nullptr when none fits
const char* DocumentTypeOf(saima::registry::v1::DocumentType type);
const char* MilestoneTypeOf(saima::registry::v1::MilestoneKind kind);

}  // namespace saima::gateway::oc4ids

#endif  // SAIMA_GATEWAY_OC4IDS_H_
