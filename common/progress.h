#ifndef SAIMA_COMMON_PROGRESS_H_
#define SAIMA_COMMON_PROGRESS_H_

// The progress vocabulary of DOMAIN.md §3 and §8, computed exactly from integer amounts, in one place for every
// binary: time progress M/12, the gap between a completion rate and it, and what counts as "behind". The bands
// themselves (较快/正常/预警/滞后) are decided by stats (services/stats/indicators.h, StatusOf), which owns them;
// everything else reads the status stats sends.

#include <cstdint>

namespace saima {
namespace stats::v1 {
enum ProgressStatus : int;
}

// Sign of ytd/plan − month/12, exactly (plan > 0).
int CompareWithTimeProgress(int64_t ytd, int64_t plan, int month);

// True when (ytd/plan − month/12), in thousandths of a percentage point, is at least `milli_points`, exactly.
bool GapAtLeast(int64_t ytd, int64_t plan, int month, int64_t milli_points);

// (ytd/plan − month/12) in thousandths of a percentage point, rounded half away from zero: for display; decisions
// use GapAtLeast or CompareWithTimeProgress (plan > 0).
int64_t GapMilliPoints(int64_t ytd, int64_t plan, int month);

// "Behind" (DOMAIN.md §8, new starts, the dispatch agenda): 预警 or 滞后.
bool IsBehind(stats::v1::ProgressStatus status);

}  // namespace saima

#endif  // SAIMA_COMMON_PROGRESS_H_
