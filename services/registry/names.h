#ifndef SAIMA_SERVICES_REGISTRY_NAMES_H_
#define SAIMA_SERVICES_REGISTRY_NAMES_H_

// Chinese names of the registry's enumerations, as officials read and write them (tables, CSV files).

#include <string>

#include "saima/registry/v1/registry.pb.h"

namespace saima::registry {

namespace pb = ::saima::registry::v1;

std::string UnitTypeName(pb::UnitType value);
std::string NatureName(pb::ConstructionNature value);
std::string OwnershipName(pb::Ownership value);
std::string TierName(pb::ProjectTier value);
// 立项, 用地, 规划许可 ... 其他.
std::string MilestoneKindName(pb::MilestoneKind value);

// Parsers of the same names; return false when the text is not one of them.
bool ParseUnitType(const std::string& text, pb::UnitType* out);
bool ParseNature(const std::string& text, pb::ConstructionNature* out);
bool ParseOwnership(const std::string& text, pb::Ownership* out);
bool ParseTier(const std::string& text, pb::ProjectTier* out);
bool ParseStage(const std::string& text, pb::ProjectStage* out);

}  // namespace saima::registry

#endif  // SAIMA_SERVICES_REGISTRY_NAMES_H_
