#ifndef SAIMA_GATEWAY_GATEWAY_H_
#define SAIMA_GATEWAY_GATEWAY_H_

// What the gateway does for a signed-in caller, independent of the protocol it came in on: the gRPC adapter
// (GatewayService) and the HTTP adapter (HttpApi) both call these methods.

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "gateway/auth.h"
#include "gateway/oc4ids.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "saima/audit/v1/audit.grpc.pb.h"
#include "saima/gateway/v1/gateway.pb.h"
#include "saima/registry/v1/dispatch.grpc.pb.h"
#include "saima/registry/v1/registry.grpc.pb.h"
#include "saima/scoring/v1/scoring.grpc.pb.h"
#include "saima/stats/v1/stats.grpc.pb.h"

namespace saima::gateway {

namespace gw = ::saima::gateway::v1;

// One incoming call: who, under which request id, and (for gRPC) the server context whose deadline and
// cancellation downstream calls inherit.
struct CallInfo {
  Identity identity;
  std::string request_id;
  const grpc::ServerContext* incoming = nullptr;
};

struct Backends {
  std::string registry;
  std::string stats;
  std::string scoring;
};

// What the reports are judged against (flags of the gateway).
struct ReportSettings {
  // New-project start-rate milestones, e.g. "3:>=30,6:>60,9:>85,10:>=100".
  std::vector<gw::StartRateMilestone> start_rate_milestones;
  // The year's growth target in thousandths of a percent (15% is 15000).
  int64_t growth_target_milli_percent = 15000;
};

// Parses the --start_rate_milestones flag.
absl::StatusOr<std::vector<gw::StartRateMilestone>> ParseStartRateMilestones(const std::string& text);

class Gateway {
 public:
  // One long-lived channel per backend.
  explicit Gateway(const Backends& backends, const ReportSettings& settings = {});

  absl::StatusOr<gw::WhoAmIResponse> WhoAmI(const CallInfo& call, const gw::WhoAmIRequest& request);
  // Calls whose messages mirror the backend's (see gateway.proto); converted by wire format.
#define SAIMA_MIRRORED(Method) \
  absl::StatusOr<gw::Method##Response> Method(const CallInfo& call, const gw::Method##Request& request);
  SAIMA_MIRRORED(ListUnits)
  SAIMA_MIRRORED(CreateUnit)
  SAIMA_MIRRORED(ListProjects)
  SAIMA_MIRRORED(GetProject)
  SAIMA_MIRRORED(CreateProject)
  SAIMA_MIRRORED(UpdateProject)
  SAIMA_MIRRORED(SummarizeProjects)
  SAIMA_MIRRORED(ListProjectHistory)
  SAIMA_MIRRORED(GetIndicators)
  SAIMA_MIRRORED(GetCityReport)
  SAIMA_MIRRORED(ListProjectStatuses)
  SAIMA_MIRRORED(RankUnits)
  SAIMA_MIRRORED(SetAnnualPlan)
  SAIMA_MIRRORED(SubmitMonthlyReport)
  SAIMA_MIRRORED(VerifyMonthlyReport)
  SAIMA_MIRRORED(CorrectMonthlyReport)
  SAIMA_MIRRORED(GetMonthlyReport)
  SAIMA_MIRRORED(ListMonthlyReportVersions)
  SAIMA_MIRRORED(ListProjectFigures)
  SAIMA_MIRRORED(LockPeriod)
  SAIMA_MIRRORED(SetPeerFigures)
  SAIMA_MIRRORED(AddMilestone)
  SAIMA_MIRRORED(UpdateMilestone)
  SAIMA_MIRRORED(ListMilestones)
  SAIMA_MIRRORED(AddDocument)
  SAIMA_MIRRORED(ListDocuments)
  SAIMA_MIRRORED(ListMissingRuku)
  SAIMA_MIRRORED(CreateRukuApplication)
  SAIMA_MIRRORED(GetRukuApplication)
  SAIMA_MIRRORED(ListRukuApplications)
  SAIMA_MIRRORED(TransitionRukuApplication)
  SAIMA_MIRRORED(CreateCampaign)
  SAIMA_MIRRORED(GetCampaign)
  SAIMA_MIRRORED(ListCampaigns)
  SAIMA_MIRRORED(AddJudge)
  SAIMA_MIRRORED(NominateProject)
  SAIMA_MIRRORED(ReviewNomination)
  SAIMA_MIRRORED(ListNominations)
  SAIMA_MIRRORED(FinalizeSelection)
  SAIMA_MIRRORED(SaveScoreSheet)
  SAIMA_MIRRORED(SubmitScoreSheet)
  SAIMA_MIRRORED(ListScoreSheets)
  SAIMA_MIRRORED(ComputeResults)
  SAIMA_MIRRORED(PublishResults)
  SAIMA_MIRRORED(GetResults)
  SAIMA_MIRRORED(GetLookBack)
  SAIMA_MIRRORED(OpenProblem)
  SAIMA_MIRRORED(UpdateProblem)
  SAIMA_MIRRORED(ListProblems)
  SAIMA_MIRRORED(IssueOrder)
  SAIMA_MIRRORED(RespondToOrder)
  SAIMA_MIRRORED(EscalateOrders)
  SAIMA_MIRRORED(ListOrders)
  SAIMA_MIRRORED(RecordDecision)
  SAIMA_MIRRORED(ListDecisions)
#undef SAIMA_MIRRORED

  // The provincial report package of a locked period (CSV files in a ZIP, or one XLSX workbook).
  absl::StatusOr<gw::GetProvincialPackageResponse> GetProvincialPackage(const CallInfo& call,
                                                                        const gw::GetProvincialPackageRequest& request);

  // Closing an order because the project is back to 正常 is checked against stats first.
  absl::StatusOr<gw::CloseOrderResponse> CloseOrder(const CallInfo& call, const gw::CloseOrderRequest& request);
  // 月调度、季分析、年总结 (dispatch_reports.cc).
  absl::StatusOr<gw::GetDispatchAgendaResponse> GetDispatchAgenda(const CallInfo& call,
                                                                  const gw::GetDispatchAgendaRequest& request);
  absl::StatusOr<gw::GetQuarterlyAnalysisResponse> GetQuarterlyAnalysis(const CallInfo& call,
                                                                        const gw::GetQuarterlyAnalysisRequest& request);
  absl::StatusOr<gw::GetAnnualSummaryResponse> GetAnnualSummary(const CallInfo& call,
                                                                const gw::GetAnnualSummaryRequest& request);

  // Everything the OC4IDS view of a project shows, gathered from registry and stats with the caller's rights.
  absl::StatusOr<oc4ids::ProjectData> ProjectDossier(const CallInfo& call, int64_t project_id);

  // Forwards an import stream to stats: `next` yields the client's messages until it returns false.
  absl::StatusOr<gw::ImportMonthlyReportsResponse> ImportMonthlyReports(
      const CallInfo& call, const std::function<bool(gw::ImportMonthlyReportsRequest*)>& next);

  // The audit chains of the services (audit_api.cc): every one, or the one named.
  absl::StatusOr<saima::audit::v1::VerifyAuditResponse> VerifyAudit(
      const CallInfo& call, const saima::audit::v1::VerifyAuditRequest& request);
  absl::StatusOr<saima::audit::v1::ListAuditEntriesResponse> ListAuditEntries(
      const CallInfo& call, const saima::audit::v1::ListAuditEntriesRequest& request);

  // The channel to the registry, shared with the gateway's Authenticator.
  std::shared_ptr<grpc::Channel> registry_channel() const { return registry_channel_; }

  // Each backend's health status name ("SERVING", "NOT_SERVING", "UNAVAILABLE").
  std::map<std::string, std::string> BackendHealth();

 private:
  std::unique_ptr<grpc::ClientContext> Downstream(const CallInfo& call) const;
  absl::StatusOr<std::map<int64_t, saima::stats::v1::ProjectStatus>> StatusesAt(const CallInfo& call,
                                                                                const std::string& period);
  absl::StatusOr<std::map<std::string, std::string>> UnitNames(const CallInfo& call);

  std::vector<gw::StartRateMilestone> start_rate_milestones_;
  int64_t growth_target_milli_percent_;

  std::shared_ptr<grpc::Channel> registry_channel_;
  std::unique_ptr<saima::registry::v1::RegistryService::Stub> registry_;
  std::unique_ptr<saima::stats::v1::StatsService::Stub> stats_;
  std::unique_ptr<saima::scoring::v1::ScoringService::Stub> scoring_;
  std::unique_ptr<saima::registry::v1::DispatchService::Stub> dispatch_;
  std::map<std::string, std::unique_ptr<grpc::health::v1::Health::Stub>> health_;
  std::map<std::string, std::unique_ptr<saima::audit::v1::AuditService::Stub>> audit_;
};

// A fresh random request id (16 hex digits).
std::string NewRequestId();

}  // namespace saima::gateway

#endif  // SAIMA_GATEWAY_GATEWAY_H_
