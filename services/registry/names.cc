#include "services/registry/names.h"

#include <utility>
#include <vector>

#include "services/registry/project_rules.h"

namespace saima::registry {
namespace {

template <typename E>
using NameTable = std::vector<std::pair<E, const char*>>;

const NameTable<pb::UnitType>& UnitTypes() {
  static const auto* t = new NameTable<pb::UnitType>{{pb::UNIT_TYPE_TOWNSHIP, "乡镇"},
                                                     {pb::UNIT_TYPE_SUBDISTRICT, "街道"},
                                                     {pb::UNIT_TYPE_DEPARTMENT, "市直单位"},
                                                     {pb::UNIT_TYPE_STATE_OWNED_GROUP, "国企"},
                                                     {pb::UNIT_TYPE_DEVELOPMENT_ZONE, "开发区"}};
  return *t;
}

const NameTable<pb::ConstructionNature>& Natures() {
  static const auto* t =
      new NameTable<pb::ConstructionNature>{{pb::CONSTRUCTION_NATURE_NEW, "新建"},
                                            {pb::CONSTRUCTION_NATURE_EXPANSION, "扩建"},
                                            {pb::CONSTRUCTION_NATURE_RENOVATION, "改建和技术改造"},
                                            {pb::CONSTRUCTION_NATURE_LIVING_FACILITIES, "单纯建造生活设施"},
                                            {pb::CONSTRUCTION_NATURE_RELOCATION, "迁建"},
                                            {pb::CONSTRUCTION_NATURE_RESTORATION, "恢复"},
                                            {pb::CONSTRUCTION_NATURE_PURCHASE_ONLY, "单纯购置"}};
  return *t;
}

const NameTable<pb::Ownership>& Ownerships() {
  static const auto* t =
      new NameTable<pb::Ownership>{{pb::OWNERSHIP_STATE, "国有"},   {pb::OWNERSHIP_COLLECTIVE, "集体"},
                                   {pb::OWNERSHIP_PRIVATE, "私人"}, {pb::OWNERSHIP_HK_MACAO_TAIWAN, "港澳台"},
                                   {pb::OWNERSHIP_FOREIGN, "外商"}, {pb::OWNERSHIP_OTHER, "其他"}};
  return *t;
}

const NameTable<pb::ProjectTier>& Tiers() {
  static const auto* t = new NameTable<pb::ProjectTier>{{pb::PROJECT_TIER_KEY, "重点项目"},
                                                        {pb::PROJECT_TIER_MAJOR, "重大项目"},
                                                        {pb::PROJECT_TIER_PROVINCIAL_MAJOR, "省重大项目"},
                                                        {pb::PROJECT_TIER_LEADER, "省市县长项目"},
                                                        {pb::PROJECT_TIER_DOUBLE_HUNDRED, "双百工程"},
                                                        {pb::PROJECT_TIER_OBSERVATION, "观摩项目"}};
  return *t;
}

template <typename E>
std::string NameOf(const NameTable<E>& table, E value) {
  for (const auto& [e, name] : table) {
    if (e == value) return name;
  }
  return "未知";
}

template <typename E>
bool Parse(const NameTable<E>& table, const std::string& text, E* out) {
  for (const auto& [e, name] : table) {
    if (text == name) {
      *out = e;
      return true;
    }
  }
  return false;
}

}  // namespace

std::string UnitTypeName(pb::UnitType value) { return NameOf(UnitTypes(), value); }
std::string NatureName(pb::ConstructionNature value) { return NameOf(Natures(), value); }
std::string OwnershipName(pb::Ownership value) { return NameOf(Ownerships(), value); }
std::string TierName(pb::ProjectTier value) { return NameOf(Tiers(), value); }

bool ParseUnitType(const std::string& text, pb::UnitType* out) { return Parse(UnitTypes(), text, out); }
bool ParseNature(const std::string& text, pb::ConstructionNature* out) { return Parse(Natures(), text, out); }
bool ParseOwnership(const std::string& text, pb::Ownership* out) { return Parse(Ownerships(), text, out); }
bool ParseTier(const std::string& text, pb::ProjectTier* out) { return Parse(Tiers(), text, out); }

std::string MilestoneKindName(pb::MilestoneKind value) {
  switch (value) {
    case pb::MILESTONE_KIND_APPROVAL:
      return "立项";
    case pb::MILESTONE_KIND_LAND:
      return "用地";
    case pb::MILESTONE_KIND_PLANNING_PERMIT:
      return "规划许可";
    case pb::MILESTONE_KIND_CONSTRUCTION_PERMIT:
      return "施工许可";
    case pb::MILESTONE_KIND_START:
      return "开工";
    case pb::MILESTONE_KIND_TOPPING_OUT:
      return "主体结顶";
    case pb::MILESTONE_KIND_COMPLETION:
      return "竣工";
    case pb::MILESTONE_KIND_PRODUCTION:
      return "投产";
    case pb::MILESTONE_KIND_OTHER:
      return "其他";
    default:
      return "";
  }
}

bool ParseStage(const std::string& text, pb::ProjectStage* out) {
  for (int s = pb::PROJECT_STAGE_PLANNING; s <= pb::PROJECT_STAGE_WITHDRAWN; ++s) {
    if (text == StageName(static_cast<pb::ProjectStage>(s))) {
      *out = static_cast<pb::ProjectStage>(s);
      return true;
    }
  }
  return false;
}

}  // namespace saima::registry
