#ifndef SAIMA_GATEWAY_GATEWAY_H_
#define SAIMA_GATEWAY_GATEWAY_H_

// What the gateway computes itself, across the services (saima.gateway.v1.GatewayService and the audit over all
// three chains): the provincial package, OC4IDS, exports, the dispatch reports. Every other call is forwarded
// generically (grpc_edge.h, http_edge.h). Each computation reads what registry, stats and scoring own with the
// caller's identity, so their authorization applies, and adds nothing but arithmetic and layout.

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "gateway/backends.h"
#include "gateway/identity.h"
#include "gateway/local_methods.h"
#include "gateway/oc4ids.h"
#include "saima/audit/v1/audit.grpc.pb.h"
#include "saima/gateway/v1/gateway.pb.h"
#include "saima/registry/v1/dispatch.grpc.pb.h"
#include "saima/registry/v1/registry.grpc.pb.h"
#include "saima/scoring/v1/scoring.grpc.pb.h"
#include "saima/stats/v1/stats.grpc.pb.h"

namespace saima::gateway {

namespace gw = ::saima::gateway::v1;

// What the reports are judged against (flags of the gateway).
struct ReportSettings {
  // New-project start-rate milestones, e.g. "3:>=30,6:>60,9:>85,10:>=100".
  std::vector<gw::StartRateMilestone> start_rate_milestones;
  // The publisher's OC4IDS project identifier prefix.
  std::string oc4ids_prefix = "oc4ids-saima0";
  // 填报单位 in the title block of the provincial report's forms, e.g. "某某市统计局".
  std::string reporting_unit;
  // The address people and partner systems reach the system at (https://…), naming published packages.
  std::string public_url = "https://saima.invalid";
  // The OC4IDS package's publisher and the licence of its data.
  std::string oc4ids_publisher = "Saima";
  std::string oc4ids_license = "https://creativecommons.org/licenses/by/4.0/";
};

// Parses the --start_rate_milestones flag.
absl::StatusOr<std::vector<gw::StartRateMilestone>> ParseStartRateMilestones(const std::string& text);

class Gateway {
 public:
  Gateway(const Backends& backends, ReportSettings settings);

  // Registers the computations as the local methods of GatewayService and of the audit at the gateway.
  void RegisterMethods(LocalMethods& methods);

  absl::StatusOr<gw::WhoAmIResponse> WhoAmI(const CallInfo& call, const gw::WhoAmIRequest& request);
  absl::StatusOr<gw::GetProvincialPackageResponse> GetProvincialPackage(const CallInfo& call,
                                                                        const gw::GetProvincialPackageRequest& request);
  absl::StatusOr<gw::GetProjectOc4idsResponse> GetProjectOc4ids(const CallInfo& call,
                                                                const gw::GetProjectOc4idsRequest& request);
  absl::StatusOr<gw::GetOc4idsPackageResponse> GetOc4idsPackage(const CallInfo& call,
                                                                const gw::GetOc4idsPackageRequest& request);
  absl::StatusOr<gw::ExportContestResultsResponse> ExportContestResults(const CallInfo& call,
                                                                        const gw::ExportContestResultsRequest& request);
  // 月调度、季分析、年总结 (dispatch_reports.cc), each also as an XLSX workbook.
  absl::StatusOr<gw::GetDispatchAgendaResponse> GetDispatchAgenda(const CallInfo& call,
                                                                  const gw::GetDispatchAgendaRequest& request);
  absl::StatusOr<gw::ExportDispatchAgendaResponse> ExportDispatchAgenda(const CallInfo& call,
                                                                        const gw::ExportDispatchAgendaRequest& request);
  // Monthly figures from an uploaded CSV or XLSX file (monthly_import.cc), streamed to stats as saimactl does.
  absl::StatusOr<gw::ImportMonthlyReportsFileResponse> ImportMonthlyReportsFile(
      const CallInfo& call, const gw::ImportMonthlyReportsFileRequest& request);
  absl::StatusOr<gw::ExportVerificationFlagsResponse> ExportVerificationFlags(
      const CallInfo& call, const gw::ExportVerificationFlagsRequest& request);
  absl::StatusOr<gw::GetQuarterlyAnalysisResponse> GetQuarterlyAnalysis(const CallInfo& call,
                                                                        const gw::GetQuarterlyAnalysisRequest& request);
  absl::StatusOr<gw::ExportQuarterlyAnalysisResponse> ExportQuarterlyAnalysis(
      const CallInfo& call, const gw::ExportQuarterlyAnalysisRequest& request);
  absl::StatusOr<gw::GetAnnualSummaryResponse> GetAnnualSummary(const CallInfo& call,
                                                                const gw::GetAnnualSummaryRequest& request);
  absl::StatusOr<gw::ExportAnnualSummaryResponse> ExportAnnualSummary(const CallInfo& call,
                                                                      const gw::ExportAnnualSummaryRequest& request);

  // The audit chains of the services (audit_api.cc): every one, or the one named.
  absl::StatusOr<saima::audit::v1::VerifyAuditResponse> VerifyAudit(
      const CallInfo& call, const saima::audit::v1::VerifyAuditRequest& request);
  absl::StatusOr<saima::audit::v1::ListAuditEntriesResponse> ListAuditEntries(
      const CallInfo& call, const saima::audit::v1::ListAuditEntriesRequest& request);

  // The city indicators of a period (for SDMX), with the caller's rights.
  absl::StatusOr<saima::stats::v1::GetIndicatorsResponse> CityIndicators(const CallInfo& call,
                                                                         const std::string& period);

  // One backend call with the caller's identity and request id, and the call's deadline (at most `timeout`).
  template <typename Stub, typename Request, typename Response>
  absl::StatusOr<Response> Ask(const CallInfo& call,
                               grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
                               const Request& request,
                               std::chrono::milliseconds timeout = std::chrono::milliseconds(10000)) {
    auto context = Downstream(call, timeout);
    Response response;
    grpc::Status status = (StubOf(static_cast<Stub*>(nullptr))->*method)(context.get(), request, &response);
    if (!status.ok()) return BackendStatus(BackendOf(static_cast<Stub*>(nullptr)), status);
    return response;
  }

 private:
  std::unique_ptr<grpc::ClientContext> Downstream(const CallInfo& call, std::chrono::milliseconds timeout) const;
  absl::StatusOr<std::map<std::string, std::string>> UnitNames(const CallInfo& call);
  // Every project the caller may read (the registry narrows the list to the caller's reach), page by page.
  absl::StatusOr<std::vector<saima::registry::v1::Project>> ReadableProjects(const CallInfo& call);
  // A project's documents and official monthly figures, for OC4IDS.
  absl::Status GatherOc4ids(const CallInfo& call, oc4ids::ProjectData* data);

  saima::registry::v1::RegistryService::Stub* StubOf(saima::registry::v1::RegistryService::Stub*) {
    return registry_.get();
  }
  saima::registry::v1::DispatchService::Stub* StubOf(saima::registry::v1::DispatchService::Stub*) {
    return dispatch_.get();
  }
  saima::stats::v1::StatsService::Stub* StubOf(saima::stats::v1::StatsService::Stub*) { return stats_.get(); }
  saima::scoring::v1::ScoringService::Stub* StubOf(saima::scoring::v1::ScoringService::Stub*) { return scoring_.get(); }
  static const char* BackendOf(saima::registry::v1::RegistryService::Stub*) { return "registry"; }
  static const char* BackendOf(saima::registry::v1::DispatchService::Stub*) { return "registry"; }
  static const char* BackendOf(saima::stats::v1::StatsService::Stub*) { return "stats"; }
  static const char* BackendOf(saima::scoring::v1::ScoringService::Stub*) { return "scoring"; }

  const ReportSettings settings_;
  std::unique_ptr<saima::registry::v1::RegistryService::Stub> registry_;
  std::unique_ptr<saima::registry::v1::DispatchService::Stub> dispatch_;
  std::unique_ptr<saima::stats::v1::StatsService::Stub> stats_;
  std::unique_ptr<saima::scoring::v1::ScoringService::Stub> scoring_;
  std::map<std::string, std::unique_ptr<saima::audit::v1::AuditService::Stub>> audit_;
};

// A fresh random request id (16 hex digits).
std::string NewRequestId();

}  // namespace saima::gateway

#endif  // SAIMA_GATEWAY_GATEWAY_H_
