#include "gateway/gateway_service.h"

#include "common/status.h"

namespace saima::gateway {
namespace {

std::string Metadata(const grpc::ServerContext& context, const char* key) {
  auto it = context.client_metadata().find(key);
  return it == context.client_metadata().end() ? "" : std::string(it->second.data(), it->second.size());
}

// Authenticates the bearer token in "authorization" metadata and assigns the request id.
absl::StatusOr<CallInfo> Authenticate(const Authenticator& tokens, const grpc::ServerContext& context) {
  auto identity = tokens.Authenticate(Metadata(context, "authorization"), context.peer());
  if (!identity.ok()) return identity.status();
  std::string request_id = Metadata(context, "x-request-id");
  if (request_id.empty()) request_id = NewRequestId();
  return CallInfo{*std::move(identity), request_id, &context};
}

template <typename Request, typename Response, typename Method>
grpc::Status Delegate(Gateway& gateway, const Authenticator& tokens, grpc::ServerContext* c, const Request* q,
                      Response* r, Method method) {
  auto call = Authenticate(tokens, *c);
  if (!call.ok()) return ToGrpcStatus(call.status());
  auto result = (gateway.*method)(*call, *q);
  if (!result.ok()) return ToGrpcStatus(result.status());
  *r = *std::move(result);
  return grpc::Status::OK;
}

}  // namespace

#define SAIMA_DEFINE(Method)                                                                                           \
  grpc::Status GatewayService::Method(grpc::ServerContext* c, const gw::Method##Request* q, gw::Method##Response* r) { \
    return Delegate(gateway_, tokens_, c, q, r, &Gateway::Method);                                                     \
  }
SAIMA_DEFINE(WhoAmI)
SAIMA_DEFINE(ListUnits)
SAIMA_DEFINE(CreateUnit)
SAIMA_DEFINE(ListProjects)
SAIMA_DEFINE(GetProject)
SAIMA_DEFINE(CreateProject)
SAIMA_DEFINE(UpdateProject)
SAIMA_DEFINE(SummarizeProjects)
SAIMA_DEFINE(ListProjectHistory)
SAIMA_DEFINE(GetIndicators)
SAIMA_DEFINE(GetCityReport)
SAIMA_DEFINE(GetProvincialPackage)
SAIMA_DEFINE(ListProjectStatuses)
SAIMA_DEFINE(RankUnits)
SAIMA_DEFINE(SetAnnualPlan)
SAIMA_DEFINE(SubmitMonthlyReport)
SAIMA_DEFINE(VerifyMonthlyReport)
SAIMA_DEFINE(CorrectMonthlyReport)
SAIMA_DEFINE(GetMonthlyReport)
SAIMA_DEFINE(ListMonthlyReportVersions)
SAIMA_DEFINE(ListProjectFigures)
SAIMA_DEFINE(LockPeriod)
SAIMA_DEFINE(SetPeerFigures)
SAIMA_DEFINE(AddMilestone)
SAIMA_DEFINE(UpdateMilestone)
SAIMA_DEFINE(ListMilestones)
SAIMA_DEFINE(AddDocument)
SAIMA_DEFINE(ListDocuments)
SAIMA_DEFINE(ListMissingRuku)
SAIMA_DEFINE(CreateRukuApplication)
SAIMA_DEFINE(GetRukuApplication)
SAIMA_DEFINE(ListRukuApplications)
SAIMA_DEFINE(TransitionRukuApplication)
SAIMA_DEFINE(CreateCampaign)
SAIMA_DEFINE(GetCampaign)
SAIMA_DEFINE(ListCampaigns)
SAIMA_DEFINE(AddJudge)
SAIMA_DEFINE(NominateProject)
SAIMA_DEFINE(ReviewNomination)
SAIMA_DEFINE(ListNominations)
SAIMA_DEFINE(FinalizeSelection)
SAIMA_DEFINE(SaveScoreSheet)
SAIMA_DEFINE(SubmitScoreSheet)
SAIMA_DEFINE(ListScoreSheets)
SAIMA_DEFINE(ComputeResults)
SAIMA_DEFINE(PublishResults)
SAIMA_DEFINE(GetResults)
SAIMA_DEFINE(GetLookBack)
SAIMA_DEFINE(OpenProblem)
SAIMA_DEFINE(UpdateProblem)
SAIMA_DEFINE(ListProblems)
SAIMA_DEFINE(IssueOrder)
SAIMA_DEFINE(RespondToOrder)
SAIMA_DEFINE(CloseOrder)
SAIMA_DEFINE(EscalateOrders)
SAIMA_DEFINE(ListOrders)
SAIMA_DEFINE(RecordDecision)
SAIMA_DEFINE(ListDecisions)
SAIMA_DEFINE(GetDispatchAgenda)
SAIMA_DEFINE(GetQuarterlyAnalysis)
SAIMA_DEFINE(GetAnnualSummary)
#undef SAIMA_DEFINE

grpc::Status GatewayService::ImportMonthlyReports(grpc::ServerContext* c,
                                                  grpc::ServerReader<gw::ImportMonthlyReportsRequest>* reader,
                                                  gw::ImportMonthlyReportsResponse* r) {
  auto call = Authenticate(tokens_, *c);
  if (!call.ok()) return ToGrpcStatus(call.status());
  auto result = gateway_.ImportMonthlyReports(
      *call, [reader](gw::ImportMonthlyReportsRequest* message) { return reader->Read(message); });
  if (!result.ok()) return ToGrpcStatus(result.status());
  *r = *std::move(result);
  return grpc::Status::OK;
}

grpc::Status GatewayAuditService::VerifyAudit(grpc::ServerContext* c, const saima::audit::v1::VerifyAuditRequest* q,
                                              saima::audit::v1::VerifyAuditResponse* r) {
  return Delegate(gateway_, tokens_, c, q, r, &Gateway::VerifyAudit);
}

grpc::Status GatewayAuditService::ListAuditEntries(grpc::ServerContext* c,
                                                   const saima::audit::v1::ListAuditEntriesRequest* q,
                                                   saima::audit::v1::ListAuditEntriesResponse* r) {
  return Delegate(gateway_, tokens_, c, q, r, &Gateway::ListAuditEntries);
}

namespace auth_pb = ::saima::auth::v1;

#define SAIMA_BEFORE_SIGN_IN(Method)                                                                 \
  grpc::Status GatewayAuthService::Method(grpc::ServerContext* c, const auth_pb::Method##Request* q, \
                                          auth_pb::Method##Response* r) {                            \
    auto result = tokens_.Forward(&auth_pb::AuthService::Stub::Method, nullptr, c->peer(), *q);      \
    if (!result.ok()) return ToGrpcStatus(result.status());                                          \
    *r = *std::move(result);                                                                         \
    return grpc::Status::OK;                                                                         \
  }
SAIMA_BEFORE_SIGN_IN(SignIn)
SAIMA_BEFORE_SIGN_IN(Refresh)
#undef SAIMA_BEFORE_SIGN_IN

#define SAIMA_SIGNED_IN(Method)                                                                                \
  grpc::Status GatewayAuthService::Method(grpc::ServerContext* c, const auth_pb::Method##Request* q,           \
                                          auth_pb::Method##Response* r) {                                      \
    auto call = ::saima::gateway::Authenticate(tokens_, *c);                                                   \
    if (!call.ok()) return ToGrpcStatus(call.status());                                                        \
    auto result = tokens_.Forward(&auth_pb::AuthService::Stub::Method, &call->identity.caller, c->peer(), *q); \
    if (!result.ok()) return ToGrpcStatus(result.status());                                                    \
    *r = *std::move(result);                                                                                   \
    return grpc::Status::OK;                                                                                   \
  }
SAIMA_SIGNED_IN(SignOut)
SAIMA_SIGNED_IN(CreateUser)
SAIMA_SIGNED_IN(ListUsers)
SAIMA_SIGNED_IN(CreateApiKey)
SAIMA_SIGNED_IN(ListApiKeys)
SAIMA_SIGNED_IN(RevokeApiKey)
#undef SAIMA_SIGNED_IN

grpc::Status GatewayAuthService::Authenticate(grpc::ServerContext*, const auth_pb::AuthenticateRequest*,
                                              auth_pb::AuthenticateResponse*) {
  return grpc::Status(grpc::StatusCode::UNIMPLEMENTED, "Authenticate is internal; use WhoAmI");
}

}  // namespace saima::gateway
