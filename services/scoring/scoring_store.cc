#include "services/scoring/scoring_store.h"

#include <algorithm>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/pg_json.h"
#include "common/status.h"
#include "google/protobuf/util/time_util.h"
#include "nlohmann/json.hpp"

namespace saima::scoring {
namespace {

using google::protobuf::util::TimeUtil;

void Event(pqxx::work& txn, int64_t campaign_id, const std::string& actor, const std::string& action,
           const std::string& detail_json) {
  txn.exec_prepared0("insert_event", campaign_id, actor, action, detail_json);
}

pb::Nomination NominationFromRow(const pqxx::row& r) {
  pb::Nomination n = FromJson<pb::Nomination>(r["doc"]);
  n.set_nomination_id(r["nomination_id"].as<int64_t>());
  n.set_state(static_cast<pb::NominationState>(r["state"].as<int>()));
  return n;
}

// Reads the campaign row (locking it FOR UPDATE or FOR SHARE as asked); NOT_FOUND when absent.
absl::StatusOr<pqxx::row> CampaignRow(pqxx::work& txn, int64_t campaign_id, const char* statement) {
  auto rows = txn.exec_prepared(statement, campaign_id);
  if (rows.empty())
    return Error(absl::StatusCode::kNotFound, absl::StrCat("campaign ", campaign_id, " does not exist"),
                 absl::StrCat("赛马活动 ", campaign_id, " 不存在"));
  return rows[0];
}

pb::Campaign CampaignFrom(pqxx::work& txn, const pqxx::row& r) {
  pb::Campaign c = FromJson<pb::Campaign>(r["doc"]);
  c.set_campaign_id(r["campaign_id"].as<int64_t>());
  c.set_published(r["published"].as<bool>());
  c.set_selection_final(r["selection_final"].as<bool>());
  c.clear_judges();
  for (const auto& j : txn.exec_prepared("list_judges", c.campaign_id())) *c.add_judges() = FromJson<pb::Judge>(j[0]);
  return c;
}

}  // namespace

std::vector<NamedStatement> ScoringStatements() {
  constexpr char kCampaignColumns[] = "campaign_id, doc, published, selection_final";
  return {
      {"insert_campaign",
       "INSERT INTO scoring.campaigns (year, name, doc, request_id) VALUES ($1, $2, $3::jsonb, $4) "
       "RETURNING campaign_id"},
      {"campaign_by_request", "SELECT campaign_id FROM scoring.campaigns WHERE request_id = $1"},
      {"get_campaign", absl::StrCat("SELECT ", kCampaignColumns, " FROM scoring.campaigns WHERE campaign_id = $1")},
      {"get_campaign_share",
       absl::StrCat("SELECT ", kCampaignColumns, " FROM scoring.campaigns WHERE campaign_id = $1 FOR SHARE")},
      {"get_campaign_update",
       absl::StrCat("SELECT ", kCampaignColumns, " FROM scoring.campaigns WHERE campaign_id = $1 FOR UPDATE")},
      {"list_campaigns", absl::StrCat("SELECT ", kCampaignColumns,
                                      " FROM scoring.campaigns WHERE $1 = 0 OR year = $1 ORDER BY year DESC, "
                                      "campaign_id DESC")},
      {"list_judges", "SELECT doc FROM scoring.judges WHERE campaign_id = $1 ORDER BY judge_id"},
      {"put_judge",
       "INSERT INTO scoring.judges (campaign_id, judge_id, doc) VALUES ($1, $2, $3::jsonb) "
       "ON CONFLICT (campaign_id, judge_id) DO UPDATE SET doc = EXCLUDED.doc"},
      {"insert_event",
       "INSERT INTO scoring.events (campaign_id, actor, action, detail) VALUES ($1, $2, $3, $4::jsonb)"},
      {"nomination_by_request", "SELECT * FROM scoring.nominations WHERE request_id = $1"},
      {"nomination_of_project",
       "SELECT * FROM scoring.nominations WHERE campaign_id = $1 AND project_id = $2 FOR UPDATE"},
      {"insert_nomination",
       "INSERT INTO scoring.nominations (campaign_id, project_id, state, doc, request_id) "
       "VALUES ($1, $2, $3, $4::jsonb, $5) RETURNING nomination_id"},
      {"update_nomination", "UPDATE scoring.nominations SET state = $2, doc = $3::jsonb WHERE nomination_id = $1"},
      {"get_nomination", "SELECT * FROM scoring.nominations WHERE nomination_id = $1"},
      {"get_nomination_update", "SELECT * FROM scoring.nominations WHERE nomination_id = $1 FOR UPDATE"},
      {"list_nominations", "SELECT * FROM scoring.nominations WHERE campaign_id = $1 ORDER BY nomination_id"},
      {"selected_years",
       absl::StrCat("SELECT DISTINCT c.year FROM scoring.nominations n JOIN scoring.campaigns c USING (campaign_id) "
                    "WHERE n.project_id = $1 AND n.state = ",
                    pb::NOMINATION_STATE_SELECTED, " ORDER BY c.year")},
      {"set_selection_final", "UPDATE scoring.campaigns SET selection_final = true WHERE campaign_id = $1"},
      {"get_sheet",
       "SELECT doc, submitted FROM scoring.score_sheets WHERE campaign_id = $1 AND judge_id = $2 AND unit_id = $3 "
       "FOR UPDATE"},
      {"put_sheet",
       "INSERT INTO scoring.score_sheets (campaign_id, judge_id, unit_id, submitted, doc) "
       "VALUES ($1, $2, $3, $4, $5::jsonb) ON CONFLICT (campaign_id, judge_id, unit_id) "
       "DO UPDATE SET submitted = EXCLUDED.submitted, doc = EXCLUDED.doc, updated_at = now()"},
      {"list_sheets",
       "SELECT doc FROM scoring.score_sheets WHERE campaign_id = $1 AND ($2 = '' OR judge_id = $2) "
       "ORDER BY unit_id, judge_id"},
      {"submitted_sheets",
       "SELECT doc FROM scoring.score_sheets WHERE campaign_id = $1 AND submitted ORDER BY unit_id, judge_id"},
      {"get_results",
       "SELECT published, extract(epoch FROM published_at)::bigint AS published_at, doc FROM scoring.results "
       "WHERE campaign_id = $1"},
      {"put_results",
       "INSERT INTO scoring.results (campaign_id, published, published_at, publisher, doc) "
       "VALUES ($1, $2, CASE WHEN $2 THEN now() END, CASE WHEN $2 THEN $3 END, $4::jsonb) "
       "ON CONFLICT (campaign_id) DO UPDATE SET published = EXCLUDED.published, published_at = "
       "EXCLUDED.published_at, publisher = EXCLUDED.publisher, doc = EXCLUDED.doc WHERE NOT scoring.results.published"},
      {"set_published", "UPDATE scoring.campaigns SET published = true WHERE campaign_id = $1"},
  };
}

absl::StatusOr<pb::Campaign> ScoringStore::CreateCampaign(const pb::Campaign& campaign, const std::string& request_id,
                                                          const std::string& actor, absl::Time deadline) {
  pb::Campaign out;
  absl::Status status = pool_.Transaction(deadline, [&](pqxx::work& txn) -> absl::Status {
    int64_t id = 0;
    auto seen = request_id.empty() ? pqxx::result() : txn.exec_prepared("campaign_by_request", request_id);
    if (!seen.empty()) {
      id = seen[0][0].as<int64_t>();
    } else {
      pb::Campaign stored = campaign;
      stored.clear_campaign_id();
      stored.clear_judges();
      stored.clear_published();
      stored.clear_selection_final();
      id = txn.exec_prepared1("insert_campaign", stored.year(), stored.name(), ToJson(stored),
                              request_id.empty() ? nullptr : request_id.c_str())[0]
               .as<int64_t>();
      Event(txn, id, actor, "create_campaign", ToJson(stored));
    }
    auto row = CampaignRow(txn, id, "get_campaign");
    if (!row.ok()) return row.status();
    out = CampaignFrom(txn, *row);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return out;
}

absl::StatusOr<pb::Campaign> ScoringStore::GetCampaign(int64_t campaign_id, absl::Time deadline) {
  pb::Campaign out;
  absl::Status status = pool_.Transaction(deadline, [&](pqxx::work& txn) -> absl::Status {
    auto row = CampaignRow(txn, campaign_id, "get_campaign");
    if (!row.ok()) return row.status();
    out = CampaignFrom(txn, *row);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return out;
}

absl::StatusOr<std::vector<pb::Campaign>> ScoringStore::ListCampaigns(int year, absl::Time deadline) {
  std::vector<pb::Campaign> out;
  absl::Status status = pool_.Transaction(deadline, [&](pqxx::work& txn) {
    for (const auto& row : txn.exec_prepared("list_campaigns", year)) out.push_back(CampaignFrom(txn, row));
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return out;
}

absl::StatusOr<pb::Judge> ScoringStore::PutJudge(int64_t campaign_id, const pb::Judge& judge, const std::string& actor,
                                                 absl::Time deadline) {
  absl::Status status = pool_.Transaction(deadline, [&](pqxx::work& txn) -> absl::Status {
    auto row = CampaignRow(txn, campaign_id, "get_campaign_update");
    if (!row.ok()) return row.status();
    if ((*row)["published"].as<bool>()) {
      return Error(absl::StatusCode::kFailedPrecondition,
                   "the campaign's results are published; its judges can no longer change",
                   "结果已发布，评委不能再变动");
    }
    txn.exec_prepared0("put_judge", campaign_id, judge.judge_id(), ToJson(judge));
    Event(txn, campaign_id, actor, "put_judge", ToJson(judge));
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return judge;
}

absl::StatusOr<pb::Nomination> ScoringStore::Nominate(const pb::Nomination& nomination, const std::string& request_id,
                                                      const std::string& actor, absl::Time deadline) {
  pb::Nomination out;
  absl::Status status = pool_.Transaction(deadline, [&](pqxx::work& txn) -> absl::Status {
    if (!request_id.empty()) {
      auto seen = txn.exec_prepared("nomination_by_request", request_id);
      if (!seen.empty()) {
        out = NominationFromRow(seen[0]);
        return absl::OkStatus();
      }
    }
    auto row = CampaignRow(txn, nomination.campaign_id(), "get_campaign_share");
    if (!row.ok()) return row.status();
    if ((*row)["selection_final"].as<bool>()) {
      return Error(absl::StatusCode::kFailedPrecondition, "the observation-project list of this campaign is final",
                   "本次赛马的观摩项目名单已确定");
    }
    pb::Nomination stored = nomination;
    stored.set_state(pb::NOMINATION_STATE_NOMINATED);
    stored.clear_review_note();
    stored.clear_reviewer();
    auto existing = txn.exec_prepared("nomination_of_project", nomination.campaign_id(), nomination.project_id());
    if (existing.empty()) {
      stored.clear_nomination_id();
      const int64_t id = txn.exec_prepared1("insert_nomination", stored.campaign_id(), stored.project_id(),
                                            static_cast<int>(stored.state()), ToJson(stored),
                                            request_id.empty() ? nullptr : request_id.c_str())[0]
                             .as<int64_t>();
      stored.set_nomination_id(id);
    } else {
      pb::Nomination current = NominationFromRow(existing[0]);
      if (current.state() == pb::NOMINATION_STATE_PRE_APPROVED || current.state() == pb::NOMINATION_STATE_SELECTED) {
        out = current;
        return absl::OkStatus();
      }
      stored.set_nomination_id(current.nomination_id());
      txn.exec_prepared0("update_nomination", stored.nomination_id(), static_cast<int>(stored.state()), ToJson(stored));
    }
    Event(txn, stored.campaign_id(), actor, "nominate", ToJson(stored));
    out = stored;
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return out;
}

absl::StatusOr<pb::Nomination> ScoringStore::GetNomination(int64_t nomination_id, absl::Time deadline) {
  pb::Nomination out;
  absl::Status status = pool_.Transaction(deadline, [&](pqxx::work& txn) -> absl::Status {
    auto rows = txn.exec_prepared("get_nomination", nomination_id);
    if (rows.empty())
      return Error(absl::StatusCode::kNotFound, absl::StrCat("nomination ", nomination_id, " does not exist"),
                   absl::StrCat("推荐 ", nomination_id, " 不存在"));
    out = NominationFromRow(rows[0]);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return out;
}

absl::StatusOr<pb::Nomination> ScoringStore::Review(int64_t nomination_id, bool approve, const std::string& note,
                                                    const std::string& actor, absl::Time deadline) {
  pb::Nomination out;
  absl::Status status = pool_.Transaction(deadline, [&](pqxx::work& txn) -> absl::Status {
    auto rows = txn.exec_prepared("get_nomination_update", nomination_id);
    if (rows.empty())
      return Error(absl::StatusCode::kNotFound, absl::StrCat("nomination ", nomination_id, " does not exist"),
                   absl::StrCat("推荐 ", nomination_id, " 不存在"));
    out = NominationFromRow(rows[0]);
    auto row = CampaignRow(txn, out.campaign_id(), "get_campaign_share");
    if (!row.ok()) return row.status();
    if ((*row)["selection_final"].as<bool>()) {
      return Error(absl::StatusCode::kFailedPrecondition, "the observation-project list of this campaign is final",
                   "本次赛马的观摩项目名单已确定");
    }
    if (approve && out.failed_rules_size() > 0) {
      return Error(absl::StatusCode::kFailedPrecondition,
                   absl::StrCat("the project fails eligibility rules: ", absl::StrJoin(out.failed_rules(), "; ")),
                   absl::StrCat("项目不符合观摩条件：", absl::StrJoin(out.failed_rules(), "；")));
    }
    out.set_state(approve ? pb::NOMINATION_STATE_PRE_APPROVED : pb::NOMINATION_STATE_PRE_REJECTED);
    out.set_review_note(note);
    out.set_reviewer(actor);
    txn.exec_prepared0("update_nomination", out.nomination_id(), static_cast<int>(out.state()), ToJson(out));
    Event(txn, out.campaign_id(), actor, approve ? "pre_approve" : "pre_reject", ToJson(out));
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return out;
}

absl::StatusOr<std::vector<pb::Nomination>> ScoringStore::ListNominations(int64_t campaign_id, absl::Time deadline) {
  std::vector<pb::Nomination> out;
  absl::Status status = pool_.Transaction(deadline, [&](pqxx::work& txn) {
    for (const auto& row : txn.exec_prepared("list_nominations", campaign_id)) out.push_back(NominationFromRow(row));
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return out;
}

absl::StatusOr<std::vector<pb::Nomination>> ScoringStore::FinalizeSelection(int64_t campaign_id,
                                                                            const std::vector<int64_t>& ids,
                                                                            const std::string& actor,
                                                                            absl::Time deadline) {
  std::vector<pb::Nomination> selected;
  absl::Status status = pool_.Transaction(deadline, [&](pqxx::work& txn) -> absl::Status {
    auto row = CampaignRow(txn, campaign_id, "get_campaign_update");
    if (!row.ok()) return row.status();
    const std::set<int64_t> wanted(ids.begin(), ids.end());
    std::vector<pb::Nomination> all;
    for (const auto& r : txn.exec_prepared("list_nominations", campaign_id)) all.push_back(NominationFromRow(r));
    if ((*row)["selection_final"].as<bool>()) {
      std::set<int64_t> already;
      for (const auto& n : all) {
        if (n.state() == pb::NOMINATION_STATE_SELECTED) {
          already.insert(n.nomination_id());
          selected.push_back(n);
        }
      }
      if (already != wanted) {
        return Error(absl::StatusCode::kFailedPrecondition, "the observation-project list is already final",
                     "观摩项目名单已确定");
      }
      return absl::OkStatus();
    }
    Violations v;
    for (size_t i = 0; i < ids.size(); ++i) {
      auto it =
          std::find_if(all.begin(), all.end(), [&](const pb::Nomination& n) { return n.nomination_id() == ids[i]; });
      const std::string field = absl::StrCat("nomination_ids[", i, "]");
      if (it == all.end()) {
        v.Add(field, absl::StrCat("nomination ", ids[i], " is not of campaign ", campaign_id),
              absl::StrCat("推荐 ", ids[i], " 不属于本次赛马"));
      } else if (it->state() != pb::NOMINATION_STATE_PRE_APPROVED) {
        v.Add(field, absl::StrCat("nomination ", ids[i], " has not passed the department's pre-review"),
              absl::StrCat("推荐 ", ids[i], " 尚未通过部门预审"));
      }
    }
    if (wanted.empty()) v.Add("nomination_ids", "at least one nomination is required", "至少选定一个观摩项目");
    if (!v.ok()) return v.ToStatus();
    for (auto& n : all) {
      if (!wanted.count(n.nomination_id())) continue;
      n.set_state(pb::NOMINATION_STATE_SELECTED);
      txn.exec_prepared0("update_nomination", n.nomination_id(), static_cast<int>(n.state()), ToJson(n));
      selected.push_back(n);
    }
    txn.exec_prepared0("set_selection_final", campaign_id);
    Event(txn, campaign_id, actor, "finalize_selection",
          nlohmann::json{{"nomination_ids", std::vector<int64_t>(wanted.begin(), wanted.end())}}.dump());
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return selected;
}

absl::StatusOr<std::vector<int>> ScoringStore::SelectedYears(int64_t project_id, absl::Time deadline) {
  std::vector<int> out;
  absl::Status status = pool_.Transaction(deadline, [&](pqxx::work& txn) {
    for (const auto& row : txn.exec_prepared("selected_years", project_id)) out.push_back(row[0].as<int>());
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return out;
}

absl::StatusOr<pb::ScoreSheet> ScoringStore::WriteSheet(const pb::ScoreSheet& sheet, bool submit,
                                                        const std::function<absl::Status(const pb::ScoreSheet&)>& check,
                                                        const std::string& actor, absl::Time deadline) {
  pb::ScoreSheet out;
  absl::Status status = pool_.Transaction(deadline, [&](pqxx::work& txn) -> absl::Status {
    auto row = CampaignRow(txn, sheet.campaign_id(), "get_campaign_share");
    if (!row.ok()) return row.status();
    if ((*row)["published"].as<bool>()) {
      return Error(absl::StatusCode::kFailedPrecondition,
                   "the campaign's results are published; sheets can no longer change", "结果已发布，评分表不能再修改");
    }
    auto rows = txn.exec_prepared("get_sheet", sheet.campaign_id(), sheet.judge_id(), sheet.unit_id());
    pb::ScoreSheet merged;
    if (!rows.empty()) {
      merged = FromJson<pb::ScoreSheet>(rows[0]["doc"]);
      if (rows[0]["submitted"].as<bool>()) {
        if (submit) {  // a retried submission
          out = merged;
          return absl::OkStatus();
        }
        return Error(
            absl::StatusCode::kFailedPrecondition,
            absl::StrCat("the sheet of judge ", sheet.judge_id(), " for unit ", sheet.unit_id(), " was submitted at ",
                         TimeUtil::ToString(merged.submit_time()), " and can no longer change"),
            "评分表已提交，不能再修改");
      }
    }
    merged.set_campaign_id(sheet.campaign_id());
    merged.set_judge_id(sheet.judge_id());
    merged.set_unit_id(sheet.unit_id());
    for (const auto& [criterion, score] : sheet.scores()) (*merged.mutable_scores())[criterion] = score;
    if (absl::Status s = check(merged); !s.ok()) return s;
    if (submit) {
      merged.set_submitted(true);
      *merged.mutable_submit_time() = TimeUtil::GetCurrentTime();
    }
    txn.exec_prepared0("put_sheet", merged.campaign_id(), merged.judge_id(), merged.unit_id(), merged.submitted(),
                       ToJson(merged));
    Event(txn, merged.campaign_id(), actor, submit ? "submit_sheet" : "save_sheet", ToJson(merged));
    out = merged;
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return out;
}

absl::StatusOr<std::vector<pb::ScoreSheet>> ScoringStore::ListSheets(int64_t campaign_id, const std::string& judge_id,
                                                                     absl::Time deadline) {
  std::vector<pb::ScoreSheet> out;
  absl::Status status = pool_.Transaction(deadline, [&](pqxx::work& txn) {
    for (const auto& row : txn.exec_prepared("list_sheets", campaign_id, judge_id)) {
      out.push_back(FromJson<pb::ScoreSheet>(row[0]));
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return out;
}

namespace {

pb::GetResultsResponse ResultsFromRow(const pqxx::row& r) {
  pb::GetResultsResponse out = FromJson<pb::GetResultsResponse>(r["doc"]);
  out.set_published(r["published"].as<bool>());
  if (!r["published_at"].is_null()) {
    *out.mutable_publish_time() = TimeUtil::SecondsToTimestamp(r["published_at"].as<int64_t>());
  }
  return out;
}

}  // namespace

absl::StatusOr<pb::GetResultsResponse> ScoringStore::StoreResults(
    int64_t campaign_id, bool publish,
    const std::function<absl::StatusOr<std::vector<pb::Result>>(const std::vector<pb::ScoreSheet>&)>& compute,
    const std::string& actor, absl::Time deadline) {
  pb::GetResultsResponse out;
  absl::Status status = pool_.Transaction(deadline, [&](pqxx::work& txn) -> absl::Status {
    // FOR UPDATE: no sheet is written while the results are computed from the sheets read here.
    auto row = CampaignRow(txn, campaign_id, "get_campaign_update");
    if (!row.ok()) return row.status();
    if ((*row)["published"].as<bool>()) {
      out = ResultsFromRow(txn.exec_prepared1("get_results", campaign_id));
      return absl::OkStatus();
    }
    std::vector<pb::ScoreSheet> sheets;
    for (const auto& r : txn.exec_prepared("submitted_sheets", campaign_id)) {
      sheets.push_back(FromJson<pb::ScoreSheet>(r[0]));
    }
    auto results = compute(sheets);
    if (!results.ok()) return results.status();
    pb::GetResultsResponse doc;
    for (auto& r : *results) *doc.add_results() = std::move(r);
    txn.exec_prepared0("put_results", campaign_id, publish, actor, ToJson(doc));
    if (publish) {
      txn.exec_prepared0("set_published", campaign_id);
      Event(txn, campaign_id, actor, "publish_results", ToJson(doc));
    }
    out = ResultsFromRow(txn.exec_prepared1("get_results", campaign_id));
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return out;
}

absl::StatusOr<pb::GetResultsResponse> ScoringStore::GetResults(int64_t campaign_id, absl::Time deadline) {
  pb::GetResultsResponse out;
  absl::Status status = pool_.Transaction(deadline, [&](pqxx::work& txn) -> absl::Status {
    auto rows = txn.exec_prepared("get_results", campaign_id);
    if (rows.empty()) {
      return Error(absl::StatusCode::kNotFound, absl::StrCat("campaign ", campaign_id, " has no results yet"),
                   "本次赛马尚无结果");
    }
    out = ResultsFromRow(rows[0]);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return out;
}

}  // namespace saima::scoring
