#ifndef SAIMA_SERVICES_SCORING_SCORING_STORE_H_
#define SAIMA_SERVICES_SCORING_SCORING_STORE_H_

// The scoring service's tables (schema scoring). Each method is one transaction; every write also appends an
// event (who, what) to scoring.events. Writes that must not race publication lock the campaign row.

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/pg.h"
#include "saima/scoring/v1/scoring.pb.h"

namespace saima::scoring {

namespace pb = ::saima::scoring::v1;

std::vector<NamedStatement> ScoringStatements();

class ScoringStore {
 public:
  explicit ScoringStore(PgPool& pool) : pool_(pool) {}

  // A retried request_id returns the campaign it created first.
  absl::StatusOr<pb::Campaign> CreateCampaign(const pb::Campaign& campaign, const std::string& request_id,
                                              const std::string& actor, absl::Time deadline);
  // NOT_FOUND when absent. Judges, publication and selection state included.
  absl::StatusOr<pb::Campaign> GetCampaign(int64_t campaign_id, absl::Time deadline);
  absl::StatusOr<std::vector<pb::Campaign>> ListCampaigns(int year, absl::Time deadline);
  // Adds or replaces a judge; refused once results are published.
  absl::StatusOr<pb::Judge> PutJudge(int64_t campaign_id, const pb::Judge& judge, const std::string& actor,
                                     absl::Time deadline);

  // Records a nomination, or re-checks one still NOMINATED or PRE_REJECTED (it becomes NOMINATED with the new
  // failed rules). A nomination already approved or selected is returned unchanged.
  absl::StatusOr<pb::Nomination> Nominate(const pb::Nomination& nomination, const std::string& request_id,
                                          const std::string& actor, absl::Time deadline);
  absl::StatusOr<pb::Nomination> GetNomination(int64_t nomination_id, absl::Time deadline);
  // Records a pre-review decision: only on an eligible nomination, before the selection is final.
  absl::StatusOr<pb::Nomination> Review(int64_t nomination_id, bool approve, const std::string& note,
                                        const std::string& actor, absl::Time deadline);
  absl::StatusOr<std::vector<pb::Nomination>> ListNominations(int64_t campaign_id, absl::Time deadline);
  // Marks the given PRE_APPROVED nominations SELECTED and the selection final. Repeating it with the same list
  // returns the same selection; a different list after the selection is final is refused.
  absl::StatusOr<std::vector<pb::Nomination>> FinalizeSelection(int64_t campaign_id, const std::vector<int64_t>& ids,
                                                                const std::string& actor, absl::Time deadline);
  // Years of campaigns in which the project was selected.
  absl::StatusOr<std::vector<int>> SelectedYears(int64_t project_id, absl::Time deadline);

  // Saves (merging scores into the stored draft) or submits a sheet. `check` sees the merged sheet before it is
  // written. Refused when the sheet was submitted or the results are published.
  absl::StatusOr<pb::ScoreSheet> WriteSheet(const pb::ScoreSheet& sheet, bool submit,
                                            const std::function<absl::Status(const pb::ScoreSheet&)>& check,
                                            const std::string& actor, absl::Time deadline);
  // All sheets of a campaign, or one judge's when `judge_id` is set.
  absl::StatusOr<std::vector<pb::ScoreSheet>> ListSheets(int64_t campaign_id, const std::string& judge_id,
                                                         absl::Time deadline);

  // Stores results computed by `compute` from the submitted sheets read in the same transaction. With `publish`
  // the results are frozen; once published, this returns the frozen results without calling `compute`.
  absl::StatusOr<pb::GetResultsResponse> StoreResults(
      int64_t campaign_id, bool publish,
      const std::function<absl::StatusOr<std::vector<pb::Result>>(const std::vector<pb::ScoreSheet>&)>& compute,
      const std::string& actor, absl::Time deadline);
  // The stored results; NOT_FOUND before the first computation.
  absl::StatusOr<pb::GetResultsResponse> GetResults(int64_t campaign_id, absl::Time deadline);

 private:
  PgPool& pool_;
};

}  // namespace saima::scoring

#endif  // SAIMA_SERVICES_SCORING_SCORING_STORE_H_
