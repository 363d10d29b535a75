#include "services/scoring/aggregation.h"

#include <algorithm>

#include "common/format.h"

namespace saima::scoring {
namespace {

using int128 = __int128;

// n / d rounded half away from zero (d > 0; 0 otherwise).
int64_t RoundDiv(int128 n, int128 d) { return d <= 0 ? 0 : RoundHalfAwayFromZero(n, d); }

// A judge's total for an entry in milli-points: Σ weight × score × 1000 / 100.
int64_t TotalMilli(const std::vector<pb::Criterion>& criteria, const Sheet& sheet) {
  int64_t total = 0;
  for (const auto& c : criteria) {
    auto it = sheet.scores.find(c.criterion_id());
    if (it != sheet.scores.end()) total += static_cast<int64_t>(c.weight()) * it->second * 10;
  }
  return total;
}

// Sign of a/b − c/d, with b, d ≥ 0 (an undefined rate counts as 0).
int CompareRates(int64_t a, int64_t b, int64_t c, int64_t d) {
  const int128 left = b == 0 ? 0 : static_cast<int128>(a) * (d == 0 ? 1 : d);
  const int128 right = d == 0 ? 0 : static_cast<int128>(c) * (b == 0 ? 1 : b);
  if (b == 0 && d == 0) return 0;
  return left < right ? -1 : (left > right ? 1 : 0);
}

}  // namespace

std::vector<pb::Result> Aggregate(pb::AggregationMethod method, const std::vector<pb::Criterion>& criteria,
                                  const std::vector<Entry>& entries, const std::vector<Sheet>& sheets_in) {
  // Sheets in a fixed order, so that nothing depends on the order they arrived in.
  std::vector<const Sheet*> sheets;
  for (const auto& s : sheets_in) sheets.push_back(&s);
  std::sort(sheets.begin(), sheets.end(), [](const Sheet* a, const Sheet* b) {
    return a->unit_id != b->unit_id ? a->unit_id < b->unit_id : a->judge_id < b->judge_id;
  });
  std::map<std::string, std::vector<const Sheet*>> by_unit;
  for (const Sheet* s : sheets) by_unit[s->unit_id].push_back(s);

  // Rank-voting points per (judge, unit): each judge ranks the entries of a pool that they scored.
  std::map<std::pair<std::string, std::string>, int64_t> vote_points;
  if (method == pb::AGGREGATION_METHOD_RANK_VOTING) {
    std::map<std::pair<std::string, std::string>, std::vector<std::pair<int64_t, std::string>>> ballots;
    std::map<std::string, std::string> pool_of;
    for (const auto& e : entries) pool_of[e.unit_id] = e.pool_id;
    for (const Sheet* s : sheets) {
      ballots[{s->judge_id, pool_of[s->unit_id]}].push_back({TotalMilli(criteria, *s), s->unit_id});
    }
    for (auto& [key, ballot] : ballots) {
      std::sort(ballot.begin(), ballot.end(), [](const auto& a, const auto& b) {
        return a.first != b.first ? a.first > b.first : a.second < b.second;
      });
      for (size_t i = 0; i < ballot.size(); ++i) {
        size_t rank = i;  // ties share the better rank
        while (rank > 0 && ballot[rank - 1].first == ballot[i].first) --rank;
        vote_points[{key.first, ballot[i].second}] = std::max<int64_t>(0, 100 - 3 * static_cast<int64_t>(rank)) * 1000;
      }
    }
  }

  std::vector<pb::Result> results;
  for (const auto& entry : entries) {
    pb::Result r;
    r.set_unit_id(entry.unit_id);
    r.set_unit_name(entry.unit_name);
    r.set_pool_id(entry.pool_id);
    r.set_completion_numerator(entry.completion_numerator);
    r.set_completion_denominator(entry.completion_denominator);
    std::vector<const Sheet*> kept = by_unit[entry.unit_id];
    if (method == pb::AGGREGATION_METHOD_TRIMMED_MEAN && kept.size() >= 3) {
      // Drop one highest and one lowest total (ties resolved by judge id, so the result does not depend on order).
      std::sort(kept.begin(), kept.end(), [&criteria](const Sheet* a, const Sheet* b) {
        const int64_t ta = TotalMilli(criteria, *a), tb = TotalMilli(criteria, *b);
        return ta != tb ? ta < tb : a->judge_id < b->judge_id;
      });
      kept = std::vector<const Sheet*>(kept.begin() + 1, kept.end() - 1);
    }
    r.set_sheets_counted(static_cast<int>(kept.size()));
    const int64_t n = static_cast<int64_t>(kept.size());
    int128 total = 0;
    for (const Sheet* s : kept) {
      total += method == pb::AGGREGATION_METHOD_RANK_VOTING ? vote_points[{s->judge_id, s->unit_id}]
                                                            : TotalMilli(criteria, *s);
    }
    for (const auto& c : criteria) {
      int128 sum = 0;
      for (const Sheet* s : kept) {
        auto it = s->scores.find(c.criterion_id());
        if (it != s->scores.end()) sum += static_cast<int128>(it->second) * 1000;
      }
      (*r.mutable_criterion_milli())[c.criterion_id()] = RoundDiv(sum, n);
    }
    if (method == pb::AGGREGATION_METHOD_POINTS) {
      // 40% of the judges' weighted mean + 60 × min(completion, 1), in milli-points: computed over one denominator.
      const int64_t num = std::min(entry.completion_numerator, entry.completion_denominator);
      const int64_t den = entry.completion_denominator;
      if (n > 0 && den > 0) {
        r.set_score_milli(RoundDiv(total * 4 * den + static_cast<int128>(60'000) * num * 10 * n, 10 * n * den));
      } else if (n > 0) {
        r.set_score_milli(RoundDiv(total * 4, 10 * n));
      } else if (den > 0) {
        r.set_score_milli(RoundDiv(static_cast<int128>(60'000) * num, den));
      }
    } else {
      r.set_score_milli(RoundDiv(total, n));
    }
    results.push_back(std::move(r));
  }
  std::sort(results.begin(), results.end(), [](const pb::Result& a, const pb::Result& b) {
    if (a.pool_id() != b.pool_id()) return a.pool_id() < b.pool_id();
    if (a.score_milli() != b.score_milli()) return a.score_milli() > b.score_milli();
    const int c = CompareRates(a.completion_numerator(), a.completion_denominator(), b.completion_numerator(),
                               b.completion_denominator());
    if (c != 0) return c > 0;
    return a.unit_id() < b.unit_id();
  });
  std::string pool;
  int rank = 0;
  for (auto& r : results) {
    if (r.pool_id() != pool) {
      pool = r.pool_id();
      rank = 0;
    }
    r.set_rank(++rank);
  }
  return results;
}

}  // namespace saima::scoring
