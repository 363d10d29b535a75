#include "gateway/gateway.h"

#include <random>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/caller.h"
#include "common/status.h"
#include "gateway/contest_export.h"
#include "gateway/dispatch_export.h"
#include "gateway/provincial_package.h"
#include "gateway/spreadsheet.h"
#include "saima/gateway/v1/gateway.grpc.pb.h"

namespace saima::gateway {
namespace {

namespace reg = ::saima::registry::v1;
namespace st = ::saima::stats::v1;
namespace sc = ::saima::scoring::v1;

constexpr char kXlsx[] = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

// One workbook as a downloadable file.
absl::StatusOr<saima::api::v1::File> Workbook(const std::vector<Table>& tables, const std::string& file_name) {
  auto xlsx = ToXlsx(tables);
  if (!xlsx.ok()) return xlsx.status();
  saima::api::v1::File file;
  file.set_file_name(file_name);
  file.set_content_type(kXlsx);
  file.set_content(*std::move(xlsx));
  return file;
}

}  // namespace

std::string NewRequestId() {
  thread_local std::mt19937_64 engine{std::random_device{}()};
  static constexpr char kHex[] = "0123456789abcdef";
  uint64_t value = engine();
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i, value >>= 4) out[i] = kHex[value & 15];
  return out;
}

Gateway::Gateway(const Backends& backends, ReportSettings settings) : settings_(std::move(settings)) {
  registry_ = reg::RegistryService::NewStub(backends.channel("registry"));
  dispatch_ = reg::DispatchService::NewStub(backends.channel("registry"));
  stats_ = st::StatsService::NewStub(backends.channel("stats"));
  scoring_ = sc::ScoringService::NewStub(backends.channel("scoring"));
  for (const char* name : {"registry", "stats", "scoring"}) {
    audit_[name] = saima::audit::v1::AuditService::NewStub(backends.channel(name));
  }
}

void Gateway::RegisterMethods(LocalMethods& methods) {
  const std::string gw_service = absl::StrCat("/", gw::GatewayService::service_full_name(), "/");
  methods.Add(gw_service + "WhoAmI", this, &Gateway::WhoAmI);
  methods.Add(gw_service + "GetProvincialPackage", this, &Gateway::GetProvincialPackage);
  methods.Add(gw_service + "GetProjectOc4ids", this, &Gateway::GetProjectOc4ids);
  methods.Add(gw_service + "GetOc4idsPackage", this, &Gateway::GetOc4idsPackage);
  methods.Add(gw_service + "ExportContestResults", this, &Gateway::ExportContestResults);
  methods.Add(gw_service + "GetDispatchAgenda", this, &Gateway::GetDispatchAgenda);
  methods.Add(gw_service + "ExportDispatchAgenda", this, &Gateway::ExportDispatchAgenda);
  methods.Add(gw_service + "ExportVerificationFlags", this, &Gateway::ExportVerificationFlags);
  methods.Add(gw_service + "ImportMonthlyReportsFile", this, &Gateway::ImportMonthlyReportsFile);
  methods.Add(gw_service + "GetQuarterlyAnalysis", this, &Gateway::GetQuarterlyAnalysis);
  methods.Add(gw_service + "ExportQuarterlyAnalysis", this, &Gateway::ExportQuarterlyAnalysis);
  methods.Add(gw_service + "GetAnnualSummary", this, &Gateway::GetAnnualSummary);
  methods.Add(gw_service + "ExportAnnualSummary", this, &Gateway::ExportAnnualSummary);
  const std::string audit_service = absl::StrCat("/", saima::audit::v1::AuditService::service_full_name(), "/");
  methods.Add(audit_service + "VerifyAudit", this, &Gateway::VerifyAudit);
  methods.Add(audit_service + "ListAuditEntries", this, &Gateway::ListAuditEntries);
}

std::unique_ptr<grpc::ClientContext> Gateway::Downstream(const CallInfo& call,
                                                         std::chrono::milliseconds timeout) const {
  auto context = std::make_unique<grpc::ClientContext>();
  const absl::Time cap = absl::Now() + absl::FromChrono(timeout);
  context->set_deadline(absl::ToChronoTime(std::min(cap, call.deadline)));
  AttachCaller(call.identity.caller, call.request_id, *context);
  return context;
}

absl::StatusOr<std::vector<reg::Project>> Gateway::ReadableProjects(const CallInfo& call) {
  std::vector<reg::Project> out;
  reg::ListProjectsRequest list;
  list.set_page_size(1000);
  do {
    auto page = Ask(call, &reg::RegistryService::Stub::ListProjects, list);
    if (!page.ok()) return page.status();
    for (auto& p : *page->mutable_projects()) out.push_back(std::move(p));
    list.set_page_token(page->next_page_token());
  } while (!list.page_token().empty());
  return out;
}

absl::StatusOr<std::map<std::string, std::string>> Gateway::UnitNames(const CallInfo& call) {
  auto units = Ask(call, &reg::RegistryService::Stub::ListUnits, reg::ListUnitsRequest());
  if (!units.ok()) return units.status();
  std::map<std::string, std::string> out;
  for (const auto& u : units->units()) out[u.unit_id()] = u.name();
  return out;
}

absl::StatusOr<gw::WhoAmIResponse> Gateway::WhoAmI(const CallInfo& call, const gw::WhoAmIRequest&) {
  gw::WhoAmIResponse response;
  auto* caller = response.mutable_caller();
  caller->set_user_id(call.identity.caller.user_id);
  caller->set_display_name(call.identity.display_name);
  caller->set_role(call.identity.caller.role);
  caller->set_unit_id(call.identity.caller.unit_id);
  for (const std::string& scope : call.identity.caller.scopes) caller->add_scopes(scope);
  if (!call.identity.caller.unit_id.empty()) {
    reg::GetUnitRequest get;
    get.set_unit_id(call.identity.caller.unit_id);
    auto unit = Ask(call, &reg::RegistryService::Stub::GetUnit, get);
    if (unit.ok()) caller->set_unit_name(unit->unit().name());
  }
  return response;
}

absl::StatusOr<gw::GetProvincialPackageResponse> Gateway::GetProvincialPackage(
    const CallInfo& call, const gw::GetProvincialPackageRequest& request) {
  st::GetProvincialPackageRequest down;
  down.set_period(request.period());
  down.set_version(request.version());
  down.set_region(request.region());
  auto snapshot = Ask(call, &st::StatsService::Stub::GetProvincialPackage, down, std::chrono::seconds(60));
  if (!snapshot.ok()) return snapshot.status();
  return BuildProvincialPackage(*snapshot, request.format(), settings_.reporting_unit);
}

absl::Status Gateway::GatherOc4ids(const CallInfo& call, oc4ids::ProjectData* data) {
  const int64_t id = data->project.project_id();
  reg::ListDocumentsRequest documents_request;
  documents_request.set_project_id(id);
  auto documents = Ask(call, &reg::RegistryService::Stub::ListDocuments, documents_request);
  if (!documents.ok()) return documents.status();
  data->documents.assign(documents->documents().begin(), documents->documents().end());
  st::ListProjectFiguresRequest figures_request;
  figures_request.set_project_id(id);
  auto figures = Ask(call, &st::StatsService::Stub::ListProjectFigures, figures_request);
  if (!figures.ok()) return figures.status();
  data->figures.assign(figures->reports().begin(), figures->reports().end());
  return absl::OkStatus();
}

namespace {
std::string TodayInChina() { return absl::FormatTime("%Y-%m-%d", absl::Now(), absl::FixedTimeZone(8 * 3600)); }
}  // namespace

absl::StatusOr<gw::GetProjectOc4idsResponse> Gateway::GetProjectOc4ids(const CallInfo& call,
                                                                       const gw::GetProjectOc4idsRequest& request) {
  if (request.project_id() <= 0) return InvalidField("project_id", "must be a positive id", "项目编号应为正整数");
  oc4ids::ProjectData data;
  reg::GetProjectRequest get;
  get.set_project_id(request.project_id());
  auto project = Ask(call, &reg::RegistryService::Stub::GetProject, get);
  if (!project.ok()) return project.status();
  data.project = project->project();
  reg::GetUnitRequest unit_request;
  unit_request.set_unit_id(data.project.unit_id());
  if (auto unit = Ask(call, &reg::RegistryService::Stub::GetUnit, unit_request); unit.ok()) data.unit = unit->unit();
  reg::ListMilestonesRequest milestones_request;
  milestones_request.set_project_id(request.project_id());
  auto milestones = Ask(call, &reg::RegistryService::Stub::ListMilestones, milestones_request);
  if (!milestones.ok()) return milestones.status();
  data.milestones.assign(milestones->milestones().begin(), milestones->milestones().end());
  if (auto gathered = GatherOc4ids(call, &data); !gathered.ok()) return gathered;
  gw::GetProjectOc4idsResponse response;
  response.mutable_file()->set_content_type("application/json; charset=utf-8");
  response.mutable_file()->set_content(oc4ids::ToProjectJson(data, settings_.oc4ids_prefix, TodayInChina()));
  return response;
}

absl::StatusOr<gw::GetOc4idsPackageResponse> Gateway::GetOc4idsPackage(const CallInfo& call,
                                                                       const gw::GetOc4idsPackageRequest&) {
  std::vector<oc4ids::ProjectData> projects;
  auto readable = ReadableProjects(call);
  if (!readable.ok()) return readable.status();
  for (auto& p : *readable) {
    if (oc4ids::IsPublished(p)) projects.push_back(oc4ids::ProjectData{std::move(p), std::nullopt, {}, {}, {}});
  }
  auto units = Ask(call, &reg::RegistryService::Stub::ListUnits, reg::ListUnitsRequest());
  if (!units.ok()) return units.status();
  std::map<std::string, const reg::Unit*> unit_of;
  for (const auto& u : units->units()) unit_of[u.unit_id()] = &u;
  std::map<int64_t, oc4ids::ProjectData*> by_id;
  reg::ListMilestonesRequest milestones_request;
  for (auto& data : projects) {
    by_id[data.project.project_id()] = &data;
    milestones_request.add_project_ids(data.project.project_id());
    if (auto it = unit_of.find(data.project.unit_id()); it != unit_of.end()) data.unit = *it->second;
  }
  if (!projects.empty()) {
    auto milestones = Ask(call, &reg::RegistryService::Stub::ListMilestones, milestones_request);
    if (!milestones.ok()) return milestones.status();
    for (const auto& m : milestones->milestones()) {
      if (auto it = by_id.find(m.project_id()); it != by_id.end()) it->second->milestones.push_back(m);
    }
  }
  for (auto& data : projects) {
    if (auto gathered = GatherOc4ids(call, &data); !gathered.ok()) return gathered;
  }
  oc4ids::PackageInfo info;
  info.uri = absl::StrCat(settings_.public_url, "/v1/oc4ids/project-package");
  info.publisher = settings_.oc4ids_publisher;
  info.license = settings_.oc4ids_license;
  info.publication_policy = absl::StrCat(settings_.public_url, "/oc4ids-publication-policy.md");
  gw::GetOc4idsPackageResponse response;
  response.mutable_file()->set_file_name("oc4ids-project-package.json");
  response.mutable_file()->set_content_type("application/json; charset=utf-8");
  response.mutable_file()->set_content(oc4ids::ToPackageJson(projects, info, settings_.oc4ids_prefix, TodayInChina()));
  return response;
}

absl::StatusOr<gw::ExportContestResultsResponse> Gateway::ExportContestResults(
    const CallInfo& call, const gw::ExportContestResultsRequest& request) {
  const std::string format = request.format().empty() ? "xlsx" : request.format();
  if (format != "csv" && format != "xlsx") {
    return InvalidField("format", "must be csv or xlsx", "导出格式应为 csv 或 xlsx");
  }
  sc::GetResultsRequest get;
  get.set_campaign_id(request.campaign_id());
  auto results = Ask(call, &sc::ScoringService::Stub::GetResults, get);
  if (!results.ok()) return results.status();
  const Table table = ResultsTable(results->campaign(), results->results());
  const std::string name =
      absl::StrCat("赛马结果-", results->campaign().year(), "-", request.campaign_id(), ".", format);
  gw::ExportContestResultsResponse response;
  if (format == "csv") {
    response.mutable_file()->set_file_name(name);
    response.mutable_file()->set_content_type("text/csv; charset=utf-8");
    response.mutable_file()->set_content("\xEF\xBB\xBF" + ToCsv(table));
    return response;
  }
  auto file = Workbook({table}, name);
  if (!file.ok()) return file.status();
  *response.mutable_file() = *std::move(file);
  return response;
}

absl::StatusOr<gw::ExportDispatchAgendaResponse> Gateway::ExportDispatchAgenda(
    const CallInfo& call, const gw::ExportDispatchAgendaRequest& request) {
  gw::GetDispatchAgendaRequest get;
  get.set_period(request.period());
  get.set_warning_months(request.warning_months());
  auto agenda = GetDispatchAgenda(call, get);
  if (!agenda.ok()) return agenda.status();
  auto file = Workbook(AgendaTables(*agenda), absl::StrCat("月调度议程-", request.period(), ".xlsx"));
  if (!file.ok()) return file.status();
  gw::ExportDispatchAgendaResponse response;
  *response.mutable_file() = *std::move(file);
  return response;
}

absl::StatusOr<gw::ExportVerificationFlagsResponse> Gateway::ExportVerificationFlags(
    const CallInfo& call, const gw::ExportVerificationFlagsRequest& request) {
  st::ListVerificationFlagsRequest list;
  list.set_period(request.period());
  list.set_unit_id(request.unit_id());
  list.set_rule(request.rule());
  auto flags = Ask(call, &st::StatsService::Stub::ListVerificationFlags, list);
  if (!flags.ok()) return flags.status();
  auto names = UnitNames(call);
  if (!names.ok()) return names.status();
  auto file = Workbook({FlagsTable(*flags, *names)}, absl::StrCat("核实性审核-", request.period(), ".xlsx"));
  if (!file.ok()) return file.status();
  gw::ExportVerificationFlagsResponse response;
  *response.mutable_file() = *std::move(file);
  return response;
}

absl::StatusOr<gw::ExportQuarterlyAnalysisResponse> Gateway::ExportQuarterlyAnalysis(
    const CallInfo& call, const gw::ExportQuarterlyAnalysisRequest& request) {
  gw::GetQuarterlyAnalysisRequest get;
  get.set_year(request.year());
  get.set_quarter(request.quarter());
  auto analysis = GetQuarterlyAnalysis(call, get);
  if (!analysis.ok()) return analysis.status();
  auto file = Workbook(QuarterlyTables(*analysis),
                       absl::StrCat("季度分析-", request.year(), "年第", request.quarter(), "季度.xlsx"));
  if (!file.ok()) return file.status();
  gw::ExportQuarterlyAnalysisResponse response;
  *response.mutable_file() = *std::move(file);
  return response;
}

absl::StatusOr<gw::ExportAnnualSummaryResponse> Gateway::ExportAnnualSummary(
    const CallInfo& call, const gw::ExportAnnualSummaryRequest& request) {
  gw::GetAnnualSummaryRequest get;
  get.set_year(request.year());
  get.set_period(request.period());
  auto summary = GetAnnualSummary(call, get);
  if (!summary.ok()) return summary.status();
  auto file = Workbook(AnnualTables(*summary), absl::StrCat("年度总结-", request.year(), ".xlsx"));
  if (!file.ok()) return file.status();
  gw::ExportAnnualSummaryResponse response;
  *response.mutable_file() = *std::move(file);
  return response;
}

absl::StatusOr<st::GetIndicatorsResponse> Gateway::CityIndicators(const CallInfo& call, const std::string& period) {
  st::GetIndicatorsRequest request;
  request.set_period(period);
  return Ask(call, &st::StatsService::Stub::GetIndicators, request);
}

}  // namespace saima::gateway
