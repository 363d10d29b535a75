#include "services/stats/indicators.h"

#include <algorithm>
#include <cstdlib>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/csv.h"
#include "common/embedded.h"
#include "common/money.h"
#include "common/names.h"
#include "common/progress.h"
#include "common/status.h"

namespace saima {
extern const EmbeddedFile kCodeTables[];
}

namespace saima::stats {
namespace {

using int128 = __int128;

bool HasPrefix(const std::vector<std::string>& prefixes, const std::string& code) {
  for (const auto& p : prefixes) {
    if (absl::StartsWith(code, p)) return true;
  }
  return false;
}

// Sign of a/b − c/d for b, d > 0.
int CompareFractions(int64_t a, int64_t b, int64_t c, int64_t d) {
  const int128 left = static_cast<int128>(a) * d;
  const int128 right = static_cast<int128>(c) * b;
  return left < right ? -1 : (left > right ? 1 : 0);
}

}  // namespace

bool ProjectFacts::HasTier(reg::ProjectTier tier) const {
  return std::find(tiers.begin(), tiers.end(), static_cast<int>(tier)) != tiers.end();
}

std::string ProjectFacts::StartDate() const {
  if (!actual_start_date.empty()) return actual_start_date;
  if (construction_nature == reg::CONSTRUCTION_NATURE_PURCHASE_ONLY) return ruku_date;
  return "";
}

namespace {

// One of the tables compiled in (kCodeTables), by file name.
const char* EmbeddedText(const std::string& name) {
  for (const EmbeddedFile* f = kCodeTables; f->path != nullptr; ++f) {
    const std::string path = f->path;
    if (path.size() >= name.size() && path.compare(path.size() - name.size(), name.size(), name) == 0) {
      return f->contents;
    }
  }
  std::abort();  // A build defect: the tables are compiled in.
}

}  // namespace

std::string DivisionOf(std::string_view code) {
  if (code.size() < 11 || code[4] != '-') return "";
  const std::string_view division = code.substr(5, 6);
  for (char c : division) {
    if (c < '0' || c > '9') return "";
  }
  return std::string(division);
}

const std::string& DivisionName(const std::string& code) {
  static const auto* names = [] {
    auto* n = new std::map<std::string, std::string>();
    for (const char* file : {"gbt2260-provinces.csv", "gbt2260-cities.csv", "gbt2260-counties.csv"}) {
      auto rows = ParseCsv(EmbeddedText(file));
      if (!rows.ok()) std::abort();
      for (size_t i = 1; i < rows->size(); ++i) {
        if ((*rows)[i].size() >= 2) (*n)[(*rows)[i][0]] = (*rows)[i][1];
      }
    }
    return n;
  }();
  static const std::string* unknown = new std::string();
  auto it = names->find(code);
  return it == names->end() ? *unknown : it->second;
}

const CodeTables& CodeTables::Default() {
  static const CodeTables* tables = [] {
    auto* t = new CodeTables();
    auto rows = ParseCsv(EmbeddedText("code-tables.csv"));
    if (!rows.ok()) std::abort();  // A build defect: the table is compiled in.
    for (size_t i = 1; i < rows->size(); ++i) {
      const CsvRow& row = (*rows)[i];
      if (row.size() < 3) continue;
      auto* list = row[0] == "transport"   ? &t->transport
                   : row[0] == "energy"    ? &t->energy
                   : row[0] == "water"     ? &t->water
                   : row[0] == "high_tech" ? &t->high_tech
                                           : nullptr;
      if (list != nullptr) list->push_back(row[2]);
    }
    return t;
  }();
  return *tables;
}

bool InCategory(const ProjectFacts& p, pb::Category category, const CodeTables& tables) {
  switch (category) {
    case pb::CATEGORY_PRIVATE:
      return !p.public_institution &&
             (p.ownership == reg::OWNERSHIP_COLLECTIVE || p.ownership == reg::OWNERSHIP_PRIVATE);
    case pb::CATEGORY_STATE:
      return p.public_institution || p.ownership == reg::OWNERSHIP_STATE;
    case pb::CATEGORY_INDUSTRIAL_RENOVATION:
      return p.industrial_renovation;
    case pb::CATEGORY_MANUFACTURING:
      return p.manufacturing;
    case pb::CATEGORY_TRANSPORT_ENERGY_WATER:
      return HasPrefix(tables.transport, p.industry_code) || HasPrefix(tables.energy, p.industry_code) ||
             HasPrefix(tables.water, p.industry_code);
    case pb::CATEGORY_HIGH_TECH:
      return HasPrefix(tables.high_tech, p.industry_code);
    case pb::CATEGORY_CONSTRUCTION_INSTALLATION:
      return true;  // a part of every project's amount
    case pb::CATEGORY_PRIMARY:
      return p.sector == reg::SECTOR_PRIMARY;
    case pb::CATEGORY_SECONDARY:
      return p.sector == reg::SECTOR_SECONDARY;
    case pb::CATEGORY_TERTIARY:
      return p.sector == reg::SECTOR_TERTIARY;
    default:
      return false;
  }
}

pb::Rate MakeRate(int64_t numerator, int64_t denominator) {
  pb::Rate rate;
  rate.set_numerator(numerator);
  rate.set_denominator(denominator);
  rate.set_defined(denominator != 0);
  if (denominator != 0) rate.set_value(static_cast<double>(numerator) / static_cast<double>(denominator));
  return rate;
}

absl::Status TotalOutOfRange(const std::string& what) {
  return Error(absl::StatusCode::kOutOfRange, absl::StrCat("the total of ", what, " does not fit in 64 bits"),
               absl::StrCat(what, "的合计超出可表示的范围，请检查是否有异常大的数据"));
}

void IndicatorSums::Add(const ProjectFacts& p, const CodeTables& tables) {
  ytd += p.ytd;
  last += p.last_ytd;
  if (p.plan.has_value()) {
    plan += *p.plan;
    ytd_with_plan += p.ytd;
  }
  if (p.counted) {
    ++projects;
    if (p.reported) ++reported;
  }
  for (int c = pb::CATEGORY_PRIVATE; c <= pb::CATEGORY_TERTIARY; ++c) {
    const auto category = static_cast<pb::Category>(c);
    if (!InCategory(p, category, tables)) continue;
    const bool ja = category == pb::CATEGORY_CONSTRUCTION_INSTALLATION;
    category_ytd[c] += ja ? p.ytd_ja : p.ytd;
    category_last[c] += ja ? p.last_ja : p.last_ytd;
  }
}

IndicatorSums& IndicatorSums::operator+=(const IndicatorSums& o) {
  projects += o.projects;
  reported += o.reported;
  ytd += o.ytd;
  last += o.last;
  plan += o.plan;
  ytd_with_plan += o.ytd_with_plan;
  for (int c = 0; c < kCategories; ++c) {
    category_ytd[c] += o.category_ytd[c];
    category_last[c] += o.category_last[c];
  }
  return *this;
}

absl::StatusOr<pb::GetIndicatorsResponse> FinishIndicators(const IndicatorSums& sums, const Period& period) {
  pb::GetIndicatorsResponse out;
  out.set_period(period.ToString());
  for (const AmountSum* s : {&sums.ytd, &sums.last, &sums.plan, &sums.ytd_with_plan}) {
    if (!s->fits()) return TotalOutOfRange("固定资产投资");
  }
  AmountSum growth = sums.ytd;
  growth += -sums.last.value();
  if (!growth.fits()) return TotalOutOfRange("固定资产投资");
  auto* total = out.mutable_total();
  total->set_ytd_yuan(sums.ytd.value());
  total->set_ytd_last_year_yuan(sums.last.value());
  *total->mutable_yoy_growth() = MakeRate(growth.value(), sums.last.value());
  for (int c = pb::CATEGORY_PRIVATE; c <= pb::CATEGORY_TERTIARY; ++c) {
    const auto category = static_cast<pb::Category>(c);
    const AmountSum& cat_ytd = sums.category_ytd[c];
    const AmountSum& cat_last = sums.category_last[c];
    if (!cat_ytd.fits() || !cat_last.fits()) return TotalOutOfRange(DisplayNameOf(category));
    AmountSum cat_growth = cat_ytd;
    cat_growth += -cat_last.value();
    if (!cat_growth.fits()) return TotalOutOfRange(DisplayNameOf(category));
    auto* indicator = out.add_categories();
    indicator->set_category(category);
    indicator->set_ytd_yuan(cat_ytd.value());
    indicator->set_ytd_last_year_yuan(cat_last.value());
    *indicator->mutable_yoy_growth() = MakeRate(cat_growth.value(), cat_last.value());
  }
  out.set_annual_plan_yuan(sums.plan.value());
  out.set_project_count(static_cast<int32_t>(std::min<int64_t>(sums.projects, INT32_MAX)));
  out.set_reported_count(static_cast<int32_t>(std::min<int64_t>(sums.reported, INT32_MAX)));
  *out.mutable_completion_rate() = MakeRate(sums.ytd_with_plan.value(), sums.plan.value());
  *out.mutable_time_progress() = MakeRate(period.month, 12);
  return out;
}

absl::StatusOr<pb::GetIndicatorsResponse> ComputeIndicators(const std::vector<ProjectFacts>& projects,
                                                            const Period& period, const CodeTables& tables) {
  IndicatorSums sums;
  for (const auto& p : projects) sums.Add(p, tables);
  return FinishIndicators(sums, period);
}

pb::ProjectStatus StatusOf(const ProjectFacts& p, const Period& period, const StatusThresholds& t) {
  pb::ProjectStatus status;
  status.set_project_id(p.project_id);
  status.set_project_name(p.name);
  status.set_unit_id(p.unit_id);
  if (p.StartDate().empty() && !p.planned_start_date.empty() &&
      p.planned_start_date < period.MonthsBeforeStart(t.overdue_start_months - 1)) {
    // Planned to start in or before the month `overdue_start_months` before the period, and not started.
    status.set_status(pb::PROGRESS_STATUS_LAGGING);
    status.set_reason(
        absl::StrCat("计划开工 ", p.planned_start_date, " 逾期 ", t.overdue_start_months, " 个月以上未开工"));
    if (p.plan) *status.mutable_completion_rate() = MakeRate(p.ytd, *p.plan);
    return status;
  }
  if (!p.plan.has_value() || *p.plan <= 0) {
    status.set_status(pb::PROGRESS_STATUS_UNSPECIFIED);
    status.set_reason("无年度计划");
    return status;
  }
  const int64_t plan = *p.plan;
  *status.mutable_completion_rate() = MakeRate(p.ytd, plan);
  // The bands compare the exact gap; the rounded one is for display only.
  auto at_least = [&](int64_t threshold) { return GapAtLeast(p.ytd, plan, period.month, threshold); };
  status.set_gap_milli_points(GapMilliPoints(p.ytd, plan, period.month));
  if (at_least(t.ahead_milli_pp)) {
    status.set_status(pb::PROGRESS_STATUS_AHEAD);
  } else if (at_least(t.normal_milli_pp)) {
    status.set_status(pb::PROGRESS_STATUS_NORMAL);
  } else if (at_least(t.warning_milli_pp)) {
    status.set_status(pb::PROGRESS_STATUS_WARNING);
  } else {
    status.set_status(pb::PROGRESS_STATUS_LAGGING);
  }
  return status;
}

pb::ListProjectStatusesResponse StatusesOf(const std::vector<ProjectFacts>& projects, reg::ProjectTier tier,
                                           const Period& period, const StatusThresholds& thresholds) {
  pb::ListProjectStatusesResponse out;
  for (int s = pb::PROGRESS_STATUS_AHEAD; s <= pb::PROGRESS_STATUS_LAGGING; ++s) {
    (*out.mutable_count_by_status())[pb::ProgressStatus_Name(static_cast<pb::ProgressStatus>(s))] = 0;
  }
  std::vector<const ProjectFacts*> selected;
  for (const auto& p : projects) {
    if (p.HasTier(tier)) selected.push_back(&p);
  }
  std::sort(selected.begin(), selected.end(),
            [](const ProjectFacts* a, const ProjectFacts* b) { return a->project_id < b->project_id; });
  for (const ProjectFacts* p : selected) {
    pb::ProjectStatus status = StatusOf(*p, period, thresholds);
    (*out.mutable_count_by_status())[pb::ProgressStatus_Name(status.status())] += 1;
    *out.add_statuses() = std::move(status);
  }
  return out;
}

pb::ListStatusHistoryResponse StatusHistoryOf(const std::vector<std::vector<ProjectFacts>>& months,
                                              const Period& period, const StatusThresholds& thresholds) {
  pb::ListStatusHistoryResponse out;
  out.set_period(period.ToString());
  if (months.empty()) return out;
  const size_t last = months.size() - 1;
  for (size_t i = 0; i < months[last].size(); ++i) {
    const ProjectFacts& now = months[last][i];
    if (!now.HasTier(reg::PROJECT_TIER_KEY) && !now.HasTier(reg::PROJECT_TIER_MAJOR)) continue;
    pb::ProjectStatusHistory* h = out.add_projects();
    h->set_key(now.HasTier(reg::PROJECT_TIER_KEY));
    for (size_t m = 0; m < months.size(); ++m) {
      // Every month holds the same projects in the same order (one read, one list of projects).
      const Period month{period.year, static_cast<int>(m) + 2};
      pb::ProjectStatus status = StatusOf(months[m][i], month, thresholds);
      h->add_by_month(status.status());
      if (m == last) *h->mutable_status() = std::move(status);
    }
    if (last > 0) h->set_previous_status(h->by_month(static_cast<int>(last) - 1));
    int behind = 0;
    for (int m = static_cast<int>(last); m >= 0 && IsBehind(h->by_month(m)); --m) ++behind;
    h->set_months_behind(behind);
  }
  std::sort(out.mutable_projects()->begin(), out.mutable_projects()->end(),
            [](const pb::ProjectStatusHistory& a, const pb::ProjectStatusHistory& b) {
              return a.status().project_id() < b.status().project_id();
            });
  return out;
}

absl::StatusOr<pb::RankUnitsResponse> RankUnits(const std::vector<ProjectFacts>& projects, const Period& period,
                                                int64_t min_plan_yuan, bool ascending,
                                                const std::map<std::string, std::string>& unit_names) {
  std::map<std::string, std::pair<AmountSum, AmountSum>> sums;  // unit → (plan, ytd)
  for (const auto& p : projects) {
    if (!p.plan.has_value()) continue;
    auto& [plan, ytd] = sums[p.unit_id];
    plan += *p.plan;
    ytd += p.ytd;
  }
  std::map<std::string, std::pair<int64_t, int64_t>> by_unit;
  for (const auto& [unit, s] : sums) {
    if (!s.first.fits() || !s.second.fits()) return TotalOutOfRange(absl::StrCat("单位 ", unit, " 的投资"));
    by_unit[unit] = {s.first.value(), s.second.value()};
  }
  std::vector<pb::UnitRank> ranks;
  for (const auto& [unit, totals] : by_unit) {
    if (totals.first <= min_plan_yuan || totals.first <= 0) continue;
    pb::UnitRank r;
    r.set_unit_id(unit);
    auto name = unit_names.find(unit);
    r.set_unit_name(name == unit_names.end() ? unit : name->second);
    r.set_annual_plan_yuan(totals.first);
    r.set_ytd_yuan(totals.second);
    *r.mutable_completion_rate() = MakeRate(totals.second, totals.first);
    r.set_gap_milli_points(GapMilliPoints(totals.second, totals.first, period.month));
    r.set_below_time_progress(CompareWithTimeProgress(totals.second, totals.first, period.month) < 0);
    ranks.push_back(std::move(r));
  }
  std::sort(ranks.begin(), ranks.end(), [ascending](const pb::UnitRank& a, const pb::UnitRank& b) {
    const int c = CompareFractions(a.ytd_yuan(), a.annual_plan_yuan(), b.ytd_yuan(), b.annual_plan_yuan());
    if (c != 0) return ascending ? c < 0 : c > 0;
    return a.unit_id() < b.unit_id();
  });
  pb::RankUnitsResponse out;
  for (size_t i = 0; i < ranks.size(); ++i) {
    ranks[i].set_rank(static_cast<int>(i) + 1);
    *out.add_units() = std::move(ranks[i]);
  }
  return out;
}

int PrefectureRank(const pb::Rate& growth, const std::vector<int64_t>& peers) {
  if (!growth.defined() || peers.empty()) return 0;
  int rank = 1;
  for (int64_t peer : peers) {
    // peer/100000 > numerator/denominator (growth as a fraction; peer in thousandths of a percent).
    if (CompareFractions(peer, 100000, growth.numerator(), growth.denominator()) > 0) ++rank;
  }
  return rank;
}

}  // namespace saima::stats
