#ifndef SAIMA_SERVICES_SCORING_CONTEST_H_
#define SAIMA_SERVICES_SCORING_CONTEST_H_

// The scoring service's use cases: campaigns, observation-project selection, score sheets, results and the
// look-back. Who may do what is decided here; the facts other services own come through ContestFacts.

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/caller.h"
#include "saima/registry/v1/registry.pb.h"
#include "saima/scoring/v1/scoring.pb.h"
#include "saima/stats/v1/stats.pb.h"
#include "services/scoring/scoring_store.h"

namespace saima::scoring {

namespace pb = ::saima::scoring::v1;
namespace reg = ::saima::registry::v1;
namespace st = ::saima::stats::v1;

// What the contest reads from the registry and stats, and the one thing it writes there (the 观摩项目 tier).
class ContestFacts {
 public:
  virtual ~ContestFacts() = default;
  virtual absl::StatusOr<std::map<std::string, reg::Unit>> Units(absl::Time d) = 0;
  virtual absl::StatusOr<reg::Project> Project(int64_t project_id, absl::Time d) = 0;
  virtual absl::StatusOr<std::vector<reg::Document>> Documents(int64_t project_id, absl::Time d) = 0;
  virtual absl::StatusOr<std::vector<reg::Project>> PlannedProjects(int year, absl::Time d) = 0;
  // Unit → completion rate (Σ ytd, Σ plan) at a period.
  virtual absl::StatusOr<std::map<std::string, std::pair<int64_t, int64_t>>> Completion(const std::string& period,
                                                                                        absl::Time d) = 0;
  // Project → its official figure of the newest period up to `period`.
  virtual absl::StatusOr<std::map<int64_t, st::MonthlyReport>> LatestFigures(const std::vector<int64_t>& project_ids,
                                                                             const std::string& period,
                                                                             absl::Time d) = 0;
  // Project → progress status (较快, 正常, 预警, 滞后) of the key and major projects at a period.
  virtual absl::StatusOr<std::map<int64_t, std::string>> Statuses(const std::string& period, absl::Time d) = 0;
  // Gives a project the 观摩项目 tier, acting as `caller`; nothing to do when it has it already.
  virtual absl::Status MarkObservation(const Caller& caller, int64_t project_id, absl::Time d) = 0;
};

class Contest {
 public:
  Contest(ScoringStore& store, ContestFacts& facts) : store_(store), facts_(facts) {}

  absl::StatusOr<pb::CreateCampaignResponse> CreateCampaign(const Caller& c, const pb::CreateCampaignRequest& q,
                                                            absl::Time d);
  absl::StatusOr<pb::GetCampaignResponse> GetCampaign(const Caller& c, const pb::GetCampaignRequest& q, absl::Time d);
  absl::StatusOr<pb::ListCampaignsResponse> ListCampaigns(const Caller& c, const pb::ListCampaignsRequest& q,
                                                          absl::Time d);
  absl::StatusOr<pb::AddJudgeResponse> AddJudge(const Caller& c, const pb::AddJudgeRequest& q, absl::Time d);
  absl::StatusOr<pb::NominateProjectResponse> NominateProject(const Caller& c, const pb::NominateProjectRequest& q,
                                                              absl::Time d);
  absl::StatusOr<pb::ReviewNominationResponse> ReviewNomination(const Caller& c, const pb::ReviewNominationRequest& q,
                                                                absl::Time d);
  absl::StatusOr<pb::ListNominationsResponse> ListNominations(const Caller& c, const pb::ListNominationsRequest& q,
                                                              absl::Time d);
  absl::StatusOr<pb::FinalizeSelectionResponse> FinalizeSelection(const Caller& c,
                                                                  const pb::FinalizeSelectionRequest& q, absl::Time d);
  absl::StatusOr<pb::SaveScoreSheetResponse> SaveScoreSheet(const Caller& c, const pb::SaveScoreSheetRequest& q,
                                                            absl::Time d);
  absl::StatusOr<pb::SubmitScoreSheetResponse> SubmitScoreSheet(const Caller& c, const pb::SubmitScoreSheetRequest& q,
                                                                absl::Time d);
  absl::StatusOr<pb::ListScoreSheetsResponse> ListScoreSheets(const Caller& c, const pb::ListScoreSheetsRequest& q,
                                                              absl::Time d);
  absl::StatusOr<pb::ComputeResultsResponse> ComputeResults(const Caller& c, const pb::ComputeResultsRequest& q,
                                                            absl::Time d);
  absl::StatusOr<pb::PublishResultsResponse> PublishResults(const Caller& c, const pb::PublishResultsRequest& q,
                                                            absl::Time d);
  absl::StatusOr<pb::GetResultsResponse> GetResults(const Caller& c, const pb::GetResultsRequest& q, absl::Time d);
  absl::StatusOr<pb::GetLookBackResponse> GetLookBack(const Caller& c, const pb::GetLookBackRequest& q, absl::Time d);

 private:
  // Computes (and with `publish` freezes) the results with the completion rates of the campaign's period.
  absl::StatusOr<pb::GetResultsResponse> Results(const Caller& c, int64_t campaign_id, bool publish, absl::Time d);
  absl::StatusOr<pb::ScoreSheet> WriteSheet(const Caller& c, const pb::ScoreSheet& sheet, bool submit, absl::Time d);

  ScoringStore& store_;
  ContestFacts& facts_;
};

}  // namespace saima::scoring

#endif  // SAIMA_SERVICES_SCORING_CONTEST_H_
