#include "common/progress.h"

#include "saima/stats/v1/stats.pb.h"

namespace saima {
namespace {

using int128 = __int128;

// 100000 · (12·ytd − month·plan) and 12·plan: the gap in milli-points is their quotient.
struct Gap {
  int128 numerator;
  int128 denominator;
};

Gap GapOf(int64_t ytd, int64_t plan, int month) {
  return {static_cast<int128>(100000) * (static_cast<int128>(12) * ytd - static_cast<int128>(month) * plan),
          static_cast<int128>(12) * plan};
}

}  // namespace

int CompareWithTimeProgress(int64_t ytd, int64_t plan, int month) {
  const Gap g = GapOf(ytd, plan, month);
  return g.numerator < 0 ? -1 : (g.numerator > 0 ? 1 : 0);
}

bool GapAtLeast(int64_t ytd, int64_t plan, int month, int64_t milli_points) {
  const Gap g = GapOf(ytd, plan, month);
  return g.numerator >= static_cast<int128>(milli_points) * g.denominator;
}

int64_t GapMilliPoints(int64_t ytd, int64_t plan, int month) {
  const Gap g = GapOf(ytd, plan, month);
  const int128 twice = 2 * g.numerator + (g.numerator >= 0 ? g.denominator : -g.denominator);
  return static_cast<int64_t>(twice / (2 * g.denominator));
}

bool IsBehind(stats::v1::ProgressStatus status) {
  return status == stats::v1::PROGRESS_STATUS_WARNING || status == stats::v1::PROGRESS_STATUS_LAGGING;
}

}  // namespace saima
