#include "services/registry/project_rules.h"

#include <cctype>
#include <set>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"

namespace saima::registry {
namespace {

constexpr int64_t kMaxAmountYuan = 100'000'000'000'000;  // 1万亿元: beyond any county project.

bool AllDigits(const std::string& s, size_t from, size_t len) {
  if (from + len > s.size()) return false;
  for (size_t i = from; i < from + len; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
  }
  return true;
}

// The 2-digit 大类 of a 4-digit code, or -1.
int Division(const std::string& code) {
  if (code.size() != 4 || !AllDigits(code, 0, 4)) return -1;
  return (code[0] - '0') * 10 + (code[1] - '0');
}

bool IsStarted(pb::ProjectStage stage) {
  return stage == pb::PROJECT_STAGE_CONSTRUCTION || stage == pb::PROJECT_STAGE_COMPLETED ||
         stage == pb::PROJECT_STAGE_IN_PRODUCTION;
}

bool IsFinished(pb::ProjectStage stage) {
  return stage == pb::PROJECT_STAGE_COMPLETED || stage == pb::PROJECT_STAGE_IN_PRODUCTION;
}

void CheckDate(const std::string& date, const std::string& field, Violations& v) {
  if (!date.empty() && !IsIsoDate(date)) v.Add(field, "must be a date written YYYY-MM-DD");
}

// Output-only fields of Project: computed or kept by the server.
const std::set<std::string>& OutputOnlyFields() {
  static const auto* fields = new std::set<std::string>{
      "project_id", "industry_name", "sector",      "industrial",  "manufacturing", "industrial_renovation",
      "ruku_state", "revision",      "create_time", "update_time", "ruku_date"};
  return *fields;
}

}  // namespace

bool IsIsoDate(const std::string& date) {
  if (date.size() != 10 || date[4] != '-' || date[7] != '-') return false;
  if (!AllDigits(date, 0, 4) || !AllDigits(date, 5, 2) || !AllDigits(date, 8, 2)) return false;
  absl::CivilDay day;
  if (!absl::ParseCivilTime(date, &day)) return false;
  // ParseCivilTime normalises 2023-02-30 to March; a real date formats back to itself.
  return absl::FormatCivilTime(day) == date;
}

void CheckProjectCode(const std::string& code, const ReferenceData& ref, const std::string& field, Violations& v) {
  const bool shape =
      code.size() == 24 && AllDigits(code, 0, 4) && code[4] == '-' && AllDigits(code, 5, 6) && code[11] == '-' &&
      AllDigits(code, 12, 2) && code[14] == '-' && AllDigits(code, 15, 2) && code[17] == '-' &&
      AllDigits(code, 18, 5) &&
      (std::isdigit(static_cast<unsigned char>(code[23])) || std::isupper(static_cast<unsigned char>(code[23])));
  if (!shape) {
    v.Add(field, "must have the GB/T 40058-2021 shape YYYY-RRRRRR-DD-TT-NNNNNN (24 characters)");
    return;
  }
  int year = 0;
  (void)absl::SimpleAtoi(code.substr(0, 4), &year);
  if (year < 2000 || year > 2100) v.Add(field, "year part must be between 2000 and 2100");
  if (!ref.IsCountyCode(code.substr(5, 6))) v.Add(field, "region part must be a GB/T 2260 county code");
}

pb::Sector SectorOf(const std::string& industry_code) {
  const int d = Division(industry_code);
  if (d < 1) return pb::SECTOR_UNSPECIFIED;
  if (d <= 4) return pb::SECTOR_PRIMARY;
  if (d == 5 || d == 11 || d == 43) return pb::SECTOR_TERTIARY;
  if (d <= 50) return pb::SECTOR_SECONDARY;
  return pb::SECTOR_TERTIARY;
}

bool IsIndustrial(const std::string& industry_code) {
  if (Division(industry_code) < 0) return false;
  return industry_code >= "0610" && industry_code <= "4690";
}

bool IsManufacturing(const std::string& industry_code) {
  const int d = Division(industry_code);
  return d >= 13 && d <= 43;
}

void DeriveClassification(const ReferenceData& ref, pb::Project& p) {
  const std::string* name = ref.IndustryName(p.industry_code());
  p.set_industry_name(name ? *name : "");
  p.set_sector(SectorOf(p.industry_code()));
  p.set_industrial(IsIndustrial(p.industry_code()));
  p.set_manufacturing(IsManufacturing(p.industry_code()));
  const auto nature = p.construction_nature();
  const bool flagged_nature =
      nature == pb::CONSTRUCTION_NATURE_EXPANSION || nature == pb::CONSTRUCTION_NATURE_RELOCATION ||
      nature == pb::CONSTRUCTION_NATURE_RESTORATION || nature == pb::CONSTRUCTION_NATURE_PURCHASE_ONLY;
  p.set_industrial_renovation(
      p.industrial() && (nature == pb::CONSTRUCTION_NATURE_RENOVATION || (flagged_nature && p.technical_renovation())));
}

void CheckProject(const pb::Project& p, const ReferenceData& ref, const std::string& prefix, Violations& v) {
  auto field = [&prefix](const char* name) { return absl::StrCat(prefix, ".", name); };
  if (p.name().empty()) v.Add(field("name"), "is required");
  if (p.name().size() > 300) v.Add(field("name"), "must be at most 300 bytes");
  if (p.unit_id().empty()) v.Add(field("unit_id"), "is required");
  if (!pb::ProjectStage_IsValid(p.stage()) || p.stage() == pb::PROJECT_STAGE_UNSPECIFIED) {
    v.Add(field("stage"), "is required");
  }
  if (p.project_code().empty()) {
    if (p.stage() != pb::PROJECT_STAGE_PLANNING && p.stage() != pb::PROJECT_STAGE_UNSPECIFIED) {
      v.Add(field("project_code"), "is required unless the stage is 谋划 (planning)");
    }
  } else {
    CheckProjectCode(p.project_code(), ref, field("project_code"), v);
  }
  if (p.industry_code().size() != 4 || Division(p.industry_code()) < 0) {
    v.Add(field("industry_code"), "must be a 4-digit GB/T 4754-2017 小类 code");
  } else if (ref.IndustryName(p.industry_code()) == nullptr) {
    v.Add(field("industry_code"), "is not in GB/T 4754-2017");
  }
  if (!pb::ConstructionNature_IsValid(p.construction_nature()) ||
      p.construction_nature() == pb::CONSTRUCTION_NATURE_UNSPECIFIED) {
    v.Add(field("construction_nature"), "is required");
  }
  if (!pb::Ownership_IsValid(p.ownership()) || p.ownership() == pb::OWNERSHIP_UNSPECIFIED) {
    v.Add(field("ownership"), "is required");
  }
  std::set<int> tiers;
  for (int tier : p.tiers()) {
    if (!pb::ProjectTier_IsValid(tier) || tier == pb::PROJECT_TIER_UNSPECIFIED) {
      v.Add(field("tiers"), "must hold known tiers only");
    } else if (!tiers.insert(tier).second) {
      v.Add(field("tiers"), "must not repeat a tier");
    }
  }
  if (p.planning_year() < 2000 || p.planning_year() > 2100) {
    v.Add(field("planning_year"), "must be between 2000 and 2100");
  }
  if (p.planned_total_investment_yuan() < 0 || p.planned_total_investment_yuan() > kMaxAmountYuan) {
    v.Add(field("planned_total_investment_yuan"), "must be between 0 and 10^14 元");
  }
  CheckDate(p.planned_start_date(), field("planned_start_date"), v);
  CheckDate(p.actual_start_date(), field("actual_start_date"), v);
  CheckDate(p.planned_completion_date(), field("planned_completion_date"), v);
  CheckDate(p.actual_completion_date(), field("actual_completion_date"), v);
  if (IsIsoDate(p.planned_start_date()) && IsIsoDate(p.planned_completion_date()) &&
      p.planned_completion_date() < p.planned_start_date()) {
    v.Add(field("planned_completion_date"), "must not be before planned_start_date");
  }
  if (IsIsoDate(p.actual_start_date()) && IsIsoDate(p.actual_completion_date()) &&
      p.actual_completion_date() < p.actual_start_date()) {
    v.Add(field("actual_completion_date"), "must not be before actual_start_date");
  }
  if (IsStarted(p.stage()) && p.actual_start_date().empty()) {
    v.Add(field("actual_start_date"), "is required once the project has started (在建, 竣工, 投产)");
  }
  if (IsFinished(p.stage()) && p.actual_completion_date().empty()) {
    v.Add(field("actual_completion_date"), "is required once the project is 竣工 or 投产");
  }
  if (p.stage() == pb::PROJECT_STAGE_WITHDRAWN && p.withdrawal_reason().empty()) {
    v.Add(field("withdrawal_reason"), "is required when the stage is 退出 (withdrawn)");
  }
  if (!p.region_code().empty() && !ref.IsCountyCode(p.region_code())) {
    v.Add(field("region_code"), "must be a GB/T 2260 county code");
  }
}

bool IsLegalTransition(pb::ProjectStage from, pb::ProjectStage to) {
  if (from == to) return true;
  switch (from) {
    case pb::PROJECT_STAGE_PLANNING:
      return to == pb::PROJECT_STAGE_PREPARATION || to == pb::PROJECT_STAGE_WITHDRAWN;
    case pb::PROJECT_STAGE_PREPARATION:
      return to == pb::PROJECT_STAGE_CONSTRUCTION || to == pb::PROJECT_STAGE_SUSPENDED ||
             to == pb::PROJECT_STAGE_WITHDRAWN;
    case pb::PROJECT_STAGE_CONSTRUCTION:
      return to == pb::PROJECT_STAGE_COMPLETED || to == pb::PROJECT_STAGE_SUSPENDED ||
             to == pb::PROJECT_STAGE_WITHDRAWN;
    case pb::PROJECT_STAGE_COMPLETED:
      return to == pb::PROJECT_STAGE_IN_PRODUCTION;
    case pb::PROJECT_STAGE_SUSPENDED:
      return to == pb::PROJECT_STAGE_PREPARATION || to == pb::PROJECT_STAGE_CONSTRUCTION ||
             to == pb::PROJECT_STAGE_WITHDRAWN;
    default:
      return false;  // 投产 and 退出 are final.
  }
}

void CheckUpdateMask(const google::protobuf::FieldMask& mask, Violations& v) {
  if (mask.paths().empty()) v.Add("update_mask", "must name at least one field");
  const auto* descriptor = pb::Project::descriptor();
  for (const std::string& path : mask.paths()) {
    if (descriptor->FindFieldByName(path) == nullptr) {
      v.Add("update_mask", absl::StrCat("names unknown field '", path, "'"));
    } else if (OutputOnlyFields().count(path) > 0) {
      v.Add("update_mask", absl::StrCat("field '", path, "' is output only"));
    }
  }
}

void CheckMilestone(const pb::Milestone& m, const std::string& prefix, Violations& v) {
  auto field = [&prefix](const char* name) { return absl::StrCat(prefix, ".", name); };
  if (m.project_id() <= 0) v.Add(field("project_id"), "is required");
  if (!pb::MilestoneKind_IsValid(m.kind()) || m.kind() == pb::MILESTONE_KIND_UNSPECIFIED) {
    v.Add(field("kind"), "is required");
  }
  if (m.kind() == pb::MILESTONE_KIND_OTHER && m.title().empty()) v.Add(field("title"), "is required for 其他");
  if (!IsIsoDate(m.due_date())) v.Add(field("due_date"), "is required, written YYYY-MM-DD");
  CheckDate(m.met_date(), field("met_date"), v);
  if (m.owner_name().empty()) v.Add(field("owner_name"), "is required: every milestone has a named 责任人");
}

void CheckDocument(const pb::Document& d, const std::string& prefix, Violations& v) {
  auto field = [&prefix](const char* name) { return absl::StrCat(prefix, ".", name); };
  if (d.project_id() <= 0) v.Add(field("project_id"), "is required");
  if (!pb::DocumentType_IsValid(d.type()) || d.type() == pb::DOCUMENT_TYPE_UNSPECIFIED) {
    v.Add(field("type"), "is required");
  }
  CheckDate(d.issued_date(), field("issued_date"), v);
  const std::string& hash = d.content_sha256();
  bool hex = hash.size() == 64;
  for (char c : hash) hex = hex && (std::isdigit(static_cast<unsigned char>(c)) || (c >= 'a' && c <= 'f'));
  if (!hex) v.Add(field("content_sha256"), "must be 64 lower-case hex digits");
  if ((d.type() == pb::DOCUMENT_TYPE_SITE_PHOTO || d.type() == pb::DOCUMENT_TYPE_DELIVERY_PHOTO) &&
      (d.taken_at().empty() || d.taken_place().empty())) {
    v.Add(field("taken_at"), "a photo needs the time and place it was taken");
  }
}

void CheckUnit(const pb::Unit& u, const ReferenceData& ref, const std::string& prefix, Violations& v) {
  auto field = [&prefix](const char* name) { return absl::StrCat(prefix, ".", name); };
  if (u.unit_id().empty() || u.unit_id().size() > 32) v.Add(field("unit_id"), "is required, at most 32 bytes");
  if (u.name().empty()) v.Add(field("name"), "is required");
  if (!pb::UnitType_IsValid(u.type()) || u.type() == pb::UNIT_TYPE_UNSPECIFIED) v.Add(field("type"), "is required");
  if (!ref.IsCountyCode(u.region_code())) v.Add(field("region_code"), "must be a GB/T 2260 county code");
}

const char* StageName(pb::ProjectStage stage) {
  switch (stage) {
    case pb::PROJECT_STAGE_PLANNING:
      return "谋划";
    case pb::PROJECT_STAGE_PREPARATION:
      return "前期";
    case pb::PROJECT_STAGE_CONSTRUCTION:
      return "在建";
    case pb::PROJECT_STAGE_COMPLETED:
      return "竣工";
    case pb::PROJECT_STAGE_IN_PRODUCTION:
      return "投产";
    case pb::PROJECT_STAGE_SUSPENDED:
      return "停缓建";
    case pb::PROJECT_STAGE_WITHDRAWN:
      return "退出";
    default:
      return "未知";
  }
}

const char* SectorName(pb::Sector sector) {
  switch (sector) {
    case pb::SECTOR_PRIMARY:
      return "一产";
    case pb::SECTOR_SECONDARY:
      return "二产";
    case pb::SECTOR_TERTIARY:
      return "三产";
    default:
      return "未知";
  }
}

}  // namespace saima::registry
