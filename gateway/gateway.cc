#include "gateway/gateway.h"

#include <random>

#include "absl/strings/str_cat.h"
#include "common/client.h"
#include "common/status.h"
#include "gateway/backend_call.h"
#include "gateway/provincial_package.h"

namespace saima::gateway {
namespace {

namespace reg = ::saima::registry::v1;

constexpr std::chrono::milliseconds kDownstreamTimeout{10000};

}  // namespace

std::string NewRequestId() {
  thread_local std::mt19937_64 engine{std::random_device{}()};
  static constexpr char kHex[] = "0123456789abcdef";
  uint64_t value = engine();
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i, value >>= 4) out[i] = kHex[value & 15];
  return out;
}

Gateway::Gateway(const Backends& backends, const ReportSettings& settings)
    : start_rate_milestones_(settings.start_rate_milestones),
      growth_target_milli_percent_(settings.growth_target_milli_percent) {
  registry_channel_ = MakeChannel(backends.registry);
  const auto& registry_channel = registry_channel_;
  registry_ = reg::RegistryService::NewStub(registry_channel);
  dispatch_ = reg::DispatchService::NewStub(registry_channel);
  health_["registry"] = grpc::health::v1::Health::NewStub(registry_channel);
  audit_["registry"] = saima::audit::v1::AuditService::NewStub(registry_channel);
  auto stats_channel = MakeChannel(backends.stats);
  stats_ = saima::stats::v1::StatsService::NewStub(stats_channel);
  health_["stats"] = grpc::health::v1::Health::NewStub(stats_channel);
  audit_["stats"] = saima::audit::v1::AuditService::NewStub(stats_channel);
  auto scoring_channel = MakeChannel(backends.scoring);
  scoring_ = saima::scoring::v1::ScoringService::NewStub(scoring_channel);
  health_["scoring"] = grpc::health::v1::Health::NewStub(scoring_channel);
  audit_["scoring"] = saima::audit::v1::AuditService::NewStub(scoring_channel);
}

std::unique_ptr<grpc::ClientContext> Gateway::Downstream(const CallInfo& call) const {
  return DownstreamContext(call.incoming, call.identity.caller, call.request_id, kDownstreamTimeout);
}

absl::StatusOr<gw::WhoAmIResponse> Gateway::WhoAmI(const CallInfo& call, const gw::WhoAmIRequest&) {
  gw::WhoAmIResponse response;
  auto* caller = response.mutable_caller();
  caller->set_user_id(call.identity.caller.user_id);
  caller->set_display_name(call.identity.display_name);
  caller->set_role(call.identity.caller.role);
  caller->set_unit_id(call.identity.caller.unit_id);
  return response;
}

#define SAIMA_MIRROR(Method, backend, stub, Stub)                                                                  \
  absl::StatusOr<gw::Method##Response> Gateway::Method(const CallInfo& call, const gw::Method##Request& request) { \
    auto context = Downstream(call);                                                                               \
    return Mirror<gw::Method##Response>(backend, stub.get(), &Stub::Method, *context, request);                    \
  }
SAIMA_MIRROR(ListUnits, "registry", registry_, reg::RegistryService::Stub)
SAIMA_MIRROR(CreateUnit, "registry", registry_, reg::RegistryService::Stub)
SAIMA_MIRROR(ListProjects, "registry", registry_, reg::RegistryService::Stub)
SAIMA_MIRROR(GetProject, "registry", registry_, reg::RegistryService::Stub)
SAIMA_MIRROR(CreateProject, "registry", registry_, reg::RegistryService::Stub)
SAIMA_MIRROR(UpdateProject, "registry", registry_, reg::RegistryService::Stub)
SAIMA_MIRROR(SummarizeProjects, "registry", registry_, reg::RegistryService::Stub)
SAIMA_MIRROR(ListProjectHistory, "registry", registry_, reg::RegistryService::Stub)
SAIMA_MIRROR(GetIndicators, "stats", stats_, saima::stats::v1::StatsService::Stub)
SAIMA_MIRROR(GetCityReport, "stats", stats_, saima::stats::v1::StatsService::Stub)
SAIMA_MIRROR(ListProjectStatuses, "stats", stats_, saima::stats::v1::StatsService::Stub)
SAIMA_MIRROR(RankUnits, "stats", stats_, saima::stats::v1::StatsService::Stub)
SAIMA_MIRROR(SetAnnualPlan, "stats", stats_, saima::stats::v1::StatsService::Stub)
SAIMA_MIRROR(SubmitMonthlyReport, "stats", stats_, saima::stats::v1::StatsService::Stub)
SAIMA_MIRROR(VerifyMonthlyReport, "stats", stats_, saima::stats::v1::StatsService::Stub)
SAIMA_MIRROR(CorrectMonthlyReport, "stats", stats_, saima::stats::v1::StatsService::Stub)
SAIMA_MIRROR(GetMonthlyReport, "stats", stats_, saima::stats::v1::StatsService::Stub)
SAIMA_MIRROR(ListMonthlyReportVersions, "stats", stats_, saima::stats::v1::StatsService::Stub)
SAIMA_MIRROR(ListProjectFigures, "stats", stats_, saima::stats::v1::StatsService::Stub)
SAIMA_MIRROR(LockPeriod, "stats", stats_, saima::stats::v1::StatsService::Stub)
SAIMA_MIRROR(SetPeerFigures, "stats", stats_, saima::stats::v1::StatsService::Stub)
SAIMA_MIRROR(AddMilestone, "registry", registry_, reg::RegistryService::Stub)
SAIMA_MIRROR(UpdateMilestone, "registry", registry_, reg::RegistryService::Stub)
SAIMA_MIRROR(ListMilestones, "registry", registry_, reg::RegistryService::Stub)
SAIMA_MIRROR(AddDocument, "registry", registry_, reg::RegistryService::Stub)
SAIMA_MIRROR(ListDocuments, "registry", registry_, reg::RegistryService::Stub)
SAIMA_MIRROR(ListMissingRuku, "registry", registry_, reg::RegistryService::Stub)
SAIMA_MIRROR(CreateRukuApplication, "registry", registry_, reg::RegistryService::Stub)
SAIMA_MIRROR(GetRukuApplication, "registry", registry_, reg::RegistryService::Stub)
SAIMA_MIRROR(ListRukuApplications, "registry", registry_, reg::RegistryService::Stub)
SAIMA_MIRROR(TransitionRukuApplication, "registry", registry_, reg::RegistryService::Stub)
SAIMA_MIRROR(CreateCampaign, "scoring", scoring_, saima::scoring::v1::ScoringService::Stub)
SAIMA_MIRROR(GetCampaign, "scoring", scoring_, saima::scoring::v1::ScoringService::Stub)
SAIMA_MIRROR(ListCampaigns, "scoring", scoring_, saima::scoring::v1::ScoringService::Stub)
SAIMA_MIRROR(AddJudge, "scoring", scoring_, saima::scoring::v1::ScoringService::Stub)
SAIMA_MIRROR(NominateProject, "scoring", scoring_, saima::scoring::v1::ScoringService::Stub)
SAIMA_MIRROR(ReviewNomination, "scoring", scoring_, saima::scoring::v1::ScoringService::Stub)
SAIMA_MIRROR(ListNominations, "scoring", scoring_, saima::scoring::v1::ScoringService::Stub)
SAIMA_MIRROR(FinalizeSelection, "scoring", scoring_, saima::scoring::v1::ScoringService::Stub)
SAIMA_MIRROR(SaveScoreSheet, "scoring", scoring_, saima::scoring::v1::ScoringService::Stub)
SAIMA_MIRROR(SubmitScoreSheet, "scoring", scoring_, saima::scoring::v1::ScoringService::Stub)
SAIMA_MIRROR(ListScoreSheets, "scoring", scoring_, saima::scoring::v1::ScoringService::Stub)
SAIMA_MIRROR(ComputeResults, "scoring", scoring_, saima::scoring::v1::ScoringService::Stub)
SAIMA_MIRROR(PublishResults, "scoring", scoring_, saima::scoring::v1::ScoringService::Stub)
SAIMA_MIRROR(GetResults, "scoring", scoring_, saima::scoring::v1::ScoringService::Stub)
SAIMA_MIRROR(GetLookBack, "scoring", scoring_, saima::scoring::v1::ScoringService::Stub)
SAIMA_MIRROR(OpenProblem, "registry", dispatch_, reg::DispatchService::Stub)
SAIMA_MIRROR(UpdateProblem, "registry", dispatch_, reg::DispatchService::Stub)
SAIMA_MIRROR(ListProblems, "registry", dispatch_, reg::DispatchService::Stub)
SAIMA_MIRROR(IssueOrder, "registry", dispatch_, reg::DispatchService::Stub)
SAIMA_MIRROR(RespondToOrder, "registry", dispatch_, reg::DispatchService::Stub)
SAIMA_MIRROR(EscalateOrders, "registry", dispatch_, reg::DispatchService::Stub)
SAIMA_MIRROR(ListOrders, "registry", dispatch_, reg::DispatchService::Stub)
SAIMA_MIRROR(RecordDecision, "registry", dispatch_, reg::DispatchService::Stub)
SAIMA_MIRROR(ListDecisions, "registry", dispatch_, reg::DispatchService::Stub)
#undef SAIMA_MIRROR

absl::StatusOr<oc4ids::ProjectData> Gateway::ProjectDossier(const CallInfo& call, int64_t project_id) {
  oc4ids::ProjectData out;
  gw::GetProjectRequest get;
  get.set_project_id(project_id);
  auto project = GetProject(call, get);
  if (!project.ok()) return project.status();
  out.project = project->project();
  auto units = ListUnits(call, gw::ListUnitsRequest());
  if (!units.ok()) return units.status();
  for (const auto& unit : units->units()) {
    if (unit.unit_id() == out.project.unit_id()) out.unit = unit;
  }
  gw::ListMilestonesRequest milestones_request;
  milestones_request.set_project_id(project_id);
  auto milestones = ListMilestones(call, milestones_request);
  if (!milestones.ok()) return milestones.status();
  out.milestones.assign(milestones->milestones().begin(), milestones->milestones().end());
  gw::ListDocumentsRequest documents_request;
  documents_request.set_project_id(project_id);
  auto documents = ListDocuments(call, documents_request);
  if (!documents.ok()) return documents.status();
  out.documents.assign(documents->documents().begin(), documents->documents().end());
  gw::ListProjectFiguresRequest figures_request;
  figures_request.set_project_id(project_id);
  auto figures = ListProjectFigures(call, figures_request);
  if (!figures.ok()) return figures.status();
  out.figures.assign(figures->reports().begin(), figures->reports().end());
  return out;
}

absl::StatusOr<gw::GetProvincialPackageResponse> Gateway::GetProvincialPackage(
    const CallInfo& call, const gw::GetProvincialPackageRequest& request) {
  saima::stats::v1::GetProvincialPackageRequest down;
  down.set_period(request.period());
  auto context = Downstream(call);
  auto snapshot =
      CallBackend("stats", stats_.get(), &saima::stats::v1::StatsService::Stub::GetProvincialPackage, *context, down);
  if (!snapshot.ok()) return snapshot.status();
  auto units = ListUnits(call, gw::ListUnitsRequest());
  if (!units.ok()) return units.status();
  std::map<std::string, std::string> names;
  for (const auto& u : units->units()) names[u.unit_id()] = u.name();
  return BuildProvincialPackage(*snapshot, request.format(), names);
}

absl::StatusOr<gw::ImportMonthlyReportsResponse> Gateway::ImportMonthlyReports(
    const CallInfo& call, const std::function<bool(gw::ImportMonthlyReportsRequest*)>& next) {
  // An import outlives an ordinary call: up to ten minutes.
  auto context = DownstreamContext(call.incoming, call.identity.caller, call.request_id, std::chrono::minutes(10));
  saima::stats::v1::ImportMonthlyReportsResponse down_response;
  auto writer = stats_->ImportMonthlyReports(context.get(), &down_response);
  gw::ImportMonthlyReportsRequest message;
  saima::stats::v1::ImportMonthlyReportsRequest down;
  while (next(&message)) {
    down.ParseFromString(message.SerializeAsString());
    if (!writer->Write(down)) break;  // stats ended the call; Finish() says why
  }
  writer->WritesDone();
  grpc::Status status = writer->Finish();
  if (!status.ok()) {
    if (status.error_code() == grpc::StatusCode::UNAVAILABLE) {
      return absl::UnavailableError("stats is unavailable; retry shortly");
    }
    return FromGrpcStatus(status);
  }
  gw::ImportMonthlyReportsResponse response;
  response.ParseFromString(down_response.SerializeAsString());
  return response;
}

std::map<std::string, std::string> Gateway::BackendHealth() {
  std::map<std::string, std::string> out;
  for (auto& [name, stub] : health_) {
    auto context = CallContext(std::chrono::milliseconds(1000));
    grpc::health::v1::HealthCheckRequest request;
    grpc::health::v1::HealthCheckResponse response;
    grpc::Status status = stub->Check(context.get(), request, &response);
    out[name] =
        status.ok() ? grpc::health::v1::HealthCheckResponse::ServingStatus_Name(response.status()) : "UNAVAILABLE";
  }
  return out;
}

}  // namespace saima::gateway
