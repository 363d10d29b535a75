// The gateway converts mirrored messages by wire format (gateway.cc, Mirror); this checks that every mirrored
// pair still agrees field by field, so a change on one side cannot silently drop or garble data.

#include "gtest/gtest.h"
#include "saima/gateway/v1/gateway.pb.h"
#include "saima/registry/v1/dispatch.pb.h"
#include "saima/registry/v1/registry.pb.h"
#include "saima/scoring/v1/scoring.pb.h"
#include "saima/stats/v1/stats.pb.h"

namespace saima::gateway {
namespace {

using google::protobuf::Descriptor;

// Empty when the two messages agree field by field (names, numbers, types, nested types); otherwise why not.
std::string Mismatch(const Descriptor* gateway, const Descriptor* backend) {
  const std::string pair = gateway->full_name() + " ~ " + backend->full_name() + ": ";
  if (gateway->field_count() != backend->field_count()) return pair + "field counts differ";
  for (int i = 0; i < backend->field_count(); ++i) {
    const auto* b = backend->field(i);
    const auto* g = gateway->FindFieldByNumber(b->number());
    if (g == nullptr) return pair + "missing field " + b->name();
    if (g->name() != b->name() || g->type() != b->type() || g->is_repeated() != b->is_repeated()) {
      return pair + "field " + b->name() + " differs";
    }
    if (b->is_map()) {
      if (std::string m = Mismatch(g->message_type(), b->message_type()); !m.empty()) return m;
    } else if (b->message_type() != nullptr && g->message_type()->full_name() != b->message_type()->full_name()) {
      return pair + "field " + b->name() + " has another message type";
    }
    if (b->enum_type() != nullptr && g->enum_type()->full_name() != b->enum_type()->full_name()) {
      return pair + "field " + b->name() + " has another enum type";
    }
  }
  return "";
}

template <typename G, typename B>
void Pair() {
  EXPECT_EQ(Mismatch(G::descriptor(), B::descriptor()), "");
}

TEST(GatewayContractTest, MirroredStatsMessagesAgree) {
  namespace gw = ::saima::gateway::v1;
  namespace st = ::saima::stats::v1;
  namespace sc = ::saima::scoring::v1;
  namespace reg = ::saima::registry::v1;
  Pair<gw::GetIndicatorsRequest, st::GetIndicatorsRequest>();
  Pair<gw::GetIndicatorsResponse, st::GetIndicatorsResponse>();
  Pair<gw::GetCityReportRequest, st::GetCityReportRequest>();
  Pair<gw::GetCityReportResponse, st::GetCityReportResponse>();
  Pair<gw::ListProjectStatusesRequest, st::ListProjectStatusesRequest>();
  Pair<gw::ListProjectStatusesResponse, st::ListProjectStatusesResponse>();
  Pair<gw::RankUnitsRequest, st::RankUnitsRequest>();
  Pair<gw::RankUnitsResponse, st::RankUnitsResponse>();
  Pair<gw::SetAnnualPlanRequest, st::SetAnnualPlanRequest>();
  Pair<gw::SetAnnualPlanResponse, st::SetAnnualPlanResponse>();
  Pair<gw::SubmitMonthlyReportRequest, st::SubmitMonthlyReportRequest>();
  Pair<gw::SubmitMonthlyReportResponse, st::SubmitMonthlyReportResponse>();
  Pair<gw::VerifyMonthlyReportRequest, st::VerifyMonthlyReportRequest>();
  Pair<gw::VerifyMonthlyReportResponse, st::VerifyMonthlyReportResponse>();
  Pair<gw::CorrectMonthlyReportRequest, st::CorrectMonthlyReportRequest>();
  Pair<gw::CorrectMonthlyReportResponse, st::CorrectMonthlyReportResponse>();
  Pair<gw::GetMonthlyReportRequest, st::GetMonthlyReportRequest>();
  Pair<gw::GetMonthlyReportResponse, st::GetMonthlyReportResponse>();
  Pair<gw::ListMonthlyReportVersionsRequest, st::ListMonthlyReportVersionsRequest>();
  Pair<gw::ListMonthlyReportVersionsResponse, st::ListMonthlyReportVersionsResponse>();
  Pair<gw::ListProjectFiguresRequest, st::ListProjectFiguresRequest>();
  Pair<gw::ListProjectFiguresResponse, st::ListProjectFiguresResponse>();
  Pair<gw::CreateCampaignRequest, sc::CreateCampaignRequest>();
  Pair<gw::CreateCampaignResponse, sc::CreateCampaignResponse>();
  Pair<gw::GetCampaignRequest, sc::GetCampaignRequest>();
  Pair<gw::GetCampaignResponse, sc::GetCampaignResponse>();
  Pair<gw::ListCampaignsRequest, sc::ListCampaignsRequest>();
  Pair<gw::ListCampaignsResponse, sc::ListCampaignsResponse>();
  Pair<gw::AddJudgeRequest, sc::AddJudgeRequest>();
  Pair<gw::AddJudgeResponse, sc::AddJudgeResponse>();
  Pair<gw::NominateProjectRequest, sc::NominateProjectRequest>();
  Pair<gw::NominateProjectResponse, sc::NominateProjectResponse>();
  Pair<gw::ReviewNominationRequest, sc::ReviewNominationRequest>();
  Pair<gw::ReviewNominationResponse, sc::ReviewNominationResponse>();
  Pair<gw::ListNominationsRequest, sc::ListNominationsRequest>();
  Pair<gw::ListNominationsResponse, sc::ListNominationsResponse>();
  Pair<gw::FinalizeSelectionRequest, sc::FinalizeSelectionRequest>();
  Pair<gw::FinalizeSelectionResponse, sc::FinalizeSelectionResponse>();
  Pair<gw::SaveScoreSheetRequest, sc::SaveScoreSheetRequest>();
  Pair<gw::SaveScoreSheetResponse, sc::SaveScoreSheetResponse>();
  Pair<gw::SubmitScoreSheetRequest, sc::SubmitScoreSheetRequest>();
  Pair<gw::SubmitScoreSheetResponse, sc::SubmitScoreSheetResponse>();
  Pair<gw::ListScoreSheetsRequest, sc::ListScoreSheetsRequest>();
  Pair<gw::ListScoreSheetsResponse, sc::ListScoreSheetsResponse>();
  Pair<gw::ComputeResultsRequest, sc::ComputeResultsRequest>();
  Pair<gw::ComputeResultsResponse, sc::ComputeResultsResponse>();
  Pair<gw::PublishResultsRequest, sc::PublishResultsRequest>();
  Pair<gw::PublishResultsResponse, sc::PublishResultsResponse>();
  Pair<gw::GetResultsRequest, sc::GetResultsRequest>();
  Pair<gw::GetResultsResponse, sc::GetResultsResponse>();
  Pair<gw::GetLookBackRequest, sc::GetLookBackRequest>();
  Pair<gw::GetLookBackResponse, sc::GetLookBackResponse>();
  Pair<gw::OpenProblemRequest, reg::OpenProblemRequest>();
  Pair<gw::OpenProblemResponse, reg::OpenProblemResponse>();
  Pair<gw::UpdateProblemRequest, reg::UpdateProblemRequest>();
  Pair<gw::UpdateProblemResponse, reg::UpdateProblemResponse>();
  Pair<gw::ListProblemsRequest, reg::ListProblemsRequest>();
  Pair<gw::ListProblemsResponse, reg::ListProblemsResponse>();
  Pair<gw::IssueOrderRequest, reg::IssueOrderRequest>();
  Pair<gw::IssueOrderResponse, reg::IssueOrderResponse>();
  Pair<gw::RespondToOrderRequest, reg::RespondToOrderRequest>();
  Pair<gw::RespondToOrderResponse, reg::RespondToOrderResponse>();
  Pair<gw::CloseOrderRequest, reg::CloseOrderRequest>();
  Pair<gw::CloseOrderResponse, reg::CloseOrderResponse>();
  Pair<gw::EscalateOrdersRequest, reg::EscalateOrdersRequest>();
  Pair<gw::EscalateOrdersResponse, reg::EscalateOrdersResponse>();
  Pair<gw::ListOrdersRequest, reg::ListOrdersRequest>();
  Pair<gw::ListOrdersResponse, reg::ListOrdersResponse>();
  Pair<gw::RecordDecisionRequest, reg::RecordDecisionRequest>();
  Pair<gw::RecordDecisionResponse, reg::RecordDecisionResponse>();
  Pair<gw::ListDecisionsRequest, reg::ListDecisionsRequest>();
  Pair<gw::ListDecisionsResponse, reg::ListDecisionsResponse>();
  Pair<gw::ImportMonthlyReportsRequest, st::ImportMonthlyReportsRequest>();
  Pair<gw::ImportMonthlyReportsResponse, st::ImportMonthlyReportsResponse>();
  Pair<gw::LockPeriodRequest, st::LockPeriodRequest>();
  Pair<gw::LockPeriodResponse, st::LockPeriodResponse>();
  Pair<gw::SetPeerFiguresRequest, st::SetPeerFiguresRequest>();
  Pair<gw::SetPeerFiguresResponse, st::SetPeerFiguresResponse>();
}

TEST(GatewayContractTest, MirroredRegistryMessagesAgree) {
  namespace gw = ::saima::gateway::v1;
  namespace reg = ::saima::registry::v1;
  Pair<gw::ListUnitsRequest, reg::ListUnitsRequest>();
  Pair<gw::ListUnitsResponse, reg::ListUnitsResponse>();
  Pair<gw::CreateUnitRequest, reg::CreateUnitRequest>();
  Pair<gw::CreateUnitResponse, reg::CreateUnitResponse>();
  Pair<gw::ListProjectsRequest, reg::ListProjectsRequest>();
  Pair<gw::ListProjectsResponse, reg::ListProjectsResponse>();
  Pair<gw::GetProjectRequest, reg::GetProjectRequest>();
  Pair<gw::GetProjectResponse, reg::GetProjectResponse>();
  Pair<gw::CreateProjectRequest, reg::CreateProjectRequest>();
  Pair<gw::CreateProjectResponse, reg::CreateProjectResponse>();
  Pair<gw::UpdateProjectRequest, reg::UpdateProjectRequest>();
  Pair<gw::UpdateProjectResponse, reg::UpdateProjectResponse>();
  Pair<gw::SummarizeProjectsRequest, reg::SummarizeProjectsRequest>();
  Pair<gw::SummarizeProjectsResponse, reg::SummarizeProjectsResponse>();
  Pair<gw::ListProjectHistoryRequest, reg::ListProjectHistoryRequest>();
  Pair<gw::ListProjectHistoryResponse, reg::ListProjectHistoryResponse>();
  Pair<gw::AddMilestoneRequest, reg::AddMilestoneRequest>();
  Pair<gw::AddMilestoneResponse, reg::AddMilestoneResponse>();
  Pair<gw::UpdateMilestoneRequest, reg::UpdateMilestoneRequest>();
  Pair<gw::UpdateMilestoneResponse, reg::UpdateMilestoneResponse>();
  Pair<gw::ListMilestonesRequest, reg::ListMilestonesRequest>();
  Pair<gw::ListMilestonesResponse, reg::ListMilestonesResponse>();
  Pair<gw::AddDocumentRequest, reg::AddDocumentRequest>();
  Pair<gw::AddDocumentResponse, reg::AddDocumentResponse>();
  Pair<gw::ListDocumentsRequest, reg::ListDocumentsRequest>();
  Pair<gw::ListDocumentsResponse, reg::ListDocumentsResponse>();
  Pair<gw::ListMissingRukuRequest, reg::ListMissingRukuRequest>();
  Pair<gw::ListMissingRukuResponse, reg::ListMissingRukuResponse>();
  Pair<gw::CreateRukuApplicationRequest, reg::CreateRukuApplicationRequest>();
  Pair<gw::CreateRukuApplicationResponse, reg::CreateRukuApplicationResponse>();
  Pair<gw::GetRukuApplicationRequest, reg::GetRukuApplicationRequest>();
  Pair<gw::GetRukuApplicationResponse, reg::GetRukuApplicationResponse>();
  Pair<gw::ListRukuApplicationsRequest, reg::ListRukuApplicationsRequest>();
  Pair<gw::ListRukuApplicationsResponse, reg::ListRukuApplicationsResponse>();
  Pair<gw::TransitionRukuApplicationRequest, reg::TransitionRukuApplicationRequest>();
  Pair<gw::TransitionRukuApplicationResponse, reg::TransitionRukuApplicationResponse>();
}

TEST(GatewayContractTest, DetectsADivergence) {
  // The check itself must be able to fail.
  EXPECT_NE(Mismatch(::saima::gateway::v1::LockPeriodRequest::descriptor(),
                     ::saima::stats::v1::LockPeriodResponse::descriptor()),
            "");
  EXPECT_NE(Mismatch(::saima::gateway::v1::GetProjectRequest::descriptor(),
                     ::saima::stats::v1::GetMonthlyReportRequest::descriptor()),
            "");
}

}  // namespace
}  // namespace saima::gateway
