#ifndef SAIMA_SERVICES_REGISTRY_PROJECT_RULES_H_
#define SAIMA_SERVICES_REGISTRY_PROJECT_RULES_H_

// The registry's domain rules (DOMAIN.md §2), free of gRPC and SQL: validation of projects, milestones and
// documents, the classification derived from the industry code, and the legal stage transitions.

#include <string>

#include "common/status.h"
#include "saima/api/v1/annotations.pb.h"
#include "saima/registry/v1/registry.pb.h"
#include "services/registry/reference_data.h"

namespace saima::registry {

namespace pb = ::saima::registry::v1;

// Checks the shape of a 项目代码 (GB/T 40058-2021: YYYY-RRRRRR-DD-TT-NNNNNN, the region a GB/T 2260 county).
// Adds violations under `field`.
void CheckProjectCode(const std::string& code, const ReferenceData& ref, const std::string& field, Violations& v);

// 先开工,后入库: a project enters the database only on a proven start, so its 入库 date is never before its actual
// start (a 单纯购置 project has no start date; its delivery proves it). Adds the violation under `field`.
void CheckRukuDate(const std::string& actual_start, const std::string& ruku_date, const std::string& field,
                   Violations& v);

// Validates every client-settable field of a project; violations are named "<prefix>.<field>".
void CheckProject(const pb::Project& project, const ReferenceData& ref, const std::string& prefix, Violations& v);

// Fills the output-only classification fields from the industry code, nature and flags.
void DeriveClassification(const ReferenceData& ref, pb::Project& project);

// 三次产业 of a 4-digit industry code (DOMAIN.md §2), SECTOR_UNSPECIFIED for a malformed code.
pb::Sector SectorOf(const std::string& industry_code);
bool IsIndustrial(const std::string& industry_code);     // 工业: 0610–4690
bool IsManufacturing(const std::string& industry_code);  // 制造业: 大类 13–43

// Whether a project may move from stage `from` to stage `to`.
bool IsLegalTransition(pb::ProjectStage from, pb::ProjectStage to);

// Validates an update mask against the Project message: paths must exist and be client-settable.
void CheckUpdateMask(const google::protobuf::FieldMask& mask, Violations& v);

void CheckMilestone(const pb::Milestone& milestone, const std::string& prefix, Violations& v);
void CheckDocument(const pb::Document& document, const std::string& prefix, Violations& v);

// The largest file stored with a document.
inline constexpr size_t kMaxDocumentFileBytes = 10 << 20;

// A document's file: a name, a PDF, JPEG or PNG of 1 byte to kMaxDocumentFileBytes whose bytes are of the
// declared content type (a renamed executable is refused). Violations are named "<prefix>.<field>".
void CheckDocumentFile(const ::saima::api::v1::File& file, const std::string& prefix, Violations& v);
void CheckUnit(const pb::Unit& unit, const ReferenceData& ref, const std::string& prefix, Violations& v);

}  // namespace saima::registry

#endif  // SAIMA_SERVICES_REGISTRY_PROJECT_RULES_H_
