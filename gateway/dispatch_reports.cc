// The gateway's 月调度、季分析、年总结 reports: each gathers what registry, stats and scoring own, with the caller's
// rights, and adds nothing but arithmetic on their figures.

#include <algorithm>
#include <map>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/civil_time.h"
#include "common/names.h"
#include "common/period.h"
#include "common/policy.h"
#include "common/progress.h"
#include "common/status.h"
#include "gateway/gateway.h"
#include "google/protobuf/util/time_util.h"
#include "services/registry/dispatch_rules.h"
#include "services/stats/indicators.h"

namespace saima::gateway {
namespace {

namespace reg = ::saima::registry::v1;
namespace st = ::saima::stats::v1;
namespace sc = ::saima::scoring::v1;

// "2023-05" → {2023, 5}; INVALID_ARGUMENT unless MM is 02–12.
absl::StatusOr<Period> ParseReportPeriod(const std::string& period, const char* field) {
  Violations v;
  CheckPeriod(period, field, v);
  if (!v.ok()) return v.ToStatus();
  return *Period::Parse(period);
}

// 季分析 and 年总结 cover every unit of the city: they are for those who see the whole city's dispatch.
absl::Status RequireCityWide(const Caller& caller, const std::string& report) {
  if (ScopeOf(caller, Action::ACTION_READ_DISPATCH) == Scope::kAll) return absl::OkStatus();
  return Error(absl::StatusCode::kPermissionDenied,
               absl::StrCat("the ", report, " covers every unit: it needs ACTION_READ_DISPATCH of the whole city"),
               absl::StrCat(report == "quarterly analysis" ? "季度分析" : "年度总结",
                            "涵盖全市各单位，仅限可查看全市调度的用户查看"));
}

std::string PeriodOf(int year, int month) { return Period{year, month}.ToString(); }

int64_t DaysBetween(const std::string& from, const std::string& to) {
  absl::CivilDay a, b;
  if (!absl::ParseCivilTime(from, &a) || !absl::ParseCivilTime(to, &b)) return 0;
  return b - a;
}

}  // namespace

absl::StatusOr<gw::GetDispatchAgendaResponse> Gateway::GetDispatchAgenda(const CallInfo& call,
                                                                         const gw::GetDispatchAgendaRequest& request) {
  auto month = ParseReportPeriod(request.period(), "period");
  if (!month.ok()) return month.status();
  const int warning_months = request.warning_months() > 0 ? request.warning_months() : 2;
  gw::GetDispatchAgendaResponse out;
  out.set_period(request.period());
  out.set_as_of_date(month->EndDate());
  *out.mutable_generated_time() = google::protobuf::util::TimeUtil::GetCurrentTime();
  auto names = UnitNames(call);
  if (!names.ok()) return names.status();

  // The key and major projects' statuses from 02 to this period, with the months behind: stats decides them.
  st::ListStatusHistoryRequest history_request;
  history_request.set_period(request.period());
  auto history = Ask(call, &st::StatsService::Stub::ListStatusHistory, history_request);
  if (!history.ok()) return history.status();
  reg::ListProblemsRequest problems_request;
  problems_request.set_open_only(true);
  problems_request.set_as_of_date(out.as_of_date());
  auto problems = Ask(call, &reg::DispatchService::Stub::ListProblems, problems_request);
  if (!problems.ok()) return problems.status();
  reg::ListOrdersRequest orders_request;
  orders_request.set_open_only(true);
  auto orders = Ask(call, &reg::DispatchService::Stub::ListOrders, orders_request);
  if (!orders.ok()) return orders.status();
  std::map<int64_t, std::vector<const reg::Problem*>> problems_of;
  for (const auto& p : problems->problems()) {
    problems_of[p.project_id()].push_back(&p);
    if (p.overdue()) {
      *out.add_overdue_problems() = p;
      (*out.mutable_unit_names())[p.responsible_unit_id()] = (*names)[p.responsible_unit_id()];
    }
  }
  std::map<int64_t, std::vector<const reg::Order*>> orders_of;
  for (const auto& o : orders->orders()) orders_of[o.project_id()].push_back(&o);

  auto entry = [&](const st::ProjectStatusHistory& h) {
    const st::ProjectStatus& s = h.status();
    gw::AgendaProject a;
    a.set_project_id(s.project_id());
    a.set_project_name(s.project_name());
    a.set_unit_id(s.unit_id());
    a.set_unit_name((*names)[s.unit_id()]);
    a.set_status(DisplayNameOf(s.status()));
    a.set_ytd_yuan(s.completion_rate().numerator());
    a.set_plan_yuan(s.completion_rate().denominator());
    a.set_reason(s.reason());
    if (month->month > 2) a.set_previous_status(DisplayNameOf(h.previous_status()));
    a.set_months_behind(h.months_behind());
    for (const auto* p : problems_of[s.project_id()]) *a.add_problems() = *p;
    for (const auto* o : orders_of[s.project_id()]) *a.add_orders() = *o;
    return a;
  };
  for (const auto& h : history->projects()) {
    const st::ProjectStatus& s = h.status();
    gw::AgendaProject a = entry(h);
    if (month->month > 2 && a.previous_status() != a.status()) *out.add_light_changes() = a;
    if (!IsBehind(s.status())) continue;
    const bool open_order = !orders_of[s.project_id()].empty();
    if (!open_order && (s.status() == st::PROGRESS_STATUS_LAGGING || a.months_behind() >= warning_months)) {
      *out.add_proposed_orders() = a;
    }
    *out.add_behind() = std::move(a);
  }
  // 滞后 first, then 预警; within each, the longest behind first.
  std::stable_sort(out.mutable_behind()->begin(), out.mutable_behind()->end(),
                   [](const gw::AgendaProject& a, const gw::AgendaProject& b) {
                     if (a.status() != b.status()) return a.status() == "滞后";
                     return a.months_behind() > b.months_behind();
                   });

  // Overdue milestones of the key and major projects the caller may see (a unit sees its own), in one call.
  std::map<int64_t, const st::ProjectStatus*> status_of;
  reg::ListMilestonesRequest milestones_request;
  for (const auto& h : history->projects()) {
    status_of[h.status().project_id()] = &h.status();
    milestones_request.add_project_ids(h.status().project_id());
  }
  if (!status_of.empty()) {
    auto milestones = Ask(call, &reg::RegistryService::Stub::ListMilestones, milestones_request);
    if (!milestones.ok()) return milestones.status();
    for (const auto& m : milestones->milestones()) {
      if (!m.met_date().empty() || m.due_date().empty() || m.due_date() >= out.as_of_date()) continue;
      const st::ProjectStatus& s = *status_of[m.project_id()];
      auto* a = out.add_overdue_milestones();
      a->set_project_id(m.project_id());
      a->set_project_name(s.project_name());
      a->set_unit_name((*names)[s.unit_id()]);
      *a->mutable_milestone() = m;
      a->set_days_overdue(static_cast<int32_t>(DaysBetween(m.due_date(), out.as_of_date())));
    }
  }

  reg::ListMissingRukuRequest missing_request;
  missing_request.set_as_of_date(out.as_of_date());
  auto missing = Ask(call, &reg::RegistryService::Stub::ListMissingRuku, missing_request);
  if (!missing.ok()) return missing.status();
  *out.mutable_not_ruku() = missing->entries();
  for (const auto& e : out.not_ruku())
    (*out.mutable_unit_names())[e.project().unit_id()] = (*names)[e.project().unit_id()];

  st::RankUnitsRequest rank_request;
  rank_request.set_period(request.period());
  rank_request.set_ascending(true);
  auto ranks = Ask(call, &st::StatsService::Stub::RankUnits, rank_request);
  if (!ranks.ok()) return ranks.status();
  for (const auto& u : ranks->units()) {
    if (!u.below_time_progress()) continue;  // stats compares with time progress, exactly
    auto* a = out.add_units_behind();
    a->set_unit_id(u.unit_id());
    a->set_unit_name(u.unit_name());
    a->set_ytd_yuan(u.ytd_yuan());
    a->set_plan_yuan(u.annual_plan_yuan());
    a->set_gap_milli_points(u.gap_milli_points());
  }

  reg::ListDecisionsRequest decisions_request;
  decisions_request.set_period(request.period());
  auto decisions = Ask(call, &reg::DispatchService::Stub::ListDecisions, decisions_request);
  if (!decisions.ok()) return decisions.status();
  *out.mutable_decisions() = decisions->decisions();

  // Where the year is heading, for those who may read the city's reports: stats projects it.
  if (Authorize(call.identity.caller, Action::ACTION_READ_REPORTS).ok()) {
    st::GetForecastRequest forecast_request;
    forecast_request.set_period(request.period());
    auto forecast = Ask(call, &st::StatsService::Stub::GetForecast, forecast_request);
    if (!forecast.ok()) return forecast.status();
    *out.mutable_city_forecast() = forecast->city();
    for (const auto* list : {&forecast->units(), &forecast->key_projects()}) {
      for (const auto& f : *list) {
        if (f.verdict() == st::FORECAST_VERDICT_UNLIKELY) *out.add_projected_to_miss() = f;
      }
    }
  }
  return out;
}

absl::StatusOr<gw::GetQuarterlyAnalysisResponse> Gateway::GetQuarterlyAnalysis(
    const CallInfo& call, const gw::GetQuarterlyAnalysisRequest& request) {
  if (absl::Status s = RequireCityWide(call.identity.caller, "quarterly analysis"); !s.ok()) return s;
  Violations v;
  if (request.year() < 2000 || request.year() > 2100) v.Add("year", "must be a year", "年份应在 2000 至 2100 之间");
  if (request.quarter() < 1 || request.quarter() > 4) v.Add("quarter", "must be 1 to 4", "季度应为 1 至 4");
  if (!v.ok()) return v.ToStatus();
  const int last_month = request.quarter() * 3;
  const Period end{request.year(), last_month};
  const std::string from = end.MonthsBeforeStart(2);
  const std::string to = end.EndDate();
  gw::GetQuarterlyAnalysisResponse out;
  out.set_year(request.year());
  out.set_quarter(request.quarter());
  out.set_period(PeriodOf(request.year(), last_month));

  // New projects: planned to start this year; started by the quarter's end.
  reg::ListProjectsRequest list;
  list.set_page_size(1000);
  const std::string year = absl::StrCat(request.year());
  do {
    auto page = Ask(call, &reg::RegistryService::Stub::ListProjects, list);
    if (!page.ok()) return page.status();
    for (const auto& p : page->projects()) {
      if (p.planned_start_date().substr(0, 4) != year) continue;
      out.set_new_projects(out.new_projects() + 1);
      if (!p.actual_start_date().empty() && p.actual_start_date() <= to) out.set_new_started(out.new_started() + 1);
    }
    list.set_page_token(page->next_page_token());
  } while (!list.page_token().empty());
  for (const auto& m : settings_.start_rate_milestones) {
    if (m.month() <= last_month && m.month() >= out.milestone().month()) *out.mutable_milestone() = m;
  }
  if (out.milestone().month() > 0 && out.new_projects() > 0) {
    const int64_t rate_scaled = int64_t{out.new_started()} * 100;  // compared with target × new_projects
    const int64_t target_scaled = int64_t{out.milestone().target_percent()} * out.new_projects();
    out.set_milestone_met(out.milestone().strictly_above() ? rate_scaled > target_scaled
                                                           : rate_scaled >= target_scaled);
  }

  st::GetIndicatorsRequest indicators_request;
  indicators_request.set_period(out.period());
  auto indicators = Ask(call, &st::StatsService::Stub::GetIndicators, indicators_request);
  if (!indicators.ok()) return indicators.status();
  auto figure = [](const std::string& name, const st::Indicator& i, int64_t plan) {
    gw::QuarterFigure f;
    f.set_name(name);
    f.set_ytd_yuan(i.ytd_yuan());
    f.set_last_ytd_yuan(i.ytd_last_year_yuan());
    f.set_plan_yuan(plan);
    return f;
  };
  *out.add_by_category() = figure("固定资产投资", indicators->total(), indicators->annual_plan_yuan());
  for (const auto& c : indicators->categories()) *out.add_by_category() = figure(DisplayNameOf(c.category()), c, 0);
  st::RankUnitsRequest rank_request;
  rank_request.set_period(out.period());
  auto ranks = Ask(call, &st::StatsService::Stub::RankUnits, rank_request);
  if (!ranks.ok()) return ranks.status();
  for (const auto& u : ranks->units()) {
    auto* f = out.add_by_unit();
    f->set_name(u.unit_name());
    f->set_ytd_yuan(u.ytd_yuan());
    f->set_plan_yuan(u.annual_plan_yuan());
  }

  auto problems = Ask(call, &reg::DispatchService::Stub::ListProblems, reg::ListProblemsRequest());
  if (!problems.ok()) return problems.status();
  for (const auto& p : problems->problems()) {
    if (p.opened_date() >= from && p.opened_date() <= to) {
      out.set_problems_opened(out.problems_opened() + 1);
      (*out.mutable_problems_by_kind())[DisplayNameOf(p.kind())]++;
    }
    if (!p.closed_date().empty() && p.closed_date() >= from && p.closed_date() <= to) {
      out.set_problems_solved(out.problems_solved() + 1);
    }
  }
  auto orders = Ask(call, &reg::DispatchService::Stub::ListOrders, reg::ListOrdersRequest());
  if (!orders.ok()) return orders.status();
  for (const auto& o : orders->orders()) {
    if (o.issued_date() >= from && o.issued_date() <= to) out.set_orders_issued(out.orders_issued() + 1);
    if (!o.closed_date().empty() && o.closed_date() >= from && o.closed_date() <= to) {
      out.set_orders_closed(out.orders_closed() + 1);
    }
  }
  return out;
}

absl::StatusOr<gw::GetAnnualSummaryResponse> Gateway::GetAnnualSummary(const CallInfo& call,
                                                                       const gw::GetAnnualSummaryRequest& request) {
  if (absl::Status s = RequireCityWide(call.identity.caller, "annual summary"); !s.ok()) return s;
  if (request.year() < 2000 || request.year() > 2100)
    return InvalidField("year", "must be a year", "年份应在 2000 至 2100 之间");
  const std::string period = request.period().empty() ? PeriodOf(request.year(), 12) : request.period();
  auto month = ParseReportPeriod(period, "period");
  if (!month.ok()) return month.status();
  if (month->year != request.year())
    return InvalidField("period", "must be a month of the year summarised", "月份应属于所总结的年份");
  gw::GetAnnualSummaryResponse out;
  out.set_year(request.year());
  out.set_period(period);

  st::GetIndicatorsRequest indicators_request;
  indicators_request.set_period(period);
  auto indicators = Ask(call, &st::StatsService::Stub::GetIndicators, indicators_request);
  if (!indicators.ok()) return indicators.status();
  // The target is stats' setting, the one the forecast judges by.
  out.set_growth_target_milli_percent(indicators->growth_target_milli_percent());
  *out.mutable_total() = indicators->total();
  out.set_annual_plan_yuan(indicators->annual_plan_yuan());
  const auto& growth = indicators->total().yoy_growth();
  out.set_growth_target_met(growth.denominator() > 0 &&
                            static_cast<__int128>(growth.numerator()) * 100000 >=
                                static_cast<__int128>(out.growth_target_milli_percent()) * growth.denominator());

  std::map<std::string, gw::UnitYear> units;
  st::RankUnitsRequest rank_request;
  rank_request.set_period(period);
  auto ranks = Ask(call, &st::StatsService::Stub::RankUnits, rank_request);
  if (!ranks.ok()) return ranks.status();
  for (const auto& u : ranks->units()) {
    gw::UnitYear& y = units[u.unit_id()];
    y.set_unit_id(u.unit_id());
    y.set_unit_name(u.unit_name());
    y.set_ytd_yuan(u.ytd_yuan());
    y.set_plan_yuan(u.annual_plan_yuan());
  }
  const int months = month->month - 1;  // 02 … MM
  for (int m = 2; m <= month->month; ++m) out.add_months(PeriodOf(request.year(), m));
  // The key projects' statuses month by month, in one call.
  st::ListStatusHistoryRequest history_request;
  history_request.set_period(period);
  auto history = Ask(call, &st::StatsService::Stub::ListStatusHistory, history_request);
  if (!history.ok()) return history.status();
  for (const auto& h : history->projects()) {
    if (!h.key()) continue;
    gw::UnitYear& y = units[h.status().unit_id()];
    y.set_unit_id(h.status().unit_id());
    if (y.warning_by_month_size() == 0) {
      y.mutable_warning_by_month()->Resize(months, 0);
      y.mutable_lagging_by_month()->Resize(months, 0);
    }
    for (int i = 0; i < h.by_month_size() && i < months; ++i) {
      if (h.by_month(i) == st::PROGRESS_STATUS_WARNING) y.set_warning_by_month(i, y.warning_by_month(i) + 1);
      if (h.by_month(i) == st::PROGRESS_STATUS_LAGGING) y.set_lagging_by_month(i, y.lagging_by_month(i) + 1);
    }
  }
  auto orders = Ask(call, &reg::DispatchService::Stub::ListOrders, reg::ListOrdersRequest());
  if (!orders.ok()) return orders.status();
  const std::string year = absl::StrCat(request.year());
  for (const auto& o : orders->orders()) {
    gw::UnitYear& y = units[o.unit_id()];
    y.set_unit_id(o.unit_id());
    if (o.issued_date().substr(0, 4) == year) y.set_orders_issued(y.orders_issued() + 1);
    if (o.closed_date().substr(0, 4) == year) y.set_orders_closed(y.orders_closed() + 1);
  }
  sc::ListCampaignsRequest campaigns_request;
  campaigns_request.set_year(request.year());
  auto campaigns = Ask(call, &sc::ScoringService::Stub::ListCampaigns, campaigns_request);
  if (!campaigns.ok()) return campaigns.status();
  for (const auto& c : campaigns->campaigns()) {
    if (!c.published()) continue;
    sc::GetResultsRequest results_request;
    results_request.set_campaign_id(c.campaign_id());
    auto results = Ask(call, &sc::ScoringService::Stub::GetResults, results_request);
    if (!results.ok()) return results.status();
    for (const auto& r : results->results()) {
      gw::UnitYear& y = units[r.unit_id()];
      y.set_unit_id(r.unit_id());
      y.set_contest_rank(r.rank());
      y.set_contest_score_milli(r.score_milli());
    }
    break;
  }
  auto names = UnitNames(call);
  if (!names.ok()) return names.status();
  for (auto& [id, y] : units) {
    if (y.unit_name().empty()) y.set_unit_name((*names)[id]);
    if (y.warning_by_month_size() == 0) {
      y.mutable_warning_by_month()->Resize(months, 0);
      y.mutable_lagging_by_month()->Resize(months, 0);
    }
    *out.add_units() = std::move(y);
  }
  return out;
}

absl::StatusOr<std::vector<gw::StartRateMilestone>> ParseStartRateMilestones(const std::string& text) {
  std::vector<gw::StartRateMilestone> out;
  for (absl::string_view item : absl::StrSplit(text, ',', absl::SkipWhitespace())) {
    std::pair<std::string, std::string> parts = absl::StrSplit(item, ':');
    gw::StartRateMilestone m;
    int month = 0, target = 0;
    std::string value = parts.second;
    if (absl::StartsWith(value, ">=")) {
      value = value.substr(2);
    } else if (absl::StartsWith(value, ">")) {
      value = value.substr(1);
      m.set_strictly_above(true);
    }
    if (!absl::SimpleAtoi(parts.first, &month) || month < 1 || month > 12 || !absl::SimpleAtoi(value, &target) ||
        target < 0 || target > 100) {
      return InvalidField("start_rate_milestones",
                          absl::StrCat("'", item, "' is not MONTH:>=PERCENT or MONTH:>PERCENT"),
                          absl::StrCat("开工率节点“", item, "”应写作 月份:>=百分比 或 月份:>百分比"));
    }
    m.set_month(month);
    m.set_target_percent(target);
    out.push_back(m);
  }
  return out;
}

}  // namespace saima::gateway
