#include "services/registry/registry.h"

#include <algorithm>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "common/digest.h"
#include "common/money.h"
#include "common/names.h"
#include "common/period.h"
#include "common/policy.h"
#include "common/status.h"
#include "google/protobuf/util/field_mask_util.h"
#include "services/registry/project_rules.h"
#include "services/registry/ruku_rules.h"

namespace saima::registry {
namespace {

constexpr int kDefaultPageSize = 100;
constexpr int kMaxPageSize = 1000;

}  // namespace

absl::Status Registry::CheckMayWriteUnit(const Caller& caller, const std::string& unit_id) const {
  return Authorize(caller, Action::ACTION_WRITE_PROJECT, Target{unit_id, "", ""});
}

absl::Status Registry::CheckMayReadProject(const Caller& caller, int64_t project_id, absl::Time deadline) {
  if (absl::Status allowed = Authorize(caller, Action::ACTION_READ_PROJECT); !allowed.ok()) return allowed;
  if (ScopeOf(caller, Action::ACTION_READ_PROJECT) == Scope::kAll) return absl::OkStatus();
  auto project = store_.GetProject(project_id, deadline);
  if (!project.ok()) return project.status();
  return Authorize(caller, Action::ACTION_READ_PROJECT, Target{project->unit_id(), "", ""});
}

absl::StatusOr<pb::Project> Registry::ProjectForWrite(const Caller& caller, int64_t project_id, absl::Time deadline) {
  auto project = store_.GetProject(project_id, deadline);
  if (!project.ok()) return project.status();
  if (absl::Status s = CheckMayWriteUnit(caller, project->unit_id()); !s.ok()) return s;
  return project;
}

absl::StatusOr<pb::ListUnitsResponse> Registry::ListUnits(const Caller&, const pb::ListUnitsRequest& request,
                                                          absl::Time deadline) {
  auto units = store_.ListUnits(request.type(), deadline);
  if (!units.ok()) return units.status();
  pb::ListUnitsResponse response;
  for (auto& u : *units) *response.add_units() = std::move(u);
  return response;
}

absl::StatusOr<pb::GetUnitResponse> Registry::GetUnit(const Caller&, const pb::GetUnitRequest& request,
                                                      absl::Time deadline) {
  if (request.unit_id().empty()) return InvalidField("unit_id", "is required", "单位编码必填");
  auto unit = store_.GetUnit(request.unit_id(), deadline);
  if (!unit.ok()) return unit.status();
  pb::GetUnitResponse response;
  *response.mutable_unit() = *std::move(unit);
  return response;
}

absl::StatusOr<pb::CreateUnitResponse> Registry::CreateUnit(const Caller& caller, const pb::CreateUnitRequest& request,
                                                            absl::Time deadline) {
  if (absl::Status s = Authorize(caller, Action::ACTION_CREATE_UNIT); !s.ok()) return s;
  Violations v;
  CheckUnit(request.unit(), ref_, "unit", v);
  if (!v.ok()) return v.ToStatus();
  auto unit = store_.CreateUnit(request.unit(), deadline);
  if (!unit.ok()) return unit.status();
  pb::CreateUnitResponse response;
  *response.mutable_unit() = *std::move(unit);
  return response;
}

namespace {

// Who decides a project's tiers: 重点/重大/省重大/县长/双百 the 发改局 (ACTION_SET_PROJECT_TIERS); 观摩 only the
// contest's selection, which the scoring service writes (its certificate, not any person, makes the call).
absl::Status AuthorizeTiers(const Caller& caller, const google::protobuf::RepeatedField<int>& before,
                            const google::protobuf::RepeatedField<int>& after) {
  std::set<int> was(before.begin(), before.end()), now(after.begin(), after.end());
  bool observation_changed = false, others_changed = false;
  for (int tier = pb::ProjectTier_MIN; tier <= pb::ProjectTier_MAX; ++tier) {
    if (was.count(tier) == now.count(tier)) continue;
    (tier == pb::PROJECT_TIER_OBSERVATION ? observation_changed : others_changed) = true;
  }
  if (observation_changed && caller.via != "saima-scoring") {
    return Error(absl::StatusCode::kPermissionDenied,
                 "the 观摩 tier is set only by the contest's selection (FinalizeSelection)",
                 "观摩项目只能由“互看互学·互比互评”的遴选确定");
  }
  if (others_changed) return Authorize(caller, Action::ACTION_SET_PROJECT_TIERS);
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<pb::CreateProjectResponse> Registry::CreateProject(const Caller& caller,
                                                                  const pb::CreateProjectRequest& request,
                                                                  absl::Time deadline) {
  Violations v;
  CheckProject(request.project(), ref_, "project", v);
  if (request.request_id().size() > 128) v.Add("request_id", "must be at most 128 bytes", "请求编号最长 128 个字符");
  if (!v.ok()) return v.ToStatus();
  if (absl::Status s = CheckMayWriteUnit(caller, request.project().unit_id()); !s.ok()) return s;
  if (absl::Status s = AuthorizeTiers(caller, {}, request.project().tiers()); !s.ok()) return s;
  pb::Project project = request.project();
  // Output-only fields are the server's.
  project.clear_project_id();
  project.clear_revision();
  project.clear_ruku_state();
  project.clear_ruku_date();
  DeriveClassification(ref_, project);
  if (request.validate_only()) {
    pb::CreateProjectResponse response;
    *response.mutable_project() = std::move(project);
    return response;
  }
  auto stored = store_.CreateProject(project, {caller.user_id, request.request_id()}, deadline);
  if (!stored.ok()) return stored.status();
  pb::CreateProjectResponse response;
  *response.mutable_project() = *std::move(stored);
  return response;
}

absl::StatusOr<pb::GetProjectResponse> Registry::GetProject(const Caller& caller, const pb::GetProjectRequest& request,
                                                            absl::Time deadline) {
  if (request.project_id() <= 0) return InvalidField("project_id", "must be a positive id", "项目编号应为正整数");
  auto project = store_.GetProject(request.project_id(), deadline);
  if (!project.ok()) return project.status();
  if (absl::Status s = Authorize(caller, Action::ACTION_READ_PROJECT, Target{project->unit_id(), "", ""}); !s.ok())
    return s;
  pb::GetProjectResponse response;
  *response.mutable_project() = *std::move(project);
  return response;
}

absl::StatusOr<pb::UpdateProjectResponse> Registry::UpdateProject(const Caller& caller,
                                                                  const pb::UpdateProjectRequest& given,
                                                                  absl::Time deadline) {
  // With `revision` in the mask, project.revision is the revision the caller read (the HTTP form: the body holds
  // the fields to change and the revision).
  pb::UpdateProjectRequest request = given;
  google::protobuf::FieldMask mask;
  for (const std::string& path : given.update_mask().paths()) {
    if (path == "revision") {
      if (request.expected_revision() == 0) request.set_expected_revision(given.project().revision());
    } else {
      mask.add_paths(path);
    }
  }
  *request.mutable_update_mask() = mask;
  Violations v;
  if (request.project_id() <= 0) v.Add("project_id", "must be a positive id", "项目编号应为正整数");
  if (request.expected_revision() <= 0) {
    v.Add("expected_revision", "is required: the revision the caller read", "请提供读取时的版本号(revision)");
  }
  CheckUpdateMask(request.update_mask(), v);
  if (!v.ok()) return v.ToStatus();
  auto current = ProjectForWrite(caller, request.project_id(), deadline);
  if (!current.ok()) return current.status();
  if (current->revision() != request.expected_revision()) {
    return Error(absl::StatusCode::kAborted,
                 absl::StrCat("project ", request.project_id(), " is at revision ", current->revision(), ", not ",
                              request.expected_revision(), "; read it again and retry"),
                 "项目已被他人修改，请刷新后重新修改");
  }
  pb::Project updated = *current;
  google::protobuf::util::FieldMaskUtil::MergeOptions options;
  options.set_replace_repeated_fields(true);
  google::protobuf::util::FieldMaskUtil::MergeMessageTo(request.project(), request.update_mask(), options, &updated);
  CheckProject(updated, ref_, "project", v);
  if (!IsLegalTransition(current->stage(), updated.stage())) {
    v.Add("project.stage",
          absl::StrCat("cannot move from ", pb::ProjectStage_Name(current->stage()), " to ",
                       pb::ProjectStage_Name(updated.stage())),
          absl::StrCat("项目阶段不能从“", DisplayNameOf(current->stage()), "”改为“", DisplayNameOf(updated.stage()),
                       "”"));
  }
  if (!v.ok()) return v.ToStatus();
  if (updated.unit_id() != current->unit_id()) {
    if (absl::Status s = CheckMayWriteUnit(caller, updated.unit_id()); !s.ok()) return s;
  }
  if (absl::Status s = AuthorizeTiers(caller, current->tiers(), updated.tiers()); !s.ok()) return s;
  DeriveClassification(ref_, updated);
  auto stored = store_.UpdateProject(updated, request.expected_revision(), {caller.user_id, ""}, deadline);
  if (!stored.ok()) return stored.status();
  pb::UpdateProjectResponse response;
  *response.mutable_project() = *std::move(stored);
  return response;
}

absl::StatusOr<pb::ListProjectsResponse> Registry::ListProjects(const Caller& caller,
                                                                const pb::ListProjectsRequest& request,
                                                                absl::Time deadline) {
  pb::ProjectFilter filter = request.filter();
  if (absl::Status allowed = Authorize(caller, Action::ACTION_READ_PROJECT); !allowed.ok()) return allowed;
  if (ScopeOf(caller, Action::ACTION_READ_PROJECT) == Scope::kOwnUnit) {
    if (!filter.unit_id().empty() && filter.unit_id() != caller.unit_id) {
      return Error(absl::StatusCode::kPermissionDenied,
                   absl::StrCat("unit staff of ", caller.unit_id, " may list their own unit's projects only"),
                   "单位填报员只能查看本单位的项目");
    }
    filter.set_unit_id(caller.unit_id);
  }
  Violations v;
  if (request.page_size() < 0 || request.page_size() > kMaxPageSize) {
    v.Add("page_size", absl::StrCat("must be between 0 and ", kMaxPageSize),
          absl::StrCat("每页条数应在 0 至 ", kMaxPageSize, " 之间"));
  }
  int64_t after = 0;
  if (!request.page_token().empty() && (!absl::SimpleAtoi(request.page_token(), &after) || after <= 0)) {
    v.Add("page_token", "is not a token returned by ListProjects", "翻页标记无效");
  }
  if (!v.ok()) return v.ToStatus();
  const int size = request.page_size() == 0 ? kDefaultPageSize : request.page_size();
  auto page = store_.ListProjects(filter, after, size + 1, deadline);
  if (!page.ok()) return page.status();
  pb::ListProjectsResponse response;
  const bool more = static_cast<int>(page->projects.size()) > size;
  if (more) page->projects.resize(size);
  for (auto& p : page->projects) *response.add_projects() = std::move(p);
  if (more) response.set_next_page_token(absl::StrCat(response.projects().rbegin()->project_id()));
  response.set_total_size(page->total);
  return response;
}

absl::StatusOr<pb::SummarizeProjectsResponse> Registry::SummarizeProjects(const Caller&,
                                                                          const pb::SummarizeProjectsRequest& request,
                                                                          absl::Time deadline) {
  auto summary = store_.SummarizeProjects(request.filter(), deadline);
  if (!summary.ok()) return summary.status();
  pb::SummarizeProjectsResponse response;
  *response.mutable_summary() = *std::move(summary);
  return response;
}

absl::StatusOr<pb::ListProjectHistoryResponse> Registry::ListProjectHistory(
    const Caller& caller, const pb::ListProjectHistoryRequest& request, absl::Time deadline) {
  if (request.project_id() <= 0) return InvalidField("project_id", "must be a positive id", "项目编号应为正整数");
  if (absl::Status s = CheckMayReadProject(caller, request.project_id(), deadline); !s.ok()) return s;
  auto changes = store_.ListProjectHistory(request.project_id(), deadline);
  if (!changes.ok()) return changes.status();
  pb::ListProjectHistoryResponse response;
  for (auto& c : *changes) *response.add_changes() = std::move(c);
  return response;
}

absl::StatusOr<pb::AddMilestoneResponse> Registry::AddMilestone(const Caller& caller,
                                                                const pb::AddMilestoneRequest& request,
                                                                absl::Time deadline) {
  Violations v;
  CheckMilestone(request.milestone(), "milestone", v);
  if (!v.ok()) return v.ToStatus();
  if (auto p = ProjectForWrite(caller, request.milestone().project_id(), deadline); !p.ok()) return p.status();
  auto stored = store_.AddMilestone(request.milestone(), {caller.user_id, request.request_id()}, deadline);
  if (!stored.ok()) return stored.status();
  pb::AddMilestoneResponse response;
  *response.mutable_milestone() = *std::move(stored);
  return response;
}

absl::StatusOr<pb::UpdateMilestoneResponse> Registry::UpdateMilestone(const Caller& caller,
                                                                      const pb::UpdateMilestoneRequest& request,
                                                                      absl::Time deadline) {
  if (request.milestone().milestone_id() <= 0) {
    return InvalidField("milestone.milestone_id", "is required", "节点编号必填");
  }
  auto current = store_.GetMilestone(request.milestone().milestone_id(), deadline);
  if (!current.ok()) return current.status();
  if (auto p = ProjectForWrite(caller, current->project_id(), deadline); !p.ok()) return p.status();
  Violations v;
  pb::Milestone updated = *current;
  for (const std::string& path : request.update_mask().paths()) {
    if (path == "milestone_id" || path == "project_id" ||
        pb::Milestone::descriptor()->FindFieldByName(path) == nullptr) {
      v.Add("update_mask", absl::StrCat("field '", path, "' cannot be updated"),
            absl::StrCat("节点字段“", path, "”不能修改"));
    }
  }
  if (request.update_mask().paths().empty()) v.Add("update_mask", "must name at least one field", "请至少修改一个字段");
  if (!v.ok()) return v.ToStatus();
  google::protobuf::util::FieldMaskUtil::MergeMessageTo(request.milestone(), request.update_mask(), {}, &updated);
  CheckMilestone(updated, "milestone", v);
  if (!v.ok()) return v.ToStatus();
  auto stored = store_.UpdateMilestone(updated, {caller.user_id, ""}, deadline);
  if (!stored.ok()) return stored.status();
  pb::UpdateMilestoneResponse response;
  *response.mutable_milestone() = *std::move(stored);
  return response;
}

absl::StatusOr<pb::ListMilestonesResponse> Registry::ListMilestones(const Caller& caller,
                                                                    const pb::ListMilestonesRequest& request,
                                                                    absl::Time deadline) {
  std::vector<int64_t> readable;
  if (request.project_ids_size() > 0) {
    // Many at once (the dispatch agenda): narrowed to the projects the caller may read, as every list is.
    Violations v;
    if (request.project_id() != 0)
      v.Add("project_id", "must be empty with project_ids", "按多个项目查询时不填项目编号");
    if (request.project_ids_size() > 10000) {
      v.Add("project_ids", "must hold at most 10000 ids", "一次最多查询 10000 个项目");
    }
    for (int i = 0; i < request.project_ids_size(); ++i) {
      if (request.project_ids(i) <= 0) {
        v.Add(absl::StrCat("project_ids[", i, "]"), "must be a positive id", "项目编号应为正整数");
      }
    }
    if (!v.ok()) return v.ToStatus();
    if (absl::Status allowed = Authorize(caller, Action::ACTION_READ_PROJECT); !allowed.ok()) return allowed;
    for (int64_t id : request.project_ids()) {
      const absl::Status s = CheckMayReadProject(caller, id, deadline);
      if (s.ok()) {
        readable.push_back(id);
      } else if (!absl::IsPermissionDenied(s) && !absl::IsNotFound(s)) {
        return s;
      }
    }
    std::sort(readable.begin(), readable.end());
    readable.erase(std::unique(readable.begin(), readable.end()), readable.end());
  } else {
    if (request.project_id() <= 0) return InvalidField("project_id", "must be a positive id", "项目编号应为正整数");
    if (absl::Status s = CheckMayReadProject(caller, request.project_id(), deadline); !s.ok()) return s;
    readable.push_back(request.project_id());
  }
  if (readable.empty()) return pb::ListMilestonesResponse();
  auto items = store_.ListMilestones(readable, deadline);
  if (!items.ok()) return items.status();
  pb::ListMilestonesResponse response;
  for (auto& m : *items) *response.add_milestones() = std::move(m);
  return response;
}

absl::StatusOr<pb::AddDocumentResponse> Registry::AddDocument(const Caller& caller,
                                                              const pb::AddDocumentRequest& request,
                                                              absl::Time deadline) {
  Violations v;
  pb::Document document = request.document();
  if (request.has_file()) {
    CheckDocumentFile(request.file(), "file", v);
    if (!v.ok()) return v.ToStatus();
    const std::string sha256 = Sha256Hex(request.file().content());
    if (!document.content_sha256().empty() && document.content_sha256() != sha256) {
      v.Add("document.content_sha256", "differs from the SHA-256 of the file", "材料的 SHA-256 与上传的文件不符");
    }
    document.set_content_sha256(sha256);
    document.set_storage_ref(absl::StrCat("saima:sha256:", sha256));
    document.set_file_name(request.file().file_name());
    document.set_media_type(request.file().content_type());
    document.set_size_bytes(static_cast<int64_t>(request.file().content().size()));
  } else {
    // Output only: said by the stored file, never by the caller.
    document.clear_file_name();
    document.clear_media_type();
    document.clear_size_bytes();
    if (absl::StartsWith(document.storage_ref(), "saima:")) {
      v.Add("document.storage_ref", "saima: references are made by the registry for uploaded files",
            "存储位置不能以 saima: 开头(系统保存的文件由系统填写)");
    }
  }
  CheckDocument(document, "document", v);
  if (!v.ok()) return v.ToStatus();
  if (auto p = ProjectForWrite(caller, document.project_id(), deadline); !p.ok()) return p.status();
  auto stored = store_.AddDocument(document, request.has_file() ? &request.file().content() : nullptr,
                                   {caller.user_id, request.request_id()}, deadline);
  if (!stored.ok()) return stored.status();
  pb::AddDocumentResponse response;
  *response.mutable_document() = *std::move(stored);
  return response;
}

absl::StatusOr<pb::ListDocumentsResponse> Registry::ListDocuments(const Caller& caller,
                                                                  const pb::ListDocumentsRequest& request,
                                                                  absl::Time deadline) {
  if (request.project_id() <= 0) return InvalidField("project_id", "must be a positive id", "项目编号应为正整数");
  if (absl::Status s = CheckMayReadProject(caller, request.project_id(), deadline); !s.ok()) return s;
  auto items = store_.ListDocuments(request.project_id(), deadline);
  if (!items.ok()) return items.status();
  pb::ListDocumentsResponse response;
  for (auto& d : *items) *response.add_documents() = std::move(d);
  return response;
}

absl::StatusOr<pb::GetDocumentFileResponse> Registry::GetDocumentFile(const Caller& caller,
                                                                      const pb::GetDocumentFileRequest& request,
                                                                      absl::Time deadline) {
  if (request.document_id() <= 0) return InvalidField("document_id", "must be a positive id", "材料编号应为正整数");
  auto found = store_.GetDocumentFile(request.document_id(), deadline);
  if (!found.ok()) return found.status();
  if (absl::Status s = CheckMayReadProject(caller, found->first.project_id(), deadline); !s.ok()) return s;
  pb::GetDocumentFileResponse response;
  response.mutable_file()->set_file_name(found->first.file_name());
  response.mutable_file()->set_content_type(found->first.media_type());
  response.mutable_file()->set_content(std::move(found->second));
  return response;
}

absl::StatusOr<pb::CreateRukuApplicationResponse> Registry::CreateRukuApplication(
    const Caller& caller, const pb::CreateRukuApplicationRequest& request, absl::Time deadline) {
  Violations v;
  if (request.application().project_id() <= 0) v.Add("application.project_id", "is required", "申请入库的项目必填");
  if (request.application().reviewing_department_id().empty()) {
    v.Add("application.reviewing_department_id", "is required: the 主管部门 that reviews the application",
          "须指定审核申请的主管部门");
  }
  if (!IsValidAmount(request.application().approved_total_investment_yuan())) {
    v.Add("application.approved_total_investment_yuan", "must be between 0 and 10^14 元",
          "批复总投资应在 0 至 100 万亿元之间");
  }
  if (!v.ok()) return v.ToStatus();
  auto project = store_.GetProject(request.application().project_id(), deadline);
  if (!project.ok()) return project.status();
  if (absl::Status s = Authorize(caller, Action::ACTION_SUBMIT_RUKU, Target{project->unit_id(), "", ""}); !s.ok())
    return s;
  auto stored = store_.CreateRukuApplication(request.application(), {caller.user_id, request.request_id()}, deadline);
  if (!stored.ok()) return stored.status();
  if (absl::Status s = NoteMissingMaterials(*project, &*stored, deadline); !s.ok()) return s;
  pb::CreateRukuApplicationResponse response;
  *response.mutable_application() = *std::move(stored);
  return response;
}

absl::Status Registry::NoteMissingMaterials(const pb::Project& project, pb::RukuApplication* app, absl::Time deadline) {
  if (app->state() != pb::RUKU_STATE_DRAFT && app->state() != pb::RUKU_STATE_RETURNED) return absl::OkStatus();
  auto documents = store_.ListDocuments(app->project_id(), deadline);
  if (!documents.ok()) return documents.status();
  RukuFacts facts;
  facts.documents = *std::move(documents);
  for (std::string& missing : MissingMaterials(project, facts)) app->add_missing_materials(std::move(missing));
  return absl::OkStatus();
}

absl::StatusOr<pb::GetRukuApplicationResponse> Registry::GetRukuApplication(
    const Caller& caller, const pb::GetRukuApplicationRequest& request, absl::Time deadline) {
  if (request.application_id() <= 0) {
    return InvalidField("application_id", "must be a positive id", "入库申请编号应为正整数");
  }
  if (absl::Status allowed = Authorize(caller, Action::ACTION_READ_RUKU); !allowed.ok()) return allowed;
  auto app = store_.GetRukuApplication(request.application_id(), deadline);
  if (!app.ok()) return app.status();
  if (absl::Status s =
          Authorize(caller, Action::ACTION_READ_RUKU, Target{app->unit_id(), app->reviewing_department_id(), ""});
      !s.ok()) {
    return s;
  }
  auto project = store_.GetProject(app->project_id(), deadline);
  if (!project.ok()) return project.status();
  if (absl::Status s = NoteMissingMaterials(*project, &*app, deadline); !s.ok()) return s;
  pb::GetRukuApplicationResponse response;
  *response.mutable_application() = *std::move(app);
  return response;
}

absl::StatusOr<pb::ListRukuApplicationsResponse> Registry::ListRukuApplications(
    const Caller& caller, const pb::ListRukuApplicationsRequest& given, absl::Time deadline) {
  pb::ListRukuApplicationsRequest request = given;
  if (absl::Status s = NarrowToScope(caller, Action::ACTION_READ_RUKU, request.mutable_unit_id(),
                                     request.mutable_reviewing_department_id());
      !s.ok()) {
    return s;
  }
  auto apps = store_.ListRukuApplications(request, deadline);
  if (!apps.ok()) return apps.status();
  pb::ListRukuApplicationsResponse response;
  for (auto& a : *apps) *response.add_applications() = std::move(a);
  return response;
}

absl::StatusOr<pb::TransitionRukuApplicationResponse> Registry::TransitionRukuApplication(
    const Caller& caller, const pb::TransitionRukuApplicationRequest& request, absl::Time deadline) {
  Violations v;
  if (request.application_id() <= 0) v.Add("application_id", "must be a positive id", "入库申请编号应为正整数");
  if (!pb::RukuState_IsValid(request.to_state()) || request.to_state() == pb::RUKU_STATE_UNSPECIFIED ||
      request.to_state() == pb::RUKU_STATE_DRAFT) {
    v.Add("to_state", "must be a state an application moves to", "目标状态无效");
  }
  const std::string today = absl::FormatCivilTime(absl::ToCivilDay(absl::Now(), absl::LocalTimeZone()));
  if (request.to_state() == pb::RUKU_STATE_APPROVED && request.effective_date().empty()) {
    // The date decides from which month the project's figures count (先入库,后有数): never guessed.
    v.Add("effective_date", "is required for APPROVED: the date the project entered the database",
          "入库日期必填(决定项目从哪个月起计入统计)");
  }
  if (!request.effective_date().empty()) {
    if (!IsDate(request.effective_date())) {
      v.Add("effective_date", "must be a date written YYYY-MM-DD", "入库日期应写作 YYYY-MM-DD");
    } else if (request.effective_date() > today) {
      v.Add("effective_date", "must not be in the future", "入库日期不能晚于今天");
    } else if (request.to_state() != pb::RUKU_STATE_APPROVED) {
      v.Add("effective_date", "applies only to APPROVED", "只有“已入库”可以指定入库日期");
    }
  }
  if (!v.ok()) return v.ToStatus();
  auto app = store_.GetRukuApplication(request.application_id(), deadline);
  if (!app.ok()) return app.status();
  // A retried request whose answer was lost (a failure after the commit) is answered with the application as it
  // is now, before any rule of the step: the step is taken, so those rules (the state it starts from above all)
  // no longer hold. Only the same caller's request for the same step of the same application is a retry.
  if (!request.request_id().empty()) {
    auto recorded = store_.StepOfRequest(request.request_id(), deadline);
    if (!recorded.ok()) return recorded.status();
    if (recorded->has_value()) {
      if ((*recorded)->application_id != app->application_id() || (*recorded)->actor != caller.user_id ||
          (*recorded)->to != request.to_state()) {
        return RequestIdUsedForAnotherRequest();
      }
      pb::TransitionRukuApplicationResponse response;
      *response.mutable_application() = *std::move(app);
      return response;
    }
  }
  if (request.expected_state() != pb::RUKU_STATE_UNSPECIFIED && request.expected_state() != app->state()) {
    return Error(absl::StatusCode::kAborted,
                 absl::StrCat("the application is ", pb::RukuState_Name(app->state()), ", not ",
                              pb::RukuState_Name(request.expected_state())),
                 absl::StrCat("入库申请当前为“", DisplayNameOf(app->state()), "”，已不是“",
                              DisplayNameOf(request.expected_state()), "”，请刷新"));
  }
  auto project = store_.GetProject(app->project_id(), deadline);
  if (!project.ok()) return project.status();
  if (request.to_state() == pb::RUKU_STATE_APPROVED) {
    CheckRukuDate(project->actual_start_date(), request.effective_date(), "effective_date", v);
    if (!v.ok()) return v.ToStatus();
  }
  auto documents = store_.ListDocuments(app->project_id(), deadline);
  if (!documents.ok()) return documents.status();
  RukuFacts facts;
  facts.documents = *std::move(documents);
  if (absl::Status s = CheckRukuTransition(caller, *project, *app, request.to_state(), request.reason(), facts);
      !s.ok()) {
    return s;
  }
  RegistryStore::RukuStep step{app->application_id(),
                               app->state(),
                               request.to_state(),
                               request.reason(),
                               caller.role,
                               request.effective_date().empty() ? today : request.effective_date(),
                               {}};
  if (request.to_state() == pb::RUKU_STATE_SUBMITTED) {
    auto unit = store_.GetUnit(project->unit_id(), deadline);
    if (!unit.ok()) return unit.status();
    step.consistency_flags = ConsistencyFlags(*project, *unit, *app);
  }
  auto stored = store_.TransitionRukuApplication(step, {caller.user_id, request.request_id()}, deadline);
  if (!stored.ok()) return stored.status();
  pb::TransitionRukuApplicationResponse response;
  *response.mutable_application() = *std::move(stored);
  return response;
}

absl::StatusOr<pb::ListMissingRukuResponse> Registry::ListMissingRuku(const Caller& caller,
                                                                      const pb::ListMissingRukuRequest& given,
                                                                      absl::Time deadline) {
  pb::ListMissingRukuRequest request = given;
  std::string department;
  if (absl::Status s = NarrowToScope(caller, Action::ACTION_READ_RUKU, request.mutable_unit_id(), &department);
      !s.ok()) {
    return s;
  }
  // A department sees the projects whose 入库 applications it reviews.
  std::set<int64_t> reviewed;
  if (!department.empty()) {
    pb::ListRukuApplicationsRequest filter;
    filter.set_reviewing_department_id(department);
    auto apps = store_.ListRukuApplications(filter, deadline);
    if (!apps.ok()) return apps.status();
    for (const auto& app : *apps) reviewed.insert(app.project_id());
  }
  std::string as_of = request.as_of_date();
  if (as_of.empty()) {
    as_of = absl::FormatCivilTime(absl::ToCivilDay(absl::Now(), absl::LocalTimeZone()));
  } else if (!IsDate(as_of)) {
    return InvalidField("as_of_date", "must be a date written YYYY-MM-DD", "截止日期应写作 YYYY-MM-DD");
  }
  auto projects = store_.ListStartedNotRuku(request.unit_id(), deadline);
  if (!projects.ok()) return projects.status();
  pb::ListMissingRukuResponse response;
  response.set_as_of_date(as_of);
  for (auto& p : *projects) {
    // 应统尽统 covers projects of 500万元 or more whose start is proven and not after the as-of date.
    if (p.planned_total_investment_yuan() < kRukuMinimumYuan || p.actual_start_date().empty() ||
        p.actual_start_date() > as_of) {
      continue;
    }
    if (!department.empty() && reviewed.count(p.project_id()) == 0) continue;
    pb::MissingRukuEntry entry;
    int months = 0;
    entry.set_light(MissingLight(p.actual_start_date(), as_of, &months));
    entry.set_months_since_start(months);
    if (entry.light() == pb::MISSING_RUKU_LIGHT_YELLOW) (*response.mutable_yellow_by_unit())[p.unit_id()] += 1;
    if (entry.light() == pb::MISSING_RUKU_LIGHT_RED) (*response.mutable_red_by_unit())[p.unit_id()] += 1;
    *entry.mutable_project() = std::move(p);
    *response.add_entries() = std::move(entry);
  }
  std::stable_sort(response.mutable_entries()->begin(), response.mutable_entries()->end(),
                   [](const pb::MissingRukuEntry& a, const pb::MissingRukuEntry& b) {
                     if (a.light() != b.light()) return a.light() > b.light();
                     return a.project().unit_id() < b.project().unit_id();
                   });
  return response;
}

absl::Status Registry::WatchProjectChanges(const Caller&, const pb::WatchProjectChangesRequest& request,
                                           const std::function<bool(const pb::ProjectChange&)>& send,
                                           const std::function<bool()>& cancelled) {
  if (request.from_revision() < 0) return InvalidField("from_revision", "must not be negative", "起始版本不能为负数");
  int64_t last = request.from_revision();
  while (!cancelled()) {
    auto changes = store_.ListChangesAfter(last, 500, absl::Now() + absl::Seconds(10));
    if (!changes.ok()) return changes.status();
    for (const auto& change : *changes) {
      if (!send(change)) return absl::OkStatus();  // The client went away.
      last = change.revision();
    }
    if (changes->empty()) store_.WaitForChangeAfter(last, absl::Seconds(1));
  }
  return absl::OkStatus();
}

}  // namespace saima::registry
