#ifndef SAIMA_GATEWAY_GATEWAY_SERVICE_H_
#define SAIMA_GATEWAY_GATEWAY_SERVICE_H_

#include "gateway/auth.h"
#include "gateway/gateway.h"
#include "saima/gateway/v1/gateway.grpc.pb.h"

namespace saima::gateway {

// The gRPC adapter of Gateway: authenticates the bearer token in "authorization" metadata, then delegates.
class GatewayService final : public gw::GatewayService::Service {
 public:
  GatewayService(Gateway& gateway, const Authenticator& tokens) : gateway_(gateway), tokens_(tokens) {}

#define SAIMA_DECLARE(Method) \
  grpc::Status Method(grpc::ServerContext* c, const gw::Method##Request* q, gw::Method##Response* r) override;
  SAIMA_DECLARE(WhoAmI)
  SAIMA_DECLARE(ListUnits)
  SAIMA_DECLARE(CreateUnit)
  SAIMA_DECLARE(ListProjects)
  SAIMA_DECLARE(GetProject)
  SAIMA_DECLARE(CreateProject)
  SAIMA_DECLARE(UpdateProject)
  SAIMA_DECLARE(SummarizeProjects)
  SAIMA_DECLARE(ListProjectHistory)
  SAIMA_DECLARE(GetIndicators)
  SAIMA_DECLARE(GetCityReport)
  SAIMA_DECLARE(GetProvincialPackage)
  SAIMA_DECLARE(ListProjectStatuses)
  SAIMA_DECLARE(RankUnits)
  SAIMA_DECLARE(SetAnnualPlan)
  SAIMA_DECLARE(SubmitMonthlyReport)
  SAIMA_DECLARE(VerifyMonthlyReport)
  SAIMA_DECLARE(CorrectMonthlyReport)
  SAIMA_DECLARE(GetMonthlyReport)
  SAIMA_DECLARE(ListMonthlyReportVersions)
  SAIMA_DECLARE(ListProjectFigures)
  SAIMA_DECLARE(LockPeriod)
  SAIMA_DECLARE(SetPeerFigures)
  SAIMA_DECLARE(AddMilestone)
  SAIMA_DECLARE(UpdateMilestone)
  SAIMA_DECLARE(ListMilestones)
  SAIMA_DECLARE(AddDocument)
  SAIMA_DECLARE(ListDocuments)
  SAIMA_DECLARE(ListMissingRuku)
  SAIMA_DECLARE(CreateRukuApplication)
  SAIMA_DECLARE(GetRukuApplication)
  SAIMA_DECLARE(ListRukuApplications)
  SAIMA_DECLARE(TransitionRukuApplication)
  SAIMA_DECLARE(CreateCampaign)
  SAIMA_DECLARE(GetCampaign)
  SAIMA_DECLARE(ListCampaigns)
  SAIMA_DECLARE(AddJudge)
  SAIMA_DECLARE(NominateProject)
  SAIMA_DECLARE(ReviewNomination)
  SAIMA_DECLARE(ListNominations)
  SAIMA_DECLARE(FinalizeSelection)
  SAIMA_DECLARE(SaveScoreSheet)
  SAIMA_DECLARE(SubmitScoreSheet)
  SAIMA_DECLARE(ListScoreSheets)
  SAIMA_DECLARE(ComputeResults)
  SAIMA_DECLARE(PublishResults)
  SAIMA_DECLARE(GetResults)
  SAIMA_DECLARE(GetLookBack)
  SAIMA_DECLARE(OpenProblem)
  SAIMA_DECLARE(UpdateProblem)
  SAIMA_DECLARE(ListProblems)
  SAIMA_DECLARE(IssueOrder)
  SAIMA_DECLARE(RespondToOrder)
  SAIMA_DECLARE(CloseOrder)
  SAIMA_DECLARE(EscalateOrders)
  SAIMA_DECLARE(ListOrders)
  SAIMA_DECLARE(RecordDecision)
  SAIMA_DECLARE(ListDecisions)
  SAIMA_DECLARE(GetDispatchAgenda)
  SAIMA_DECLARE(GetQuarterlyAnalysis)
  SAIMA_DECLARE(GetAnnualSummary)
#undef SAIMA_DECLARE
  grpc::Status ImportMonthlyReports(grpc::ServerContext* c, grpc::ServerReader<gw::ImportMonthlyReportsRequest>* reader,
                                    gw::ImportMonthlyReportsResponse* r) override;

 private:
  Gateway& gateway_;
  const Authenticator& tokens_;
};

// The audit API at the gateway: the same service as each backend's, over all three chains.
class GatewayAuditService final : public saima::audit::v1::AuditService::Service {
 public:
  GatewayAuditService(Gateway& gateway, const Authenticator& tokens) : gateway_(gateway), tokens_(tokens) {}
  grpc::Status VerifyAudit(grpc::ServerContext* c, const saima::audit::v1::VerifyAuditRequest* q,
                           saima::audit::v1::VerifyAuditResponse* r) override;
  grpc::Status ListAuditEntries(grpc::ServerContext* c, const saima::audit::v1::ListAuditEntriesRequest* q,
                                saima::audit::v1::ListAuditEntriesResponse* r) override;

 private:
  Gateway& gateway_;
  const Authenticator& tokens_;
};

// Sign-in, refresh, sign-out and accounts at the gateway, forwarded to the registry. Authenticate is the
// gateway's own call to the registry and is not served to clients.
class GatewayAuthService final : public saima::auth::v1::AuthService::Service {
 public:
  explicit GatewayAuthService(const Authenticator& tokens) : tokens_(tokens) {}
#define SAIMA_DECLARE_AUTH(Method)                                                       \
  grpc::Status Method(grpc::ServerContext* c, const saima::auth::v1::Method##Request* q, \
                      saima::auth::v1::Method##Response* r) override;
  SAIMA_DECLARE_AUTH(SignIn)
  SAIMA_DECLARE_AUTH(Refresh)
  SAIMA_DECLARE_AUTH(SignOut)
  SAIMA_DECLARE_AUTH(Authenticate)
  SAIMA_DECLARE_AUTH(CreateUser)
  SAIMA_DECLARE_AUTH(ListUsers)
  SAIMA_DECLARE_AUTH(CreateApiKey)
  SAIMA_DECLARE_AUTH(ListApiKeys)
  SAIMA_DECLARE_AUTH(RevokeApiKey)
#undef SAIMA_DECLARE_AUTH

 private:
  const Authenticator& tokens_;
};

}  // namespace saima::gateway

#endif  // SAIMA_GATEWAY_GATEWAY_SERVICE_H_
