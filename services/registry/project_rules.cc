#include "services/registry/project_rules.h"

#include <cctype>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/money.h"
#include "common/period.h"

namespace saima::registry {
namespace {

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

// Output-only fields of Project: computed or kept by the server.
const std::set<std::string>& OutputOnlyFields() {
  static const auto* fields = new std::set<std::string>{
      "project_id", "industry_name", "sector",      "industrial",  "manufacturing", "industrial_renovation",
      "ruku_state", "revision",      "create_time", "update_time", "ruku_date"};
  return *fields;
}

}  // namespace

void CheckRukuDate(const std::string& actual_start, const std::string& ruku_date, const std::string& field,
                   Violations& v) {
  if (IsDate(actual_start) && IsDate(ruku_date) && ruku_date < actual_start) {
    v.Add(field, absl::StrCat("the 入库 date ", ruku_date, " is before the actual start ", actual_start),
          absl::StrCat("入库日期(", ruku_date, ")不能早于实际开工日期(", actual_start, ")：项目须先开工后入库"));
  }
}

void CheckProjectCode(const std::string& code, const ReferenceData& ref, const std::string& field, Violations& v) {
  const bool shape =
      code.size() == 24 && AllDigits(code, 0, 4) && code[4] == '-' && AllDigits(code, 5, 6) && code[11] == '-' &&
      AllDigits(code, 12, 2) && code[14] == '-' && AllDigits(code, 15, 2) && code[17] == '-' &&
      AllDigits(code, 18, 5) &&
      (std::isdigit(static_cast<unsigned char>(code[23])) || std::isupper(static_cast<unsigned char>(code[23])));
  if (!shape) {
    v.Add(field, "must have the GB/T 40058-2021 shape YYYY-RRRRRR-DD-TT-NNNNNN (24 characters)",
          "项目代码应符合 GB/T 40058-2021：YYYY-RRRRRR-DD-TT-NNNNNN(24 个字符)");
    return;
  }
  int year = 0;
  (void)absl::SimpleAtoi(code.substr(0, 4), &year);
  if (year < 2000 || year > 2100) {
    v.Add(field, "year part must be between 2000 and 2100", "项目代码的年份应在 2000 至 2100 之间");
  }
  if (!ref.IsCountyCode(code.substr(5, 6))) {
    v.Add(field, "region part must be a GB/T 2260 county code", "项目代码的区划部分应为 GB/T 2260 县级行政区划代码");
  }
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
  if (p.name().empty()) v.Add(field("name"), "is required", "项目名称必填");
  if (p.name().size() > 300) v.Add(field("name"), "must be at most 300 bytes", "项目名称最长 100 个汉字");
  if (p.unit_id().empty()) v.Add(field("unit_id"), "is required", "项目单位必填");
  if (!pb::ProjectStage_IsValid(p.stage()) || p.stage() == pb::PROJECT_STAGE_UNSPECIFIED) {
    v.Add(field("stage"), "is required", "项目阶段必填");
  }
  if (p.project_code().empty()) {
    if (p.stage() != pb::PROJECT_STAGE_PLANNING && p.stage() != pb::PROJECT_STAGE_UNSPECIFIED) {
      v.Add(field("project_code"), "is required unless the stage is 谋划 (planning)",
            "谋划阶段以外的项目必须填写项目代码");
    }
  } else {
    CheckProjectCode(p.project_code(), ref, field("project_code"), v);
  }
  if (p.industry_code().size() != 4 || Division(p.industry_code()) < 0) {
    v.Add(field("industry_code"), "must be a 4-digit GB/T 4754-2017 小类 code",
          "行业代码应为 4 位 GB/T 4754-2017 小类代码");
  } else if (ref.IndustryName(p.industry_code()) == nullptr) {
    v.Add(field("industry_code"), "is not in GB/T 4754-2017",
          absl::StrCat("行业代码 ", p.industry_code(), " 不在 GB/T 4754-2017 中"));
  }
  if (!pb::ConstructionNature_IsValid(p.construction_nature()) ||
      p.construction_nature() == pb::CONSTRUCTION_NATURE_UNSPECIFIED) {
    v.Add(field("construction_nature"), "is required", "建设性质必填");
  }
  if (!pb::Ownership_IsValid(p.ownership()) || p.ownership() == pb::OWNERSHIP_UNSPECIFIED) {
    v.Add(field("ownership"), "is required", "控股情况必填");
  }
  std::set<int> tiers;
  for (int tier : p.tiers()) {
    if (!pb::ProjectTier_IsValid(tier) || tier == pb::PROJECT_TIER_UNSPECIFIED) {
      v.Add(field("tiers"), "must hold known tiers only", "项目层级取值无效");
    } else if (!tiers.insert(tier).second) {
      v.Add(field("tiers"), "must not repeat a tier", "项目层级不能重复");
    }
  }
  if (p.planning_year() < 2000 || p.planning_year() > 2100) {
    v.Add(field("planning_year"), "must be between 2000 and 2100", "谋划年度应在 2000 至 2100 之间");
  }
  if (p.planned_total_investment_yuan() < 0 || p.planned_total_investment_yuan() > kMaxAmountYuan) {
    v.Add(field("planned_total_investment_yuan"), "must be between 0 and 10^14 元",
          "计划总投资应在 0 至 100 万亿元之间");
  }
  CheckDate(p.planned_start_date(), field("planned_start_date"), "计划开工日期", v);
  CheckDate(p.actual_start_date(), field("actual_start_date"), "实际开工日期", v);
  CheckDate(p.planned_completion_date(), field("planned_completion_date"), "计划竣工日期", v);
  CheckDate(p.actual_completion_date(), field("actual_completion_date"), "实际竣工日期", v);
  if (IsDate(p.planned_start_date()) && IsDate(p.planned_completion_date()) &&
      p.planned_completion_date() < p.planned_start_date()) {
    v.Add(field("planned_completion_date"), "must not be before planned_start_date",
          "计划竣工日期不能早于计划开工日期");
  }
  if (IsDate(p.actual_start_date()) && IsDate(p.actual_completion_date()) &&
      p.actual_completion_date() < p.actual_start_date()) {
    v.Add(field("actual_completion_date"), "must not be before actual_start_date", "实际竣工日期不能早于实际开工日期");
  }
  CheckRukuDate(p.actual_start_date(), p.ruku_date(), field("actual_start_date"), v);
  if (IsStarted(p.stage()) && p.actual_start_date().empty()) {
    v.Add(field("actual_start_date"), "is required once the project has started (在建, 竣工, 投产)",
          "在建、竣工、投产的项目必须填写实际开工日期");
  }
  if (IsFinished(p.stage()) && p.actual_completion_date().empty()) {
    v.Add(field("actual_completion_date"), "is required once the project is 竣工 or 投产",
          "竣工、投产的项目必须填写实际竣工日期");
  }
  if (p.stage() == pb::PROJECT_STAGE_WITHDRAWN && p.withdrawal_reason().empty()) {
    v.Add(field("withdrawal_reason"), "is required when the stage is 退出 (withdrawn)", "退出的项目必须填写退出原因");
  }
  if (!p.region_code().empty() && !ref.IsCountyCode(p.region_code())) {
    v.Add(field("region_code"), "must be a GB/T 2260 county code", "建设地点区划应为 GB/T 2260 县级行政区划代码");
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
  if (mask.paths().empty()) v.Add("update_mask", "must name at least one field", "请至少修改一个字段");
  const auto* descriptor = pb::Project::descriptor();
  for (const std::string& path : mask.paths()) {
    if (descriptor->FindFieldByName(path) == nullptr) {
      v.Add("update_mask", absl::StrCat("names unknown field '", path, "'"), absl::StrCat("项目没有字段“", path, "”"));
    } else if (OutputOnlyFields().count(path) > 0) {
      v.Add("update_mask", absl::StrCat("field '", path, "' is output only"),
            absl::StrCat("字段“", path, "”由系统计算，不能修改"));
    }
  }
}

void CheckMilestone(const pb::Milestone& m, const std::string& prefix, Violations& v) {
  auto field = [&prefix](const char* name) { return absl::StrCat(prefix, ".", name); };
  if (m.project_id() <= 0) v.Add(field("project_id"), "is required", "节点所属项目必填");
  if (!pb::MilestoneKind_IsValid(m.kind()) || m.kind() == pb::MILESTONE_KIND_UNSPECIFIED) {
    v.Add(field("kind"), "is required", "节点类型必填");
  }
  if (m.kind() == pb::MILESTONE_KIND_OTHER && m.title().empty()) {
    v.Add(field("title"), "is required for 其他", "类型为“其他”的节点必须填写名称");
  }
  if (!IsDate(m.due_date()))
    v.Add(field("due_date"), "is required, written YYYY-MM-DD", "计划完成日期必填，写作 YYYY-MM-DD");
  CheckDate(m.met_date(), field("met_date"), "实际完成日期", v);
  if (m.owner_name().empty()) {
    v.Add(field("owner_name"), "is required: every milestone has a named 责任人", "每个节点都要有责任人");
  }
}

void CheckDocument(const pb::Document& d, const std::string& prefix, Violations& v) {
  auto field = [&prefix](const char* name) { return absl::StrCat(prefix, ".", name); };
  if (d.project_id() <= 0) v.Add(field("project_id"), "is required", "材料所属项目必填");
  if (!pb::DocumentType_IsValid(d.type()) || d.type() == pb::DOCUMENT_TYPE_UNSPECIFIED) {
    v.Add(field("type"), "is required", "材料类型必填");
  }
  CheckDate(d.issued_date(), field("issued_date"), "发文日期", v);
  const std::string& hash = d.content_sha256();
  bool hex = hash.size() == 64;
  for (char c : hash) hex = hex && (std::isdigit(static_cast<unsigned char>(c)) || (c >= 'a' && c <= 'f'));
  if (!hex)
    v.Add(field("content_sha256"), "must be 64 lower-case hex digits", "材料的 SHA-256 应为 64 位小写十六进制数");
  if ((d.type() == pb::DOCUMENT_TYPE_SITE_PHOTO || d.type() == pb::DOCUMENT_TYPE_DELIVERY_PHOTO) &&
      (d.taken_at().empty() || d.taken_place().empty())) {
    v.Add(field("taken_at"), "a photo needs the time and place it was taken", "照片须注明拍摄时间和地点");
  }
}

void CheckDocumentFile(const ::saima::api::v1::File& file, const std::string& prefix, Violations& v) {
  auto field = [&prefix](const char* name) { return absl::StrCat(prefix, ".", name); };
  if (file.file_name().empty() || file.file_name().size() > 255) {
    v.Add(field("file_name"), "is required, at most 255 bytes", "文件名必填，最长 255 个字节");
  }
  const std::string& bytes = file.content();
  if (bytes.empty() || bytes.size() > kMaxDocumentFileBytes) {
    v.Add(field("content"), absl::StrCat("must be 1 to ", kMaxDocumentFileBytes, " bytes"),
          absl::StrCat("文件不能为空，且不超过 ", kMaxDocumentFileBytes >> 20, " MB"));
    return;
  }
  // The signature each accepted type's files begin with.
  static const std::pair<const char*, std::string> kSignatures[] = {
      {"application/pdf", "%PDF-"},
      {"image/jpeg", std::string("\xFF\xD8\xFF", 3)},
      {"image/png", std::string("\x89PNG\r\n\x1A\n", 8)},
  };
  for (const auto& [type, signature] : kSignatures) {
    if (file.content_type() != type) continue;
    if (!absl::StartsWith(bytes, signature)) {
      v.Add(field("content"), absl::StrCat("is not a ", type, " file"), "文件内容与文件类型不符");
    }
    return;
  }
  v.Add(field("content_type"), "must be application/pdf, image/jpeg or image/png", "只能上传 PDF、JPEG 或 PNG 文件");
}

void CheckUnit(const pb::Unit& u, const ReferenceData& ref, const std::string& prefix, Violations& v) {
  auto field = [&prefix](const char* name) { return absl::StrCat(prefix, ".", name); };
  if (u.unit_id().empty() || u.unit_id().size() > 32) {
    v.Add(field("unit_id"), "is required, at most 32 bytes", "单位编码必填，最长 32 个字符");
  }
  if (u.name().empty()) v.Add(field("name"), "is required", "单位名称必填");
  if (!pb::UnitType_IsValid(u.type()) || u.type() == pb::UNIT_TYPE_UNSPECIFIED) {
    v.Add(field("type"), "is required", "单位类型必填");
  }
  if (!ref.IsCountyCode(u.region_code())) {
    v.Add(field("region_code"), "must be a GB/T 2260 county code", "单位所属区划应为 GB/T 2260 县级行政区划代码");
  }
}

}  // namespace saima::registry
