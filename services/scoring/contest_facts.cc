#include "services/scoring/contest_facts.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/names.h"
#include "common/status.h"
#include "services/stats/indicators.h"

namespace saima::scoring {
namespace {

const Caller& ServiceCaller() {
  static const Caller* caller = new Caller{"service:saima-scoring", kRoleSysadmin, ""};
  return *caller;
}

// One downstream call as `caller`, bounded by the incoming deadline; errors pass through with their details.
template <typename Stub, typename Request, typename Response>
absl::Status Call(Stub* stub, grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
                  const Request& request, Response* response, absl::Time d, const Caller& caller = ServiceCaller()) {
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(d));
  AttachCaller(caller, "", context);
  return FromGrpcStatus((stub->*method)(&context, request, response));
}

}  // namespace

GrpcContestFacts::GrpcContestFacts(std::shared_ptr<grpc::Channel> registry, std::shared_ptr<grpc::Channel> stats)
    : registry_(reg::RegistryService::NewStub(registry)), stats_(st::StatsService::NewStub(stats)) {}

absl::StatusOr<std::map<std::string, reg::Unit>> GrpcContestFacts::Units(absl::Time d) {
  reg::ListUnitsResponse response;
  if (auto s = Call(registry_.get(), &reg::RegistryService::Stub::ListUnits, reg::ListUnitsRequest(), &response, d);
      !s.ok()) {
    return s;
  }
  std::map<std::string, reg::Unit> out;
  for (const auto& unit : response.units()) out[unit.unit_id()] = unit;
  return out;
}

absl::StatusOr<reg::Project> GrpcContestFacts::Project(int64_t project_id, absl::Time d) {
  reg::GetProjectRequest request;
  request.set_project_id(project_id);
  reg::GetProjectResponse response;
  if (auto s = Call(registry_.get(), &reg::RegistryService::Stub::GetProject, request, &response, d); !s.ok()) {
    return s;
  }
  return response.project();
}

absl::StatusOr<std::vector<reg::Document>> GrpcContestFacts::Documents(int64_t project_id, absl::Time d) {
  reg::ListDocumentsRequest request;
  request.set_project_id(project_id);
  reg::ListDocumentsResponse response;
  if (auto s = Call(registry_.get(), &reg::RegistryService::Stub::ListDocuments, request, &response, d); !s.ok()) {
    return s;
  }
  return std::vector<reg::Document>(response.documents().begin(), response.documents().end());
}

absl::StatusOr<std::vector<reg::Project>> GrpcContestFacts::PlannedProjects(int year, absl::Time d) {
  std::vector<reg::Project> out;
  reg::ListProjectsRequest request;
  request.mutable_filter()->set_planning_year(year);
  request.set_page_size(1000);
  do {
    reg::ListProjectsResponse response;
    if (auto s = Call(registry_.get(), &reg::RegistryService::Stub::ListProjects, request, &response, d); !s.ok()) {
      return s;
    }
    out.insert(out.end(), response.projects().begin(), response.projects().end());
    request.set_page_token(response.next_page_token());
  } while (!request.page_token().empty());
  return out;
}

absl::StatusOr<std::map<std::string, std::pair<int64_t, int64_t>>> GrpcContestFacts::Completion(
    const std::string& period, absl::Time d) {
  st::RankUnitsRequest request;
  request.set_period(period);
  st::RankUnitsResponse response;
  if (auto s = Call(stats_.get(), &st::StatsService::Stub::RankUnits, request, &response, d); !s.ok()) return s;
  std::map<std::string, std::pair<int64_t, int64_t>> out;
  for (const auto& u : response.units()) {
    out[u.unit_id()] = {u.completion_rate().numerator(), u.completion_rate().denominator()};
  }
  return out;
}

absl::StatusOr<std::map<int64_t, st::MonthlyReport>> GrpcContestFacts::LatestFigures(
    const std::vector<int64_t>& project_ids, const std::string& period, absl::Time d) {
  std::map<int64_t, st::MonthlyReport> out;
  constexpr size_t kBatch = 5000;
  for (size_t i = 0; i < project_ids.size(); i += kBatch) {
    st::ListLatestFiguresRequest request;
    request.set_period(period);
    for (size_t j = i; j < std::min(project_ids.size(), i + kBatch); ++j) request.add_project_ids(project_ids[j]);
    st::ListLatestFiguresResponse response;
    if (auto s = Call(stats_.get(), &st::StatsService::Stub::ListLatestFigures, request, &response, d); !s.ok()) {
      return s;
    }
    for (const auto& r : response.reports()) out[r.project_id()] = r;
  }
  return out;
}

absl::StatusOr<std::map<int64_t, std::string>> GrpcContestFacts::Statuses(const std::string& period, absl::Time d) {
  std::map<int64_t, std::string> out;
  for (const char* tier : {"PROJECT_TIER_KEY", "PROJECT_TIER_MAJOR"}) {
    st::ListProjectStatusesRequest request;
    request.set_period(period);
    request.set_tier(tier);
    st::ListProjectStatusesResponse response;
    if (auto s = Call(stats_.get(), &st::StatsService::Stub::ListProjectStatuses, request, &response, d); !s.ok()) {
      return s;
    }
    for (const auto& status : response.statuses()) out[status.project_id()] = DisplayNameOf(status.status());
  }
  return out;
}

absl::Status GrpcContestFacts::MarkObservation(const Caller& caller, int64_t project_id, absl::Time d) {
  // Optimistic concurrency: read the revision, write against it, retry once if someone changed the project between.
  for (int attempt = 0; attempt < 3; ++attempt) {
    auto project = Project(project_id, d);
    if (!project.ok()) return project.status();
    const auto& tiers = project->tiers();
    if (std::find(tiers.begin(), tiers.end(), reg::PROJECT_TIER_OBSERVATION) != tiers.end()) return absl::OkStatus();
    reg::UpdateProjectRequest request;
    request.set_project_id(project_id);
    request.set_expected_revision(project->revision());
    *request.mutable_project()->mutable_tiers() = tiers;
    request.mutable_project()->add_tiers(reg::PROJECT_TIER_OBSERVATION);
    request.mutable_update_mask()->add_paths("tiers");
    reg::UpdateProjectResponse response;
    auto s = Call(registry_.get(), &reg::RegistryService::Stub::UpdateProject, request, &response, d, caller);
    if (!absl::IsAborted(s)) return s;
  }
  return Error(absl::StatusCode::kAborted,
               absl::StrCat("project ", project_id, " kept changing while its tier was being set"),
               "项目正被他人同时修改，请重试");
}

}  // namespace saima::scoring
