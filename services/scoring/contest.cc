#include "services/scoring/contest.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "common/names.h"
#include "common/period.h"
#include "common/policy.h"
#include "common/status.h"
#include "services/registry/project_rules.h"
#include "services/scoring/aggregation.h"
#include "services/scoring/contest_rules.h"

namespace saima::scoring {
namespace {

absl::Status OrganisersOnly(const Caller& c, const char*) { return Authorize(c, Action::ACTION_MANAGE_CAMPAIGN); }

bool IsTownship(reg::UnitType type) { return type == reg::UNIT_TYPE_TOWNSHIP || type == reg::UNIT_TYPE_SUBDISTRICT; }

// The last day of a checked period "2023-05" as "2023-05-31".
std::string LastDayOf(const std::string& period) { return Period::Parse(period)->EndDate(); }

}  // namespace

absl::StatusOr<pb::CreateCampaignResponse> Contest::CreateCampaign(const Caller& c, const pb::CreateCampaignRequest& q,
                                                                   absl::Time d) {
  if (absl::Status s = OrganisersOnly(c, "create campaigns"); !s.ok()) return s;
  auto units = facts_.Units(d);
  if (!units.ok()) return units.status();
  std::vector<std::string> known;
  for (const auto& [id, unit] : *units) known.push_back(id);
  pb::Campaign campaign = q.campaign();
  if (absl::Status s = NormalizeCampaign(campaign, known); !s.ok()) return s;
  auto stored = store_.CreateCampaign(campaign, q.request_id(), c.user_id, d);
  if (!stored.ok()) return stored.status();
  pb::CreateCampaignResponse r;
  *r.mutable_campaign() = *std::move(stored);
  return r;
}

absl::StatusOr<pb::GetCampaignResponse> Contest::GetCampaign(const Caller&, const pb::GetCampaignRequest& q,
                                                             absl::Time d) {
  auto campaign = store_.GetCampaign(q.campaign_id(), d);
  if (!campaign.ok()) return campaign.status();
  pb::GetCampaignResponse r;
  *r.mutable_campaign() = *std::move(campaign);
  return r;
}

absl::StatusOr<pb::ListCampaignsResponse> Contest::ListCampaigns(const Caller&, const pb::ListCampaignsRequest& q,
                                                                 absl::Time d) {
  auto campaigns = store_.ListCampaigns(q.year(), d);
  if (!campaigns.ok()) return campaigns.status();
  pb::ListCampaignsResponse r;
  for (auto& campaign : *campaigns) *r.add_campaigns() = std::move(campaign);
  return r;
}

absl::StatusOr<pb::AddJudgeResponse> Contest::AddJudge(const Caller& c, const pb::AddJudgeRequest& q, absl::Time d) {
  if (absl::Status s = OrganisersOnly(c, "appoint judges"); !s.ok()) return s;
  Violations v;
  if (q.judge().judge_id().empty()) v.Add("judge.judge_id", "is required (the judge's user id)", "评委账号必填");
  if (q.judge().name().empty()) v.Add("judge.name", "is required", "评委姓名必填");
  if (!q.judge().unit_id().empty()) {
    auto units = facts_.Units(d);
    if (!units.ok()) return units.status();
    if (!units->count(q.judge().unit_id())) {
      v.Add("judge.unit_id", absl::StrCat("unit ", q.judge().unit_id(), " does not exist"),
            absl::StrCat("单位“", q.judge().unit_id(), "”不存在"));
    }
  }
  if (!v.ok()) return v.ToStatus();
  auto judge = store_.PutJudge(q.campaign_id(), q.judge(), c.user_id, d);
  if (!judge.ok()) return judge.status();
  pb::AddJudgeResponse r;
  *r.mutable_judge() = *std::move(judge);
  return r;
}

absl::StatusOr<pb::NominateProjectResponse> Contest::NominateProject(const Caller& c,
                                                                     const pb::NominateProjectRequest& q,
                                                                     absl::Time d) {
  if (absl::Status s = Authorize(c, Action::ACTION_NOMINATE); !s.ok()) return s;
  auto campaign = store_.GetCampaign(q.campaign_id(), d);
  if (!campaign.ok()) return campaign.status();
  auto project = facts_.Project(q.project_id(), d);
  if (!project.ok()) return project.status();
  if (absl::Status s = Authorize(c, Action::ACTION_NOMINATE, Target{project->unit_id(), "", ""}); !s.ok()) return s;
  NominationFacts facts;
  facts.project = *project;
  auto documents = facts_.Documents(q.project_id(), d);
  if (!documents.ok()) return documents.status();
  facts.documents = *std::move(documents);
  auto shown = store_.SelectedYears(q.project_id(), d);
  if (!shown.ok()) return shown.status();
  facts.shown_in_years = *std::move(shown);
  pb::Nomination nomination;
  nomination.set_campaign_id(q.campaign_id());
  nomination.set_project_id(q.project_id());
  nomination.set_unit_id(project->unit_id());
  nomination.set_project_name(project->name());
  for (auto& rule : FailedRules(*campaign, facts)) nomination.add_failed_rules(std::move(rule));
  auto stored = store_.Nominate(nomination, q.request_id(), c.user_id, d);
  if (!stored.ok()) return stored.status();
  pb::NominateProjectResponse r;
  *r.mutable_nomination() = *std::move(stored);
  return r;
}

absl::StatusOr<pb::ReviewNominationResponse> Contest::ReviewNomination(const Caller& c,
                                                                       const pb::ReviewNominationRequest& q,
                                                                       absl::Time d) {
  if (absl::Status s = Authorize(c, Action::ACTION_REVIEW_NOMINATION); !s.ok()) return s;
  if (!q.approve() && q.note().empty())
    return InvalidField("note", "a rejection needs a reason", "预审不通过须写明理由");
  auto nomination = store_.Review(q.nomination_id(), q.approve(), q.note(), c.user_id, d);
  if (!nomination.ok()) return nomination.status();
  pb::ReviewNominationResponse r;
  *r.mutable_nomination() = *std::move(nomination);
  return r;
}

absl::StatusOr<pb::ListNominationsResponse> Contest::ListNominations(const Caller&, const pb::ListNominationsRequest& q,
                                                                     absl::Time d) {
  auto nominations = store_.ListNominations(q.campaign_id(), d);
  if (!nominations.ok()) return nominations.status();
  pb::ListNominationsResponse r;
  for (auto& n : *nominations) *r.add_nominations() = std::move(n);
  return r;
}

absl::StatusOr<pb::FinalizeSelectionResponse> Contest::FinalizeSelection(const Caller& c,
                                                                         const pb::FinalizeSelectionRequest& q,
                                                                         absl::Time d) {
  if (absl::Status s = OrganisersOnly(c, "fix the observation-project list"); !s.ok()) return s;
  auto selected =
      store_.FinalizeSelection(q.campaign_id(), {q.nomination_ids().begin(), q.nomination_ids().end()}, c.user_id, d);
  if (!selected.ok()) return selected.status();
  // The registry's tier follows the stored selection; a retry completes what an interrupted call left undone.
  for (const auto& n : *selected) {
    if (absl::Status s = facts_.MarkObservation(c, n.project_id(), d); !s.ok()) return s;
  }
  pb::FinalizeSelectionResponse r;
  for (auto& n : *selected) *r.add_selected() = std::move(n);
  return r;
}

absl::StatusOr<pb::ScoreSheet> Contest::WriteSheet(const Caller& c, const pb::ScoreSheet& sheet, bool submit,
                                                   absl::Time d) {
  // A judge writes their own sheets; the organisers may enter a paper sheet for any judge.
  if (absl::Status s = Authorize(c, Action::ACTION_SCORE, Target{"", "", sheet.judge_id()}); !s.ok()) return s;
  auto campaign = store_.GetCampaign(sheet.campaign_id(), d);
  if (!campaign.ok()) return campaign.status();
  const pb::Judge* judge = nullptr;
  for (const auto& j : campaign->judges()) {
    if (j.judge_id() == sheet.judge_id()) judge = &j;
  }
  if (judge == nullptr) {
    return Error(
        absl::StatusCode::kPermissionDenied,
        absl::StrCat(sheet.judge_id(), " is not a judge of campaign ", sheet.campaign_id(), "; only its judges score"),
        "只有本次赛马的评委才能评分");
  }
  if (PoolOf(*campaign, sheet.unit_id()) == nullptr) {
    return InvalidField("sheet.unit_id", absl::StrCat("unit ", sheet.unit_id(), " is not an entry of the campaign"),
                        absl::StrCat("单位“", sheet.unit_id(), "”不是本次赛马的参赛单位"));
  }
  if (!judge->unit_id().empty() && judge->unit_id() == sheet.unit_id()) {
    return Error(absl::StatusCode::kPermissionDenied,
                 absl::StrCat("回避: judge ", judge->judge_id(), " belongs to the unit and does not score it"),
                 "回避：评委不能为本单位评分");
  }
  const pb::Campaign& rules = *campaign;
  return store_.WriteSheet(
      sheet, submit, [&](const pb::ScoreSheet& merged) { return CheckSheet(rules, merged, submit); }, c.user_id, d);
}

absl::StatusOr<pb::SaveScoreSheetResponse> Contest::SaveScoreSheet(const Caller& c, const pb::SaveScoreSheetRequest& q,
                                                                   absl::Time d) {
  auto sheet = WriteSheet(c, q.sheet(), /*submit=*/false, d);
  if (!sheet.ok()) return sheet.status();
  pb::SaveScoreSheetResponse r;
  *r.mutable_sheet() = *std::move(sheet);
  return r;
}

absl::StatusOr<pb::SubmitScoreSheetResponse> Contest::SubmitScoreSheet(const Caller& c,
                                                                       const pb::SubmitScoreSheetRequest& q,
                                                                       absl::Time d) {
  pb::ScoreSheet sheet;
  sheet.set_campaign_id(q.campaign_id());
  sheet.set_judge_id(q.judge_id());
  sheet.set_unit_id(q.unit_id());
  auto stored = WriteSheet(c, sheet, /*submit=*/true, d);
  if (!stored.ok()) return stored.status();
  pb::SubmitScoreSheetResponse r;
  *r.mutable_sheet() = *std::move(stored);
  return r;
}

absl::StatusOr<pb::ListScoreSheetsResponse> Contest::ListScoreSheets(const Caller& c,
                                                                     const pb::ListScoreSheetsRequest& q,
                                                                     absl::Time d) {
  if (absl::Status s = Authorize(c, Action::ACTION_READ_SCORE_SHEETS); !s.ok()) return s;
  // A judge sees their own sheets only.
  const std::string judge_id = ScopeOf(c, Action::ACTION_READ_SCORE_SHEETS) == Scope::kSelf ? c.user_id : "";
  auto sheets = store_.ListSheets(q.campaign_id(), judge_id, d);
  if (!sheets.ok()) return sheets.status();
  pb::ListScoreSheetsResponse r;
  for (auto& s : *sheets) *r.add_sheets() = std::move(s);
  return r;
}

absl::StatusOr<pb::GetResultsResponse> Contest::Results(const Caller& c, int64_t campaign_id, bool publish,
                                                        absl::Time d) {
  auto campaign = store_.GetCampaign(campaign_id, d);
  if (!campaign.ok()) return campaign.status();
  std::vector<Entry> entries;
  if (!campaign->published()) {  // once published, the frozen results are returned and nothing is fetched
    auto units = facts_.Units(d);
    if (!units.ok()) return units.status();
    auto completion = facts_.Completion(campaign->figures_period(), d);
    if (!completion.ok()) return completion.status();
    for (const auto& pool : campaign->pools()) {
      for (const auto& unit_id : pool.unit_ids()) {
        Entry& e = entries.emplace_back();
        e.unit_id = unit_id;
        e.pool_id = pool.pool_id();
        if (auto it = units->find(unit_id); it != units->end()) e.unit_name = it->second.name();
        if (auto it = completion->find(unit_id); it != completion->end()) {
          e.completion_numerator = it->second.first;
          e.completion_denominator = it->second.second;
        }
      }
    }
  }
  const pb::Campaign& rules = *campaign;
  auto compute = [&](const std::vector<pb::ScoreSheet>& stored) -> absl::StatusOr<std::vector<pb::Result>> {
    std::vector<Sheet> sheets;
    for (const auto& s : stored)
      sheets.push_back(Sheet{s.judge_id(), s.unit_id(), {s.scores().begin(), s.scores().end()}});
    return Aggregate(rules.method(), {rules.criteria().begin(), rules.criteria().end()}, entries, sheets);
  };
  auto results = store_.StoreResults(campaign_id, publish, compute, c.user_id, d);
  if (!results.ok()) return results.status();
  *results->mutable_campaign() = *campaign;
  results->mutable_campaign()->set_published(results->published());
  return results;
}

absl::StatusOr<pb::ComputeResultsResponse> Contest::ComputeResults(const Caller& c, const pb::ComputeResultsRequest& q,
                                                                   absl::Time d) {
  if (absl::Status s = OrganisersOnly(c, "compute results"); !s.ok()) return s;
  auto results = Results(c, q.campaign_id(), /*publish=*/false, d);
  if (!results.ok()) return results.status();
  pb::ComputeResultsResponse r;
  *r.mutable_results() = results->results();
  return r;
}

absl::StatusOr<pb::PublishResultsResponse> Contest::PublishResults(const Caller& c, const pb::PublishResultsRequest& q,
                                                                   absl::Time d) {
  if (absl::Status s = OrganisersOnly(c, "publish results"); !s.ok()) return s;
  auto results = Results(c, q.campaign_id(), /*publish=*/true, d);
  if (!results.ok()) return results.status();
  pb::PublishResultsResponse r;
  *r.mutable_results() = results->results();
  *r.mutable_publish_time() = results->publish_time();
  return r;
}

absl::StatusOr<pb::GetResultsResponse> Contest::GetResults(const Caller& c, const pb::GetResultsRequest& q,
                                                           absl::Time d) {
  auto campaign = store_.GetCampaign(q.campaign_id(), d);
  if (!campaign.ok()) return campaign.status();
  if (!campaign->published() && ScopeOf(c, Action::ACTION_READ_UNPUBLISHED_RESULTS) == Scope::kNone) {
    return Error(absl::StatusCode::kFailedPrecondition,
                 absl::StrCat("the results of campaign ", q.campaign_id(), " are not published yet"),
                 "赛马结果尚未发布");
  }
  auto results = store_.GetResults(q.campaign_id(), d);
  if (!results.ok()) return results.status();
  *results->mutable_campaign() = *std::move(campaign);
  return results;
}

absl::StatusOr<pb::GetLookBackResponse> Contest::GetLookBack(const Caller&, const pb::GetLookBackRequest& q,
                                                             absl::Time d) {
  Violations v;
  if (q.year() < 2000 || q.year() > 2100)
    v.Add("year", "must be the year looked back on", "回头看的年份应在 2000 至 2100 之间");
  CheckPeriod(q.period(), "period", v);
  if (!v.ok()) return v.ToStatus();
  auto units = facts_.Units(d);
  if (!units.ok()) return units.status();
  auto projects = facts_.PlannedProjects(q.year(), d);
  if (!projects.ok()) return projects.status();
  std::vector<int64_t> ids;
  for (const auto& p : *projects) ids.push_back(p.project_id());
  auto figures = facts_.LatestFigures(ids, q.period(), d);
  if (!figures.ok()) return figures.status();
  auto statuses = facts_.Statuses(q.period(), d);
  if (!statuses.ok()) return statuses.status();

  pb::GetLookBackResponse r;
  // Last year's published campaign: each unit's rank.
  std::map<std::string, const pb::Result*> last;
  pb::GetResultsResponse last_results;
  auto campaigns = store_.ListCampaigns(q.year(), d);
  if (!campaigns.ok()) return campaigns.status();
  for (const auto& campaign : *campaigns) {
    if (!campaign.published()) continue;
    auto results = store_.GetResults(campaign.campaign_id(), d);
    if (!results.ok()) return results.status();
    last_results = *std::move(results);
    r.set_campaign_id(campaign.campaign_id());
    break;
  }
  for (const auto& result : last_results.results()) last[result.unit_id()] = &result;

  const std::string last_day = LastDayOf(q.period());
  std::map<std::string, pb::LookBackEntry> by_unit;
  for (const auto& p : *projects) {
    pb::LookBackEntry& e = by_unit[p.unit_id()];
    e.set_unit_id(p.unit_id());
    pb::LookBackProject& lp = *e.add_projects();
    lp.set_project_id(p.project_id());
    lp.set_name(p.name());
    lp.set_stage_name(DisplayNameOf(p.stage()));
    lp.set_started(!p.actual_start_date().empty() && p.actual_start_date() <= last_day);
    lp.set_planned_total_investment_yuan(p.planned_total_investment_yuan());
    if (auto it = figures->find(p.project_id()); it != figures->end()) {
      lp.set_invested_to_date_yuan(it->second.since_start_yuan());
    }
    if (auto it = statuses->find(p.project_id()); it != statuses->end()) lp.set_status(it->second);
    e.set_planned_projects(e.planned_projects() + 1);
    e.set_started_projects(e.started_projects() + (lp.started() ? 1 : 0));
    e.set_planned_investment_yuan(e.planned_investment_yuan() + lp.planned_total_investment_yuan());
    e.set_invested_to_date_yuan(e.invested_to_date_yuan() + lp.invested_to_date_yuan());
    const auto unit = units->find(p.unit_id());
    const bool township = unit != units->end() && IsTownship(unit->second.type());
    if (township) {
      r.set_planned_by_townships(r.planned_by_townships() + 1);
    } else {
      r.set_planned_by_departments(r.planned_by_departments() + 1);
    }
    r.set_planned_projects(r.planned_projects() + 1);
    r.set_started_projects(r.started_projects() + (lp.started() ? 1 : 0));
  }
  // Units of last year's campaign that planned nothing still appear, with their rank.
  for (const auto& [unit_id, result] : last) by_unit[unit_id].set_unit_id(unit_id);
  std::vector<pb::LookBackEntry> entries;
  for (auto& [unit_id, e] : by_unit) {
    if (auto it = units->find(unit_id); it != units->end()) e.set_unit_name(it->second.name());
    if (auto it = last.find(unit_id); it != last.end()) {
      e.set_last_rank(it->second->rank());
      e.set_last_score_milli(it->second->score_milli());
    }
    entries.push_back(std::move(e));
  }
  // Ranked units first in their order, then the rest by unit id.
  std::stable_sort(entries.begin(), entries.end(), [](const pb::LookBackEntry& a, const pb::LookBackEntry& b) {
    const int ra = a.last_rank() == 0 ? INT32_MAX : a.last_rank();
    const int rb = b.last_rank() == 0 ? INT32_MAX : b.last_rank();
    return ra < rb;
  });
  for (auto& e : entries) *r.add_entries() = std::move(e);
  return r;
}

}  // namespace saima::scoring
