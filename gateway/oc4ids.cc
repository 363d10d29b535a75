#include "gateway/oc4ids.h"

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/format.h"
#include "common/names.h"
#include "google/protobuf/util/time_util.h"
#include "nlohmann/json.hpp"
#include "services/registry/ruku_rules.h"

namespace saima::gateway::oc4ids {
namespace {

namespace reg = ::saima::registry::v1;
using nlohmann::json;

constexpr char kZone[] = "+08:00";

// "2023-05-31" → "2023-05-31T00:00:00+08:00"; empty stays empty.
std::string StartOfDay(const std::string& date) { return date.empty() ? "" : absl::StrCat(date, "T00:00:00", kZone); }

// The last instant of a period "2023-05": "2023-05-31T23:59:59+08:00".
std::string EndOfPeriod(const std::string& period) {
  int year = std::stoi(period.substr(0, 4));
  int month = std::stoi(period.substr(5, 2));
  const absl::CivilDay last = absl::CivilDay(absl::CivilMonth(year, month) + 1) - 1;
  return absl::StrCat(absl::FormatCivilTime(last), "T23:59:59", kZone);
}

// numerator/denominator × 100 with two decimals, rounded half away from zero: "35.21".
std::string PercentMeasure(int64_t numerator, int64_t denominator) {
  return RoundedDecimal(numerator, denominator, 10'000, 2);
}

json Money(int64_t yuan) { return json{{"amount", yuan}, {"currency", "CNY"}}; }

json Milestone(const reg::Milestone& m, const std::string& today) {
  json out{{"id", std::to_string(m.milestone_id())},
           {"title", m.kind() == reg::MILESTONE_KIND_OTHER && !m.title().empty() ? m.title() : DisplayNameOf(m.kind())},
           {"type", MilestoneTypeOf(m.kind())}};
  if (!m.due_date().empty()) out["dueDate"] = StartOfDay(m.due_date());
  if (!m.met_date().empty()) {
    out["dateMet"] = StartOfDay(m.met_date());
    out["status"] = "met";
  } else {
    out["status"] = !m.due_date().empty() && m.due_date() < today ? "notMet" : "scheduled";
  }
  if (!m.owner_name().empty()) out["description"] = absl::StrCat("责任人：", m.owner_name());
  return out;
}

json Document(const reg::Document& d) {
  json out{{"id", std::to_string(d.document_id())},
           {"documentType", DocumentTypeOf(d.type())},
           {"title", d.number().empty() ? std::string(DisplayNameOf(d.type()))
                                        : absl::StrCat(DisplayNameOf(d.type()), " ", d.number())}};
  std::string description = d.issuer();
  if (!d.explanation().empty())
    description = absl::StrCat(description, description.empty() ? "" : "；", d.explanation());
  if (!description.empty()) out["description"] = description;
  if (!d.issued_date().empty()) out["datePublished"] = StartOfDay(d.issued_date());
  return out;
}

// Financial progress: investment completed since the start of construction against the planned total, in
// percent with two decimals, one observation per reported month (measured at the month's end).
json FinancialProgress(const ProjectData& data) {
  json observations = json::array();
  const int64_t total = data.project.planned_total_investment_yuan();
  for (const auto& f : data.figures) {
    const std::string measured = EndOfPeriod(f.period());
    json o{{"id", f.period()},
           {"period", {{"startDate", measured}, {"endDate", measured}}},
           {"value", Money(f.since_start_yuan())}};
    if (total > 0) {
      o["measure"] = PercentMeasure(f.since_start_yuan(), total);
      o["unit"] = {{"name", "percent"}, {"id", "P1"}, {"scheme", "UNCEFACT"}};
    }
    observations.push_back(std::move(o));
  }
  return json{{"id", "financialProgress"}, {"title", "投资完成进度"}, {"observations", std::move(observations)}};
}

}  // namespace

const char* ProjectStatusOf(reg::ProjectStage stage) {
  switch (stage) {
    case reg::PROJECT_STAGE_PLANNING:
      return "identification";
    case reg::PROJECT_STAGE_PREPARATION:
      return "preparation";
    case reg::PROJECT_STAGE_CONSTRUCTION:
    case reg::PROJECT_STAGE_SUSPENDED:
      return "implementation";
    case reg::PROJECT_STAGE_COMPLETED:
    case reg::PROJECT_STAGE_IN_PRODUCTION:  // 投产: built and handed over; the closed codelist ends at completion
      return "completion";
    case reg::PROJECT_STAGE_WITHDRAWN:
      return "cancelled";
    default:
      return "identification";
  }
}

const char* ProjectTypeOf(reg::ConstructionNature nature) {
  switch (nature) {
    case reg::CONSTRUCTION_NATURE_NEW:
    case reg::CONSTRUCTION_NATURE_LIVING_FACILITIES:
      return "construction";
    case reg::CONSTRUCTION_NATURE_EXPANSION:
    case reg::CONSTRUCTION_NATURE_RENOVATION:
      return "expansion";
    case reg::CONSTRUCTION_NATURE_RELOCATION:
      return "replacement";
    case reg::CONSTRUCTION_NATURE_RESTORATION:
      return "rehabilitation";
    default:
      return nullptr;  // 单纯购置 builds nothing
  }
}

const char* DocumentTypeOf(reg::DocumentType type) {
  switch (type) {
    case reg::DOCUMENT_TYPE_APPROVAL:
      return "projectApproval";
    case reg::DOCUMENT_TYPE_CONSTRUCTION_CONTRACT:
    case reg::DOCUMENT_TYPE_PURCHASE_CONTRACT:
      return "contractSigned";
    case reg::DOCUMENT_TYPE_DESIGN:
      return "technicalSpecifications";
    case reg::DOCUMENT_TYPE_FEASIBILITY_STUDY:
      return "feasibilityStudy";
    case reg::DOCUMENT_TYPE_PROPOSAL:
      return "projectPlan";
    case reg::DOCUMENT_TYPE_CONSTRUCTION_PERMIT:
      return "constructionPermit";
    case reg::DOCUMENT_TYPE_LAND_CONTRACT:
      return "landAndSettlementImpact";
    case reg::DOCUMENT_TYPE_EQUIPMENT_VOUCHER:
    case reg::DOCUMENT_TYPE_PAYMENT_VOUCHER:
      return "financialProgressReport";
    case reg::DOCUMENT_TYPE_SITE_PHOTO:
    case reg::DOCUMENT_TYPE_DELIVERY_PHOTO:
      return "illustration";
    default:
      return "other";
  }
}

const char* MilestoneTypeOf(reg::MilestoneKind kind) {
  switch (kind) {
    case reg::MILESTONE_KIND_APPROVAL:
    case reg::MILESTONE_KIND_LAND:
    case reg::MILESTONE_KIND_PLANNING_PERMIT:
    case reg::MILESTONE_KIND_CONSTRUCTION_PERMIT:
      return "approval";
    default:
      return "delivery";
  }
}

namespace {

json ProjectJson(const ProjectData& data, const std::string& prefix, const std::string& today) {
  const reg::Project& p = data.project;
  json out{{"id", absl::StrCat(prefix, "-", p.project_id())},
           {"language", "zh"},
           {"title", p.name()},
           {"status", ProjectStatusOf(p.stage())},
           {"budget", {{"amount", Money(p.planned_total_investment_yuan())}}}};
  if (p.has_update_time()) out["updated"] = google::protobuf::util::TimeUtil::ToString(p.update_time());
  if (!p.project_code().empty()) {
    out["identifiers"] = json::array({{{"id", p.project_code()}, {"scheme", "CN-TZXMDM"}}});
  }
  if (const char* type = ProjectTypeOf(p.construction_nature())) out["type"] = type;
  json period = json::object();
  if (!p.planned_start_date().empty()) period["startDate"] = StartOfDay(p.planned_start_date());
  if (!p.planned_completion_date().empty()) period["endDate"] = StartOfDay(p.planned_completion_date());
  if (!period.empty()) out["period"] = period;
  if (!p.industry_code().empty()) {
    out["additionalClassifications"] =
        json::array({{{"scheme", "GB/T 4754-2017"}, {"id", p.industry_code()}, {"description", p.industry_name()}}});
  }
  if (!p.region_code().empty() || !p.location().empty()) {
    json location{{"id", "1"}};
    if (!p.location().empty()) location["description"] = p.location();
    if (!p.region_code().empty()) {
      location["gazetteer"] = {{"scheme", "GB/T 2260"}, {"identifiers", json::array({p.region_code()})}};
    }
    out["locations"] = json::array({std::move(location)});
  }
  if (data.unit) {
    out["parties"] = json::array(
        {{{"id", data.unit->unit_id()}, {"name", data.unit->name()}, {"roles", json::array({"publicAuthority"})}}});
    out["publicAuthority"] = {{"id", data.unit->unit_id()}, {"name", data.unit->name()}};
  }
  if (!p.actual_completion_date().empty()) out["completion"] = {{"endDate", StartOfDay(p.actual_completion_date())}};
  json milestones = json::array();
  for (const auto& m : data.milestones) milestones.push_back(Milestone(m, today));
  if (!milestones.empty()) out["milestones"] = std::move(milestones);
  json documents = json::array();
  for (const auto& d : data.documents) documents.push_back(Document(d));
  if (!documents.empty()) out["documents"] = std::move(documents);
  if (!data.figures.empty()) out["metrics"] = json::array({FinancialProgress(data)});
  return out;
}

}  // namespace

std::string ToProjectJson(const ProjectData& data, const std::string& prefix, const std::string& today) {
  return ProjectJson(data, prefix, today).dump();
}

bool IsPublished(const reg::Project& project) {
  return project.stage() != reg::PROJECT_STAGE_PLANNING && project.stage() != reg::PROJECT_STAGE_WITHDRAWN &&
         project.stage() != reg::PROJECT_STAGE_UNSPECIFIED;
}

std::string ToPackageJson(const std::vector<ProjectData>& projects, const PackageInfo& info, const std::string& prefix,
                          const std::string& today) {
  json list = json::array();
  google::protobuf::Timestamp newest;
  for (const auto& data : projects) {
    list.push_back(ProjectJson(data, prefix, today));
    if (data.project.has_update_time() && data.project.update_time().seconds() > newest.seconds()) {
      newest = data.project.update_time();
    }
  }
  json out{{"uri", info.uri},
           {"publishedDate", google::protobuf::util::TimeUtil::ToString(newest)},
           {"publisher", {{"name", info.publisher}}},
           {"version", "0.9"},
           {"projects", std::move(list)}};
  if (!info.license.empty()) out["license"] = info.license;
  if (!info.publication_policy.empty()) out["publicationPolicy"] = info.publication_policy;
  return out.dump();
}

}  // namespace saima::gateway::oc4ids
