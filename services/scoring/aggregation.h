#ifndef SAIMA_SERVICES_SCORING_AGGREGATION_H_
#define SAIMA_SERVICES_SCORING_AGGREGATION_H_

// How judges' score sheets become a ranking (DOMAIN.md §5), free of gRPC and SQL. Deterministic: the same sheets
// in any order give the same result. Scores are kept in thousandths (milli) and rounded half away from zero only
// once, at the end.

#include <map>
#include <string>
#include <vector>

#include "saima/scoring/v1/scoring.pb.h"

namespace saima::scoring {

namespace pb = ::saima::scoring::v1;

// One entry (a unit) of the contest, with the objective figure its score may use.
struct Entry {
  std::string unit_id;
  std::string unit_name;
  std::string pool_id;
  // Completion rate from stats (Σ ytd / Σ plan), used for ties and by the points scheme.
  int64_t completion_numerator = 0;
  int64_t completion_denominator = 0;
};

// A submitted sheet: one judge's scores for one entry, criterion id → score.
struct Sheet {
  std::string judge_id;
  std::string unit_id;
  std::map<std::string, int> scores;
};

// Ranks the entries of each pool. Criteria weights add up to 100; a judge's total for an entry is
// Σ weight × score / 100. Methods:
//  - WEIGHTED_MEAN: the mean of the judges' totals;
//  - TRIMMED_MEAN (default): the same after dropping one highest and one lowest total, when 3 or more judges scored;
//  - RANK_VOTING: each judge ranks the entries they scored (ties share a rank); first place 100, each next 3 less;
//    the entry's score is the mean of its points;
//  - POINTS: 40% of the weighted mean plus 60 × completion rate (capped at 1).
// Ties break on the completion rate, then on the unit id. Entries without sheets score 0.
std::vector<pb::Result> Aggregate(pb::AggregationMethod method, const std::vector<pb::Criterion>& criteria,
                                  const std::vector<Entry>& entries, const std::vector<Sheet>& sheets);

}  // namespace saima::scoring

#endif  // SAIMA_SERVICES_SCORING_AGGREGATION_H_
