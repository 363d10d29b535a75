#include "services/stats/stats_store.h"

#include <pqxx/tablewriter>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/merkle.h"
#include "common/status.h"
#include "google/protobuf/util/time_util.h"
#include "services/stats/import_audit.h"
#include "spdlog/spdlog.h"

namespace saima::stats {
namespace {

using google::protobuf::util::TimeUtil;

std::string TiersLiteral(const reg::Project& p) {
  std::string out = "{";
  for (int i = 0; i < p.tiers_size(); ++i) absl::StrAppend(&out, i ? "," : "", p.tiers(i));
  return out + "}";
}

const char* NullIfEmpty(const std::string& s) { return s.empty() ? nullptr : s.c_str(); }

std::vector<int64_t> ParseBigintArray(const pqxx::field& field) {
  std::vector<int64_t> out;
  auto parser = field.as_array();
  for (auto item = parser.get_next(); item.first != pqxx::array_parser::done; item = parser.get_next()) {
    int64_t value = 0;
    if (item.first == pqxx::array_parser::string_value && absl::SimpleAtoi(item.second, &value)) out.push_back(value);
  }
  return out;
}

std::vector<int> ParseIntArray(const pqxx::field& field) {
  std::vector<int> out;
  auto parser = field.as_array();
  for (auto item = parser.get_next(); item.first != pqxx::array_parser::done; item = parser.get_next()) {
    if (item.first == pqxx::array_parser::string_value) out.push_back(std::stoi(item.second));
  }
  return out;
}

pb::MonthlyReport ReportFromRow(const pqxx::row& r) {
  pb::MonthlyReport m;
  m.set_project_id(r["project_id"].as<int64_t>());
  m.set_period(r["period"].c_str());
  m.set_version(r["version"].as<int>());
  m.set_kind(static_cast<pb::FigureKind>(r["kind"].as<int>()));
  m.set_month_yuan(r["month_yuan"].as<int64_t>());
  m.set_ytd_yuan(r["ytd_yuan"].as<int64_t>());
  m.mutable_ytd_breakdown()->set_construction_yuan(r["construction_yuan"].as<int64_t>());
  m.mutable_ytd_breakdown()->set_installation_yuan(r["installation_yuan"].as<int64_t>());
  m.mutable_ytd_breakdown()->set_equipment_yuan(r["equipment_yuan"].as<int64_t>());
  m.mutable_ytd_breakdown()->set_other_yuan(r["other_yuan"].as<int64_t>());
  m.set_since_start_yuan(r["since_start_yuan"].as<int64_t>());
  m.set_actor(r["actor"].c_str());
  *m.mutable_record_time() = TimeUtil::SecondsToTimestamp(r["recorded_epoch"].as<int64_t>());
  m.set_reason(r["reason"].c_str());
  m.set_explanation(r["explanation"].c_str());
  return m;
}

// The dims an import checks its rows against (DimsFromRow), of every project or of those changed since.
constexpr char kImportDims[] =
    "SELECT project_id, unit_id, ruku_state, ruku_date, planned_total_yuan, stage FROM stats.project_dims";

constexpr char kReportColumns[] =
    "project_id, period, version, kind, month_yuan, ytd_yuan, construction_yuan, installation_yuan, equipment_yuan, "
    "other_yuan, since_start_yuan, actor, extract(epoch FROM recorded_at)::bigint AS recorded_epoch, reason, "
    "explanation";

ProjectDims DimsFromRow(const pqxx::row& r) {
  ProjectDims d;
  d.project_id = r["project_id"].as<int64_t>();
  d.unit_id = r["unit_id"].c_str();
  d.ruku_state = static_cast<reg::RukuState>(r["ruku_state"].as<int>());
  d.ruku_date = r["ruku_date"].is_null() ? "" : r["ruku_date"].c_str();
  d.planned_total_yuan = r["planned_total_yuan"].as<int64_t>();
  d.stage = static_cast<reg::ProjectStage>(r["stage"].as<int>());
  return d;
}

// Enum values as SQL literals, from the contracts: never a hand-written number in a statement.
std::string Sql(int value) { return absl::StrCat(value); }
const std::string& Approved() {
  static const std::string* s = new std::string(Sql(reg::RUKU_STATE_APPROVED));
  return *s;
}

// The official figure among a project's versions of a period (DOMAIN §8): the newest verified or corrected one,
// else the newest reported one. The ORDER BY tail of every query that picks it.
const std::string& OfficialFirst() {
  static const std::string* s =
      new std::string(absl::StrCat("(kind <> ", Sql(pb::FIGURE_KIND_REPORTED), ") DESC, version DESC"));
  return *s;
}

// The months from period `from` to period `to` (SQL expressions, YYYY-MM) as g.month, a step of `step` months;
// none when either is null.
std::string MonthsBetween(const std::string& from, const std::string& to, const std::string& step) {
  return absl::StrCat("generate_series(to_date(", from, ", 'YYYY-MM'), to_date(", to, ", 'YYYY-MM'), interval '", step,
                      " month') AS g(month)");
}

// `columns` of the official figure of project `project` (an SQL expression) in the month g.month, found through the
// primary key; a LATERAL subquery beside MonthsBetween.
std::string OfficialOfMonth(const std::string& columns, const std::string& project) {
  return absl::StrCat("LATERAL (SELECT ", columns,
                      " FROM stats.monthly_reports WHERE period = to_char(g.month, 'YYYY-MM') AND project_id = ",
                      project, " ORDER BY ", OfficialFirst(), " LIMIT 1)");
}

// Official figure of a period ($1) per project.
const std::string& OfficialOf() {
  static const std::string* s = new std::string(absl::StrCat(
      "SELECT DISTINCT ON (project_id) project_id, ytd_yuan, construction_yuan::numeric + installation_yuan AS ja, "
      "since_start_yuan FROM stats.monthly_reports WHERE period = $1 ORDER BY project_id, ",
      OfficialFirst()));
  return *s;
}

}  // namespace

std::vector<NamedStatement> StatsStatements() {
  // Every project the registry knows, whether 入库 or not (DOMAIN §8: only the investment is limited to those 入库
  // by the period's end, $3; plans, statuses and starts are every project's).
  // Columns 0–21 (FactsFromRow) of a project and its figures; `cur` and `last` hold the official figure of $1 and
  // of $2 (the same period last year), with ja (建筑 + 安装).
  static const std::string* facts_columns = new std::string(
      absl::StrCat("d.project_id, d.unit_id, d.name, d.industry_code, d.sector, d.manufacturing, "
                   "d.industrial_renovation, d.ownership, d.public_institution, d.tiers, d.planned_start_date, "
                   "d.actual_start_date, p.planned_yuan, coalesce(cur.ytd_yuan, 0) AS ytd, coalesce(cur.ja, 0) AS ja, "
                   "coalesce(last.ytd_yuan, 0) AS last_ytd, coalesce(last.ja, 0) AS last_ja, "
                   "(d.ruku_state = ",
                   Approved(),
                   " AND d.ruku_date <= $3::date) AS counted, d.construction_nature, d.ruku_date, "
                   "cur.project_id IS NOT NULL AS reported, d.project_code"));
  static const std::string* facts_joins = new std::string(
      " FROM stats.project_dims d LEFT JOIN cur USING (project_id) LEFT JOIN last USING (project_id) "
      "LEFT JOIN stats.annual_plans p ON p.project_id = d.project_id AND p.year = $4");
  static const std::string last_year = std::string(OfficialOf()).replace(OfficialOf().find("$1"), 2, "$2");
  static const std::string* facts = new std::string(absl::StrCat("WITH cur AS (", OfficialOf(), "), last AS (",
                                                                 last_year, ") SELECT ", *facts_columns, *facts_joins));
  // The same in 项目代码 order, with what a package row holds: the planned total (22) and the whole official
  // figure of the period (named as kReportColumns, null when there is none).
  static const std::string* package_facts = new std::string(absl::StrCat(
      "WITH cur AS (SELECT DISTINCT ON (project_id) ", kReportColumns,
      ", construction_yuan::numeric + installation_yuan AS ja FROM stats.monthly_reports WHERE period = $1 ORDER BY "
      "project_id, ",
      OfficialFirst(), "), last AS (", last_year, ") SELECT ", *facts_columns,
      ", d.planned_total_yuan AS dim_planned_total, cur.project_id, cur.period, cur.version, cur.kind, "
      "cur.month_yuan, cur.ytd_yuan, cur.construction_yuan, cur.installation_yuan, cur.equipment_yuan, "
      "cur.other_yuan, cur.since_start_yuan, cur.actor, cur.recorded_epoch, cur.reason, cur.explanation",
      *facts_joins, " ORDER BY d.project_code, d.project_id"));
  static const std::string* official = new std::string(
      absl::StrCat("SELECT ytd_yuan, since_start_yuan FROM (", OfficialOf(), ") o WHERE project_id = $2"));
  return {
      {"feed_position", "SELECT revision FROM stats.feed_position"},
      {"lock_feed_position", "SELECT revision FROM stats.feed_position FOR UPDATE"},
      {"set_feed_position", "UPDATE stats.feed_position SET revision = $1"},
      {"upsert_dims",
       "INSERT INTO stats.project_dims (project_id, unit_id, name, industry_code, sector, manufacturing, "
       "industrial_renovation, ownership, public_institution, tiers, stage, ruku_state, ruku_date, "
       "planned_total_yuan, planned_start_date, actual_start_date, revision, project_code, construction_nature) "
       "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::int[], $11, $12, $13::date, $14, $15::date, $16::date, $17, "
       "$18, $19) "
       "ON CONFLICT (project_id) DO UPDATE SET project_code = EXCLUDED.project_code, "
       "unit_id = EXCLUDED.unit_id, name = EXCLUDED.name, industry_code = EXCLUDED.industry_code, "
       "sector = EXCLUDED.sector, manufacturing = EXCLUDED.manufacturing, "
       "industrial_renovation = EXCLUDED.industrial_renovation, ownership = EXCLUDED.ownership, "
       "public_institution = EXCLUDED.public_institution, tiers = EXCLUDED.tiers, stage = EXCLUDED.stage, "
       "ruku_state = EXCLUDED.ruku_state, ruku_date = EXCLUDED.ruku_date, "
       "planned_total_yuan = EXCLUDED.planned_total_yuan, planned_start_date = EXCLUDED.planned_start_date, "
       "actual_start_date = EXCLUDED.actual_start_date, revision = EXCLUDED.revision, "
       "construction_nature = EXCLUDED.construction_nature"},
      {"get_dims",
       "SELECT project_id, unit_id, ruku_state, ruku_date, planned_total_yuan, stage FROM stats.project_dims "
       "WHERE project_id = $1"},
      {"all_dims", kImportDims},
      {"dims_changed_since", absl::StrCat(kImportDims, " WHERE revision > $1")},
      {"upsert_plan",
       "INSERT INTO stats.annual_plans (project_id, year, planned_yuan, monthly, actor) VALUES ($1, $2, $3, "
       "$4::bigint[], $5) ON CONFLICT (project_id, year) DO UPDATE SET planned_yuan = EXCLUDED.planned_yuan, "
       "monthly = EXCLUDED.monthly, actor = EXCLUDED.actor, updated_at = now()"},
      {"get_plan", "SELECT planned_yuan, monthly FROM stats.annual_plans WHERE project_id = $1 AND year = $2"},
      {"period_lock_shared", "SELECT pg_advisory_xact_lock_shared(hashtext('saima.stats.period.' || $1))"},
      {"period_lock_exclusive", "SELECT pg_advisory_xact_lock(hashtext('saima.stats.period.' || $1))"},
      {"package_versions_of", "SELECT max(version) FROM stats.package_versions WHERE period = $1"},
      {"insert_package_version",
       "INSERT INTO stats.package_versions (period, version, actor, reason, snapshot, sha256, rows_apart, "
       "content_sha256, row_count) VALUES ($1, $2, $3, $4, $5, $6, true, $7, $8)"},
      {"package_version",
       "SELECT version, snapshot, sha256, reason, rows_apart, coalesce(content_sha256, ''), row_count "
       "FROM stats.package_versions WHERE period = $1 AND "
       "version = CASE WHEN $2 = 0 THEN (SELECT max(version) FROM stats.package_versions WHERE period = $1) "
       "ELSE $2 END"},
      {"insert_package_division",
       "INSERT INTO stats.package_divisions (period, version, division, projects, reported, ytd, last_ytd, plan, "
       "ytd_with_plan, category_ytd, category_last) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::bigint[], "
       "$11::bigint[])"},
      {"package_division",
       "SELECT division, projects, reported, ytd, last_ytd, plan, ytd_with_plan, category_ytd, category_last FROM "
       "stats.package_divisions WHERE period = $1 AND version = $2 AND division = $3"},
      {"is_locked", "SELECT 1 FROM stats.period_locks WHERE period = $1"},
      {"period_state",
       "SELECT (SELECT published_at IS NOT NULL FROM stats.period_locks WHERE period = $1), "
       "(SELECT extract(epoch FROM max(recorded_at))::bigint FROM stats.monthly_reports WHERE period = $1)"},
      {"publish",
       "UPDATE stats.period_locks SET published_at = now(), published_by = $2 WHERE period = $1 AND published_at IS "
       "NULL"},
      {"get_publication",
       "SELECT period, extract(epoch FROM published_at)::bigint, published_by FROM stats.period_locks "
       "WHERE period = $1"},
      {"get_lock",
       "SELECT period, extract(epoch FROM locked_at)::bigint, actor FROM stats.period_locks WHERE period = $1"},
      {"drop_rollups", "DELETE FROM stats.rollup_periods WHERE period = $1 OR period = $2"},
      {"rollup_exists", "SELECT 1 FROM stats.rollup_periods WHERE period = $1"},
      {"insert_rollup_period", "INSERT INTO stats.rollup_periods (period) VALUES ($1)"},
      {"rollups_of_package",
       "INSERT INTO stats.division_rollups (period, division, projects, reported, ytd, last_ytd, plan, ytd_with_plan, "
       "category_ytd, category_last) SELECT period, division, projects, reported, ytd, last_ytd, plan, "
       "ytd_with_plan, category_ytd, category_last FROM stats.package_divisions WHERE period = $1 AND version = $2"},
      {"division_rollups",
       "SELECT division, projects, reported, ytd, last_ytd, plan, ytd_with_plan, category_ytd, category_last FROM "
       "stats.division_rollups WHERE period = $1 AND starts_with(division, $2) ORDER BY division"},
      {"insert_lock", "INSERT INTO stats.period_locks (period, actor) VALUES ($1, $2) ON CONFLICT DO NOTHING"},
      {"report_by_request",
       absl::StrCat("SELECT ", kReportColumns,
                    " FROM stats.monthly_reports JOIN stats.report_requests USING (period, project_id, version) "
                    "WHERE request_id = $1")},
      {"insert_request",
       "INSERT INTO stats.report_requests (request_id, period, project_id, version) VALUES ($1, $2, $3, $4)"},
      {"newest_version",
       absl::StrCat("SELECT ", kReportColumns,
                    " FROM stats.monthly_reports WHERE period = $1 AND project_id = $2 ORDER BY version DESC LIMIT 1")},
      {"official_figure", *official},
      {"insert_report",
       absl::StrCat("INSERT INTO stats.monthly_reports (project_id, period, version, kind, month_yuan, ytd_yuan, "
                    "construction_yuan, installation_yuan, equipment_yuan, other_yuan, since_start_yuan, actor, "
                    "reason, explanation) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) "
                    "RETURNING ",
                    kReportColumns)},
      {"list_versions",
       absl::StrCat("SELECT ", kReportColumns,
                    " FROM stats.monthly_reports WHERE period = $1 AND project_id = $2 ORDER BY version")},
      // A project's figures across periods are found period by period through the primary key (period, project_id,
      // version): the months between the bounds asked, clipped to the periods stored (the key's first and last,
      // read from its ends), each probed once (migration 011 dropped the index led by the project).
      {"list_official",
       absl::StrCat("SELECT f.* FROM (SELECT greatest(nullif($2, ''), min(period)) AS lo, least($3, max(period)) AS hi "
                    "FROM stats.monthly_reports) b, ",
                    MonthsBetween("b.lo", "b.hi", "1"), ", ", OfficialOfMonth(kReportColumns, "$1"),
                    " f ORDER BY f.period")},
      // Each project's newest official figure at or before $2: its months probed backwards from there.
      {"list_latest",
       absl::StrCat("SELECT f.* FROM (SELECT min(period) AS lo, least($2, max(period)) AS hi FROM "
                    "stats.monthly_reports) b, (SELECT DISTINCT unnest($1::bigint[]) AS id) p, LATERAL (SELECT r.* "
                    "FROM ",
                    MonthsBetween("b.hi", "b.lo", "-1"), ", ", OfficialOfMonth(kReportColumns, "p.id"),
                    " r ORDER BY g.month DESC LIMIT 1) f ORDER BY f.project_id")},
      {"official_of_period", OfficialOf()},
      // 核实性审核: a project's official 本月完成投资 of the periods in [$2, $3), and every project's of one period.
      {"project_months",
       absl::StrCat("SELECT f.period, f.month_yuan FROM ", MonthsBetween("$2", "$3", "1"), ", ",
                    OfficialOfMonth("period, month_yuan", "$1"), " f WHERE f.period < $3 ORDER BY f.period")},
      {"official_months_of_period",
       absl::StrCat("SELECT DISTINCT ON (project_id) project_id, month_yuan FROM stats.monthly_reports "
                    "WHERE period = $1 ORDER BY project_id, ",
                    OfficialFirst())},
      {"insert_flag",
       "INSERT INTO stats.figure_flags (project_id, period, version, rule, evidence) VALUES ($1, $2, $3, $4, $5) "
       "ON CONFLICT DO NOTHING"},
      {"flags_of_report",
       "SELECT version, rule, evidence FROM stats.figure_flags WHERE period = $1 AND project_id = $2 "
       "ORDER BY version, rule"},
      {"flags_of_version",
       "SELECT rule, evidence FROM stats.figure_flags WHERE period = $1 AND project_id = $2 AND version = $3 "
       "ORDER BY rule"},
      // The flags of each project's newest reported version of a period.
      {"period_flags",
       absl::StrCat("WITH newest AS (SELECT DISTINCT ON (project_id) project_id, version, explanation "
                    "FROM stats.monthly_reports WHERE period = $1 AND kind = ",
                    Sql(pb::FIGURE_KIND_REPORTED),
                    " ORDER BY project_id, version DESC) SELECT f.project_id, f.version, f.rule, f.evidence, "
                    "n.explanation, d.unit_id, d.name FROM stats.figure_flags f JOIN newest n USING (project_id, "
                    "version) LEFT JOIN stats.project_dims d USING (project_id) WHERE f.period = $1 "
                    "ORDER BY d.unit_id, f.project_id, f.rule")},
      // Each unit's newest reported 本月完成投资 of the periods in [$1, $2].
      {"unit_amounts",
       absl::StrCat("SELECT d.unit_id, r.month_yuan FROM (SELECT DISTINCT ON (project_id, period) project_id, "
                    "month_yuan FROM stats.monthly_reports WHERE period >= $1 AND period <= $2 AND kind = ",
                    Sql(pb::FIGURE_KIND_REPORTED),
                    " ORDER BY project_id, period, version DESC) r JOIN stats.project_dims d USING (project_id)")},
      // Every version of the (project, period)s of [$1, $2] corrected after a lock.
      {"corrected_versions",
       absl::StrCat("SELECT ", kReportColumns,
                    " FROM stats.monthly_reports m WHERE period >= $1 AND period <= $2 AND EXISTS (SELECT 1 FROM "
                    "stats.monthly_reports c WHERE c.project_id = m.project_id AND c.period = m.period AND c.kind = ",
                    Sql(pb::FIGURE_KIND_CORRECTED), ") ORDER BY project_id, period, version")},
      {"project_units",
       "SELECT project_id, unit_id, name FROM stats.project_dims WHERE project_id = ANY($1::bigint[])"},
      {"period_dismissals",
       "SELECT subject, rule, version, actor, reason, extract(epoch FROM dismissed_at)::bigint FROM "
       "stats.flag_dismissals WHERE period = $1"},
      {"insert_dismissal",
       "INSERT INTO stats.flag_dismissals (period, subject, rule, version, actor, reason) VALUES ($1, $2, $3, $4, $5, "
       "$6) ON CONFLICT DO NOTHING"},
      // The forecast: every project's official 自年初累计 of each period in [$1, $2].
      {"ytd_history",
       absl::StrCat("SELECT DISTINCT ON (project_id, period) project_id, period, ytd_yuan FROM stats.monthly_reports "
                    "WHERE period >= $1 AND period <= $2 ORDER BY project_id, period, ",
                    OfficialFirst())},
      {"newest_of_period",
       absl::StrCat("SELECT DISTINCT ON (project_id) ", kReportColumns,
                    " FROM stats.monthly_reports WHERE period = $1 ORDER BY project_id, version DESC")},
      {"load_facts", *facts},
      // The key and major projects ($4: their tiers) with their official year-to-date figure of each period from
      // $1 to $2, a row per project and period (one row with a null period when it has none).
      {"facts_history",
       absl::StrCat("WITH figs AS (SELECT DISTINCT ON (project_id, period) project_id, period, ytd_yuan "
                    "FROM stats.monthly_reports WHERE period >= $1 AND period <= $2 ORDER BY project_id, period, ",
                    OfficialFirst(),
                    ") SELECT d.project_id, d.unit_id, d.name, d.industry_code, d.sector, d.manufacturing, "
                    "d.industrial_renovation, d.ownership, d.public_institution, d.tiers, d.planned_start_date, "
                    "d.actual_start_date, p.planned_yuan, d.ruku_state, d.ruku_date, d.construction_nature, "
                    "f.period, f.ytd_yuan FROM stats.project_dims d LEFT JOIN figs f USING (project_id) "
                    "LEFT JOIN stats.annual_plans p ON p.project_id = d.project_id AND p.year = $3 "
                    "WHERE d.tiers && $4::int[] ORDER BY d.project_id, f.period")},
      {"package_facts", *package_facts},
      {"upsert_peer",
       "INSERT INTO stats.peer_figures (region_code, period, category, yoy_growth_milli_percent) VALUES ($1, $2, $3, "
       "$4) ON CONFLICT (period, category, region_code) DO UPDATE SET "
       "yoy_growth_milli_percent = EXCLUDED.yoy_growth_milli_percent"},
      {"peers", "SELECT category, yoy_growth_milli_percent FROM stats.peer_figures WHERE period = $1"},
  };
}

absl::StatusOr<int64_t> StatsStore::FeedPosition(absl::Time deadline) {
  int64_t revision = 0;
  absl::Status status = pool_.Transaction(deadline, [&](pqxx::work& txn) {
    revision = txn.exec_prepared1("feed_position")[0].as<int64_t>();
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return revision;
}

absl::Status StatsStore::ApplyChange(const reg::ProjectChange& change, absl::Time deadline) {
  return pool_.Transaction(deadline, [&](pqxx::work& txn) {
    const int64_t position = txn.exec_prepared1("lock_feed_position")[0].as<int64_t>();
    if (change.revision() <= position) return absl::OkStatus();  // Already applied.
    const reg::Project& p = change.after();
    if (p.project_id() != 0) {
      txn.exec_prepared0(
          "upsert_dims", p.project_id(), p.unit_id(), p.name(), p.industry_code(), static_cast<int>(p.sector()),
          p.manufacturing(), p.industrial_renovation(), static_cast<int>(p.ownership()), p.public_institution(),
          TiersLiteral(p), static_cast<int>(p.stage()), static_cast<int>(p.ruku_state()), NullIfEmpty(p.ruku_date()),
          p.planned_total_investment_yuan(), NullIfEmpty(p.planned_start_date()), NullIfEmpty(p.actual_start_date()),
          change.revision(), p.project_code(), static_cast<int>(p.construction_nature()));
    }
    txn.exec_prepared0("set_feed_position", change.revision());
    return absl::OkStatus();
  });
}

absl::StatusOr<std::optional<ProjectDims>> StatsStore::GetDims(int64_t project_id, absl::Time deadline) {
  std::optional<ProjectDims> dims;
  absl::Status status = pool_.Transaction(deadline, [&](pqxx::work& txn) {
    auto rows = txn.exec_prepared("get_dims", project_id);
    if (!rows.empty()) dims = DimsFromRow(rows[0]);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return dims;
}

absl::StatusOr<pb::AnnualPlan> StatsStore::SetPlan(const pb::AnnualPlan& plan, const std::string& actor,
                                                   absl::Time deadline) {
  absl::Status status = pool_.Transaction(deadline, [&](pqxx::work& txn) {
    std::string monthly = "{";
    for (int i = 0; i < plan.cumulative_monthly_plan_yuan_size(); ++i) {
      absl::StrAppend(&monthly, i ? "," : "", plan.cumulative_monthly_plan_yuan(i));
    }
    monthly += "}";
    txn.exec_prepared0("upsert_plan", plan.project_id(), plan.year(), plan.planned_yuan(), monthly, actor);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return plan;
}

absl::StatusOr<std::optional<pb::AnnualPlan>> StatsStore::GetPlan(int64_t project_id, int year, absl::Time deadline) {
  std::optional<pb::AnnualPlan> plan;
  absl::Status status = pool_.Transaction(deadline, [&](pqxx::work& txn) {
    auto rows = txn.exec_prepared("get_plan", project_id, year);
    if (rows.empty()) return absl::OkStatus();
    pb::AnnualPlan p;
    p.set_project_id(project_id);
    p.set_year(year);
    p.set_planned_yuan(rows[0][0].as<int64_t>());
    for (int v : ParseIntArray(rows[0][1])) p.add_cumulative_monthly_plan_yuan(v);
    plan = p;
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return plan;
}

absl::StatusOr<pb::MonthlyReport> StatsStore::RecordReport(const ReportWrite& write, const ReportCheck& check,
                                                           absl::Time deadline) {
  pb::MonthlyReport stored;
  const pb::MonthlyReport& r = write.report;
  absl::Status status = pool_.Transaction(deadline, [&](pqxx::work& txn) -> absl::Status {
    std::optional<ProjectDims> dims;
    auto dims_rows = txn.exec_prepared("get_dims", r.project_id());
    if (!dims_rows.empty()) dims = DimsFromRow(dims_rows[0]);
    if (!write.request_id.empty()) {
      auto seen = txn.exec_prepared("report_by_request", write.request_id);
      if (!seen.empty()) {
        if (write.authorize) {
          if (absl::Status allowed = write.authorize(dims); !allowed.ok()) return allowed;
        }
        stored = ReportFromRow(seen[0]);
        return absl::OkStatus();
      }
    }
    // Shared with other writers of the period, exclusive with LockPeriod: no figure slips in during a lock.
    txn.exec_prepared("period_lock_shared", r.period());
    const bool locked = !txn.exec_prepared("is_locked", r.period()).empty();
    ReportContext context;
    if (dims) {
      context.figure.planned_total_yuan = dims->planned_total_yuan;
      context.figure.stage = dims->stage;
    }
    const auto period = Period::Parse(r.period());
    if (period) {
      for (const auto& row :
           txn.exec_prepared("project_months", r.project_id(), HistoryStart(*period).ToString(), r.period())) {
        context.figure.history.push_back({*Period::Parse(row[0].c_str()), row[1].as<int64_t>()});
      }
      if (auto previous = period->PreviousInYear()) {
        auto rows = txn.exec_prepared("official_figure", previous->ToString(), r.project_id());
        if (!rows.empty()) context.previous_ytd = rows[0][0].as<int64_t>();
      }
      auto december = txn.exec_prepared("official_figure", Period{period->year - 1, 12}.ToString(), r.project_id());
      if (!december.empty()) context.last_december_since_start = december[0][1].as<int64_t>();
    }
    std::optional<pb::MonthlyReport> newest;
    auto newest_rows = txn.exec_prepared("newest_version", r.period(), r.project_id());
    if (!newest_rows.empty()) newest = ReportFromRow(newest_rows[0]);
    auto flags = check(dims, context, locked, newest);
    if (!flags.ok()) return flags.status();
    if (newest && newest->kind() == write.kind && SameFigures(*newest, r)) {
      stored = *newest;  // The same report again: recorded once.
      for (const auto& row : txn.exec_prepared("flags_of_version", r.period(), r.project_id(), stored.version())) {
        auto* f = stored.add_flags();
        f->set_rule(static_cast<pb::VerificationRule>(row[0].as<int>()));
        f->set_rule_id(RuleId(f->rule()));
        f->set_evidence(row[1].c_str());
      }
    } else {
      auto row = txn.exec_prepared1("insert_report", r.project_id(), r.period(), newest ? newest->version() + 1 : 1,
                                    static_cast<int>(write.kind), r.month_yuan(), r.ytd_yuan(),
                                    r.ytd_breakdown().construction_yuan(), r.ytd_breakdown().installation_yuan(),
                                    r.ytd_breakdown().equipment_yuan(), r.ytd_breakdown().other_yuan(),
                                    r.since_start_yuan(), write.actor, r.reason(), r.explanation());
      stored = ReportFromRow(row);
      // The division sums of a locked period no longer hold, nor those of the same period a year later (whose
      // year-on-year base this is): dropped, and made again at the next regional report.
      txn.exec_prepared0("drop_rollups", r.period(),
                         absl::StrCat(Period::Parse(r.period())->year + 1, r.period().substr(4)));
      if (!write.request_id.empty()) {
        txn.exec_prepared0("insert_request", write.request_id, r.period(), r.project_id(), stored.version());
      }
      for (const auto& f : *flags) {
        txn.exec_prepared0("insert_flag", r.project_id(), r.period(), stored.version(), static_cast<int>(f.rule()),
                           f.evidence());
        *stored.add_flags() = f;
      }
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return stored;
}

namespace {

class PgImportSession : public ImportSession {
 public:
  PgImportSession(pqxx::work& txn, std::string actor, std::shared_ptr<const DimsMap> dims)
      : txn_(txn), actor_(std::move(actor)), escaped_actor_(CopyEscaped(actor_)) {
    context_.dims = std::move(dims);
    // The import's id and time (the transaction's, as DEFAULT now() would give), written into every row and leaf.
    auto row = txn_.exec1(
        "SELECT nextval('stats.import_ids'), to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')");
    import_id_ = row[0].as<int64_t>();
    recorded_at_ = row[1].c_str();
  }

  void LoadPeriod(const Period& period) override {
    // Called for every row: the rows of a file mostly share their period.
    if (last_loaded_ && *last_loaded_ == period) return;
    last_loaded_ = period;
    if (written_periods_.insert(period.year * 100 + period.month).second) {
      // Rows of this period will be written: the division sums of a locked one no longer hold, nor those of the
      // same period a year later (RecordReport does the same for one figure).
      FinishCopy();
      txn_.exec_prepared0("drop_rollups", period.ToString(), Period{period.year + 1, period.month}.ToString());
    }
    std::vector<Period> needed = {period, Period{period.year - 1, 12}};
    if (auto previous = period.PreviousInYear()) needed.push_back(*previous);
    for (const Period& p : needed) {
      if (!loaded_.insert(p.year * 100 + p.month).second) continue;
      FinishCopy();  // A connection in COPY mode runs no other statement.
      const std::string text = p.ToString();
      txn_.exec_prepared("period_lock_shared", text);
      context_.locked[text] = !txn_.exec_prepared("is_locked", text).empty();
      for (const auto& row : txn_.exec_prepared("official_of_period", text)) {
        const int64_t key = ImportContext::Key(row[0].as<int64_t>(), p);
        context_.stored_ytd[key] = row[1].as<int64_t>();
        if (p.month == 12) context_.december_since_start[key] = row[3].as<int64_t>();
      }
      for (const auto& row : txn_.exec_prepared("newest_of_period", text)) {
        pb::MonthlyReport m = ReportFromRow(row);
        context_.newest[ImportContext::Key(m.project_id(), p)] = std::move(m);
      }
    }
    // The months the 核实性审核 rules look back on, and this one: each read before this import writes into it (a
    // month of the import is then in the import's own rows, not read back from what it wrote).
    for (Period p = HistoryStart(period); !(period < p); p = p.Next()) {
      if (!months_loaded_.insert(p.year * 100 + p.month).second) continue;
      FinishCopy();
      for (const auto& row : txn_.exec_prepared("official_months_of_period", p.ToString())) {
        context_.stored_months[row[0].as<int64_t>()].push_back({p, row[1].as<int64_t>()});
      }
    }
  }

  const ImportContext& context() const override { return context_; }

  void Write(const pb::MonthlyReport& r, const std::vector<pb::VerificationFlag>& flags) override {
    if (!writer_) {
      // tablewriter is deprecated in libpqxx 7 in favour of stream_to, but libpqxx 6.4's stream_to has no way to
      // send a line we formatted ourselves, and its per-field conversion is most of an import's CPU time.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
      const std::vector<std::string>& columns = ImportCopyColumns();
      writer_ = std::make_unique<pqxx::tablewriter>(txn_, "stats.monthly_reports", columns.begin(), columns.end());
#pragma GCC diagnostic pop
    }
    auto newest = context_.newest.find(ImportContext::Key(r.project_id(), *Period::Parse(r.period())));
    const int version = newest == context_.newest.end() ? 1 : newest->second.version() + 1;
    // The row's Merkle leaf is its COPY line with every column; the import's one audit entry holds the root over
    // them all. The line sent leaves the time to the table's DEFAULT now(), the same transaction's time.
    ImportLine(r, version, pb::FIGURE_KIND_REPORTED, escaped_actor_, recorded_at_, import_id_, written_, &line_,
               &copy_line_);
    tree_.AddLeaf(line_);
    // Lines go to PostgreSQL some 64 KiB at a time: COPY's data is a stream, not a message per row, and one
    // call per row cost a copy, an allocation and a look at the socket each.
    pending_lines_.append(copy_line_);
    if (pending_lines_.size() >= kCopyBatchBytes) {
      writer_->write_raw_line(pending_lines_);  // adds the last line's newline
      pending_lines_.clear();
    } else {
      pending_lines_.push_back('\n');
    }
    for (const auto& f : flags) pending_flags_.push_back({r.project_id(), r.period(), version, f});
    ++written_;
  }

  int64_t written() const override { return written_; }

  void FinishCopy() {
    if (!pending_lines_.empty()) {
      pending_lines_.pop_back();  // write_raw_line ends the last line
      writer_->write_raw_line(pending_lines_);
      pending_lines_.clear();
    }
    if (writer_) {
      writer_->complete();
      writer_.reset();
    }
  }

  // The flags of the rows written (after the COPY: a connection in COPY mode runs nothing else).
  void WriteFlags() {
    FinishCopy();
    for (const auto& p : pending_flags_) {
      txn_.exec_prepared0("insert_flag", p.project_id, p.period, p.version, static_cast<int>(p.flag.rule()),
                          p.flag.evidence());
    }
    pending_flags_.clear();
  }

  // The import's audit entry: its row in stats.imports, through the audit trigger, with the Merkle root.
  void Seal() {
    FinishCopy();
    if (written_ == 0) return;
    txn_.exec_params0(
        "INSERT INTO stats.imports (import_id, actor, row_count, merkle_root, imported_at) "
        "VALUES ($1, $2, $3, $4, $5::timestamptz)",
        import_id_, actor_, written_, merkle::Hex(tree_.Root()), recorded_at_);
  }

 private:
  pqxx::work& txn_;
  const std::string actor_;
  ImportContext context_;
  absl::flat_hash_set<int> loaded_;
  absl::flat_hash_set<int> months_loaded_;
  std::optional<Period> last_loaded_;
  absl::flat_hash_set<int> written_periods_;
  struct PendingFlag {
    int64_t project_id;
    std::string period;
    int version;
    pb::VerificationFlag flag;
  };
  std::vector<PendingFlag> pending_flags_;
  std::unique_ptr<pqxx::tablewriter> writer_;
  std::string escaped_actor_;
  std::string line_, copy_line_;
  static constexpr size_t kCopyBatchBytes = 64 * 1024;
  std::string pending_lines_;  // COPY lines not yet sent, each ended by a newline
  int64_t written_ = 0;
  int64_t import_id_ = 0;
  std::string recorded_at_;
  merkle::RootBuilder tree_;
};

}  // namespace

std::shared_ptr<const DimsMap> StatsStore::DimsAtFeedPosition(pqxx::transaction_base& txn) {
  // The position first: the dims read after it are at least as new, and a change applied in between is read
  // again, harmlessly, by the next import.
  const int64_t position = txn.exec_prepared1("feed_position")[0].as<int64_t>();
  std::shared_ptr<const DimsMap> kept;
  int64_t kept_position = -1;
  {
    absl::MutexLock lock(&dims_mu_);
    kept = dims_;
    kept_position = dims_position_;
  }
  if (kept && kept_position == position) return kept;
  auto dims = std::make_shared<DimsMap>();
  pqxx::result rows;
  if (kept && kept_position < position) {
    *dims = *kept;
    rows = txn.exec_prepared("dims_changed_since", kept_position);
  } else {
    rows = txn.exec_prepared("all_dims");
    dims->reserve(rows.size());
  }
  for (const auto& row : rows) {
    ProjectDims d = DimsFromRow(row);
    (*dims)[d.project_id] = std::move(d);
  }
  absl::MutexLock lock(&dims_mu_);
  dims_ = dims;
  dims_position_ = position;
  return dims;
}

absl::StatusOr<int64_t> StatsStore::Import(const std::string& actor,
                                           const std::function<absl::Status(ImportSession&)>& body,
                                           absl::Time deadline) {
  int64_t written = 0;
  const absl::Time start = absl::Now();
  absl::Status status = pool_.Transaction(deadline, [&](pqxx::work& txn) -> absl::Status {
    PgImportSession session(txn, actor, DimsAtFeedPosition(txn));
    absl::Status outcome = body(session);
    session.WriteFlags();
    if (outcome.ok()) session.Seal();
    written = session.written();
    return outcome;
  });
  if (!status.ok()) return status;
  spdlog::info("import: {} rows written in {:.0f} ms", written, absl::ToDoubleMilliseconds(absl::Now() - start));
  return written;
}

absl::StatusOr<std::vector<pb::MonthlyReport>> StatsStore::ListVersions(int64_t project_id, const std::string& period,
                                                                        absl::Time deadline) {
  std::vector<pb::MonthlyReport> out;
  absl::Status status = pool_.Transaction(deadline, [&](pqxx::work& txn) {
    for (const auto& row : txn.exec_prepared("list_versions", period, project_id)) out.push_back(ReportFromRow(row));
    // The 核实性审核 flags each version raised, for the bureau verifying it.
    for (const auto& row : txn.exec_prepared("flags_of_report", period, project_id)) {
      const int version = row[0].as<int>();
      for (auto& report : out) {
        if (report.version() != version) continue;
        auto* f = report.add_flags();
        f->set_rule(static_cast<pb::VerificationRule>(row[1].as<int>()));
        f->set_rule_id(RuleId(f->rule()));
        f->set_evidence(row[2].c_str());
      }
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return out;
}

absl::StatusOr<pb::ProveMonthlyReportResponse> StatsStore::ProveReport(int64_t project_id, const std::string& period,
                                                                       int version, absl::Time deadline) {
  absl::StatusOr<pb::ProveMonthlyReportResponse> out;
  absl::Status status = pool_.Transaction(deadline, [&](pqxx::work& txn) {
    out = stats::ProveReport(txn, project_id, period, version);
    if (!out.ok()) return out.status();
    auto stored = txn.exec_params(absl::StrCat("SELECT ", kReportColumns,
                                               " FROM stats.monthly_reports WHERE project_id = $1 AND period = $2 "
                                               "AND version = $3"),
                                  project_id, period, version);
    if (!stored.empty()) *out->mutable_report() = ReportFromRow(stored[0]);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return out;
}

absl::StatusOr<std::vector<pb::MonthlyReport>> StatsStore::ListOfficial(int64_t project_id, const std::string& from,
                                                                        const std::string& to, absl::Time deadline) {
  std::vector<pb::MonthlyReport> out;
  absl::Status status = pool_.Transaction(deadline, [&](pqxx::work& txn) {
    for (const auto& row : txn.exec_prepared("list_official", project_id, from, to.empty() ? "9999-12" : to)) {
      out.push_back(ReportFromRow(row));
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return out;
}

absl::StatusOr<std::vector<pb::MonthlyReport>> StatsStore::ListLatest(const std::vector<int64_t>& project_ids,
                                                                      const std::string& period, absl::Time deadline) {
  std::vector<pb::MonthlyReport> out;
  const std::string ids = absl::StrCat("{", absl::StrJoin(project_ids, ","), "}");
  absl::Status status = pool_.Transaction(deadline, [&](pqxx::work& txn) {
    for (const auto& row : txn.exec_prepared("list_latest", ids, period)) out.push_back(ReportFromRow(row));
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return out;
}

absl::StatusOr<pb::LockPeriodResponse> StatsStore::LockPeriod(const std::string& period, const std::string& actor,
                                                              absl::Time deadline) {
  pb::LockPeriodResponse out;
  absl::Status status = pool_.Transaction(deadline, [&](pqxx::work& txn) {
    txn.exec_prepared("period_lock_exclusive", period);
    // The division sums of the period as locked, for the regional reports, are made by the package's freeze that
    // follows (from the same pass over the projects), or at the first regional report.
    txn.exec_prepared0("insert_lock", period, actor);
    auto row = txn.exec_prepared1("get_lock", period);
    out.set_period(row[0].c_str());
    *out.mutable_lock_time() = TimeUtil::SecondsToTimestamp(row[1].as<int64_t>());
    out.set_actor(row[2].c_str());
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return out;
}

namespace {

// A row of "package_version".
StatsStore::PackageVersion PackageVersionFromRow(const pqxx::row& r) {
  StatsStore::PackageVersion v;
  v.version = r[0].as<int32_t>();
  v.snapshot = pqxx::binarystring(r[1]).str();
  v.sha256 = r[2].c_str();
  v.reason = r[3].c_str();
  v.rows_apart = r[4].as<bool>();
  v.content_sha256 = r[5].c_str();
  v.row_count = r[6].is_null() ? -1 : r[6].as<int64_t>();
  return v;
}

}  // namespace

absl::StatusOr<std::optional<StatsStore::PackageVersion>> StatsStore::LoadPackageVersion(const std::string& period,
                                                                                         int32_t version,
                                                                                         absl::Time deadline) {
  std::optional<PackageVersion> out;
  absl::Status status = pool_.Transaction(deadline, [&](pqxx::work& txn) {
    auto rows = txn.exec_prepared("package_version", period, version);
    if (!rows.empty()) out = PackageVersionFromRow(rows[0]);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return out;
}

absl::StatusOr<StatsStore::PeriodState> StatsStore::StateOf(const std::string& period, absl::Time deadline) {
  PeriodState state;
  absl::Status status = pool_.Transaction(deadline, [&](pqxx::work& txn) {
    auto row = txn.exec_prepared1("period_state", period);
    state.locked = !row[0].is_null();
    state.published = state.locked && row[0].as<bool>();
    state.updated_at = row[1].is_null() ? 0 : row[1].as<int64_t>();
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return state;
}

absl::StatusOr<pb::PublishPeriodResponse> StatsStore::PublishPeriod(const std::string& period, const std::string& actor,
                                                                    absl::Time deadline) {
  pb::PublishPeriodResponse out;
  absl::Status status = pool_.Transaction(deadline, [&](pqxx::work& txn) {
    txn.exec_prepared("period_lock_exclusive", period);
    if (txn.exec_prepared("is_locked", period).empty()) {
      return Error(absl::StatusCode::kFailedPrecondition,
                   absl::StrCat("period ", period, " is not locked; lock it (verified figures) before publishing"),
                   absl::StrCat("报告期 ", period, " 尚未锁定，须先锁定再发布"));
    }
    txn.exec_prepared0("publish", period, actor);
    auto row = txn.exec_prepared1("get_publication", period);
    out.set_period(row[0].c_str());
    *out.mutable_publish_time() = TimeUtil::SecondsToTimestamp(row[1].as<int64_t>());
    out.set_actor(row[2].c_str());
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return out;
}

absl::StatusOr<bool> StatsStore::IsLocked(const std::string& period, absl::Time deadline) {
  bool locked = false;
  absl::Status status = pool_.Transaction(deadline, [&](pqxx::work& txn) {
    locked = !txn.exec_prepared("is_locked", period).empty();
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return locked;
}

namespace {

// The counted projects of a period. 建筑+安装 is added up in numeric (a row stored before amounts were bounded
// cannot make the query fail, and a superseded one is not read at all); one that does not fit names its project.
// Columns 0–12 of load_facts and facts_history: the project's attributes and its annual plan.
void ReadDims(const pqxx::row& r, ProjectFacts& f) {
  f.project_id = r[0].as<int64_t>();
  f.unit_id = r[1].c_str();
  f.name = r[2].c_str();
  f.industry_code = r[3].c_str();
  f.sector = static_cast<reg::Sector>(r[4].as<int>());
  f.manufacturing = r[5].as<bool>();
  f.industrial_renovation = r[6].as<bool>();
  f.ownership = static_cast<reg::Ownership>(r[7].as<int>());
  f.public_institution = r[8].as<bool>();
  f.tiers = ParseIntArray(r[9]);
  f.planned_start_date = r[10].is_null() ? "" : r[10].c_str();
  f.actual_start_date = r[11].is_null() ? "" : r[11].c_str();
  if (!r[12].is_null()) f.plan = r[12].as<int64_t>();
}

// The text of one of StatsStatements(), for a cursor (a prepared statement cannot be declared as one).
const std::string& StatsStatementText(const std::string& name) {
  static const auto* statements = new std::vector<NamedStatement>(StatsStatements());
  for (const auto& s : *statements) {
    if (s.name == name) return s.sql;
  }
  static const std::string* none = new std::string();
  return *none;
}

// One row of "load_facts".
absl::Status FactsFromRow(const pqxx::row& r, ProjectFacts& f) {
  ReadDims(r, f);
  f.ytd = r[13].as<int64_t>();
  f.last_ytd = r[15].as<int64_t>();
  f.counted = r[17].as<bool>();
  f.construction_nature = static_cast<reg::ConstructionNature>(r[18].as<int>());
  f.ruku_date = r[19].is_null() ? "" : r[19].c_str();
  f.reported = r[20].as<bool>();
  if (!absl::SimpleAtoi(r[14].c_str(), &f.ytd_ja) || !absl::SimpleAtoi(r[16].c_str(), &f.last_ja)) {
    return Error(absl::StatusCode::kOutOfRange,
                 absl::StrCat("project ", f.project_id, ": construction + installation does not fit in 64 bits"),
                 absl::StrCat("项目 ", f.project_id, " 的建筑工程与安装工程合计超出范围，请由统计局更正该月数据"));
  }
  if (!f.counted) {
    // Not 入库 by the period's end: it contributes no investment (先入库,后有数), whatever was stored, this year
    // or last (the year-on-year base is the same scope).
    f.ytd = f.ytd_ja = f.last_ytd = f.last_ja = 0;
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<ProjectFacts>> ReadFacts(pqxx::work& txn, const Period& period) {
  std::vector<ProjectFacts> out;
  auto rows = txn.exec_prepared("load_facts", period.ToString(), period.SameLastYear().ToString(), period.EndDate(),
                                period.year);
  out.reserve(rows.size());
  for (const auto& r : rows) {
    ProjectFacts f;
    if (absl::Status s = FactsFromRow(r, f); !s.ok()) return s;
    out.push_back(std::move(f));
  }
  return out;
}

std::string ArrayLiteral(const std::array<AmountSum, IndicatorSums::kCategories>& sums) {
  std::string out = "{";
  for (int c = 0; c < IndicatorSums::kCategories; ++c) absl::StrAppend(&out, c ? "," : "", sums[c].value());
  return out + "}";
}

// A division's sums fit the bigint columns they are stored in. A division of fewer than 92,000 projects cannot
// exceed int64 (each amount is at most 10^14 元).
absl::Status CheckDivisionSums(const std::string& division, const IndicatorSums& sums) {
  for (const AmountSum* total : {&sums.ytd, &sums.last, &sums.plan, &sums.ytd_with_plan}) {
    if (!total->fits()) return TotalOutOfRange(absl::StrCat("行政区划 ", division, " 的固定资产投资"));
  }
  for (int c = 0; c < IndicatorSums::kCategories; ++c) {
    if (!sums.category_ytd[c].fits() || !sums.category_last[c].fits()) {
      return TotalOutOfRange(absl::StrCat("行政区划 ", division, " 的分类投资"));
    }
  }
  return absl::OkStatus();
}

// Division sums from columns `first`… (projects, reported, ytd, last_ytd, plan, ytd_with_plan, category_ytd,
// category_last) of stats.division_rollups or stats.package_divisions.
IndicatorSums SumsFromRow(const pqxx::row& r, int first) {
  IndicatorSums sums;
  sums.projects = r[first].as<int64_t>();
  sums.reported = r[first + 1].as<int64_t>();
  sums.ytd += r[first + 2].as<int64_t>();
  sums.last += r[first + 3].as<int64_t>();
  sums.plan += r[first + 4].as<int64_t>();
  sums.ytd_with_plan += r[first + 5].as<int64_t>();
  const auto ytd = ParseBigintArray(r[first + 6]), last = ParseBigintArray(r[first + 7]);
  for (int c = 0;
       c < IndicatorSums::kCategories && c < static_cast<int>(ytd.size()) && c < static_cast<int>(last.size()); ++c) {
    sums.category_ytd[c] += ytd[c];
    sums.category_last[c] += last[c];
  }
  return sums;
}

// Computes and stores the division sums of a period, streaming its facts through a cursor (a national period is
// millions of projects; memory stays that of the divisions). Called with the period locked and its lock held.
absl::Status ComputeRollups(pqxx::work& txn, const Period& period, const CodeTables& tables) {
  // The year-on-year base is the same period last year: no correction of it may land while the sums are made.
  txn.exec_prepared("period_lock_exclusive", period.SameLastYear().ToString());
  txn.exec_params("DELETE FROM stats.rollup_periods WHERE period = $1", period.ToString());
  txn.exec_params(absl::StrCat("DECLARE rollup_facts NO SCROLL CURSOR FOR ", StatsStatementText("load_facts")),
                  period.ToString(), period.SameLastYear().ToString(), period.EndDate(), period.year);
  absl::flat_hash_map<std::string, IndicatorSums> divisions;
  for (;;) {
    auto block = txn.exec("FETCH 20000 FROM rollup_facts");
    if (block.empty()) break;
    for (const auto& r : block) {
      ProjectFacts f;
      if (absl::Status s = FactsFromRow(r, f); !s.ok()) return s;
      divisions[DivisionOf(r[21].c_str())].Add(f, tables);
    }
  }
  txn.exec("CLOSE rollup_facts");
  txn.exec_prepared0("insert_rollup_period", period.ToString());
  for (const auto& [division, sums] : divisions) {
    if (absl::Status s = CheckDivisionSums(division, sums); !s.ok()) return s;
    txn.exec_params(
        "INSERT INTO stats.division_rollups (period, division, projects, reported, ytd, last_ytd, plan, "
        "ytd_with_plan, category_ytd, category_last) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::bigint[], "
        "$10::bigint[])",
        period.ToString(), division, sums.projects, sums.reported, sums.ytd.value(), sums.last.value(),
        sums.plan.value(), sums.ytd_with_plan.value(), ArrayLiteral(sums.category_ytd),
        ArrayLiteral(sums.category_last));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::vector<std::pair<std::string, IndicatorSums>>> StatsStore::DivisionSums(const Period& period,
                                                                                            const std::string& region,
                                                                                            const CodeTables& tables,
                                                                                            absl::Time deadline) {
  const std::string text = period.ToString();
  // Made when missing (a period locked before the sums existed, or after a correction dropped them).
  absl::Status made = pool_.Transaction(deadline, [&](pqxx::work& txn) {
    if (!txn.exec_prepared("rollup_exists", text).empty()) return absl::OkStatus();
    txn.exec_prepared("period_lock_exclusive", text);
    if (!txn.exec_prepared("rollup_exists", text).empty()) return absl::OkStatus();  // made meanwhile
    return ComputeRollups(txn, period, tables);
  });
  if (!made.ok()) return made;
  std::vector<std::pair<std::string, IndicatorSums>> out;
  absl::Status status = pool_.ReadTransaction(deadline, [&](pqxx::work& txn) {
    for (const auto& r : txn.exec_prepared("division_rollups", text, region)) {
      out.emplace_back(r[0].c_str(), SumsFromRow(r, 1));
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return out;
}

absl::StatusOr<std::vector<ProjectFacts>> StatsStore::LoadFacts(const Period& period, absl::Time deadline) {
  std::vector<ProjectFacts> out;
  absl::Status status = pool_.ReadTransaction(deadline, [&](pqxx::work& txn) {
    auto read = ReadFacts(txn, period);
    if (!read.ok()) return read.status();
    out = *std::move(read);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return out;
}

absl::StatusOr<std::vector<std::vector<ProjectFacts>>> StatsStore::LoadFactsHistory(const Period& period,
                                                                                    absl::Time deadline) {
  const std::string tiers =
      absl::StrCat("{", static_cast<int>(reg::PROJECT_TIER_KEY), ",", static_cast<int>(reg::PROJECT_TIER_MAJOR), "}");
  std::vector<ProjectFacts> projects;
  std::vector<std::map<std::string, int64_t>> figures;  // by project, period → ytd
  absl::Status status = pool_.ReadTransaction(deadline, [&](pqxx::work& txn) {
    const auto rows =
        txn.exec_prepared("facts_history", Period{period.year, 2}.ToString(), period.ToString(), period.year, tiers);
    for (const auto& r : rows) {
      if (projects.empty() || projects.back().project_id != r[0].as<int64_t>()) {
        ProjectFacts f;
        ReadDims(r, f);
        f.counted = r[13].as<int>() == reg::RUKU_STATE_APPROVED;  // and dated: per month below
        f.ruku_date = r[14].is_null() ? "" : r[14].c_str();
        f.construction_nature = static_cast<reg::ConstructionNature>(r[15].as<int>());
        projects.push_back(std::move(f));
        figures.emplace_back();
      }
      if (!r[16].is_null()) figures.back()[r[16].c_str()] = r[17].as<int64_t>();
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  std::vector<std::vector<ProjectFacts>> out;
  for (int m = 2; m <= period.month; ++m) {
    const Period month{period.year, m};
    const std::string end = month.EndDate();
    std::vector<ProjectFacts> facts = projects;
    for (size_t i = 0; i < facts.size(); ++i) {
      ProjectFacts& f = facts[i];
      f.counted = f.counted && !f.ruku_date.empty() && f.ruku_date <= end;
      auto it = figures[i].find(month.ToString());
      f.ytd = f.counted && it != figures[i].end() ? it->second : 0;
    }
    out.push_back(std::move(facts));
  }
  return out;
}

absl::StatusOr<StatsStore::PackageVersion> StatsStore::FreezePackage(const Period& period, PackageFreezer& freezer,
                                                                     absl::Time deadline) {
  PackageVersion out;
  bool unchanged = false;
  const std::string text = period.ToString();
  absl::Status status = pool_.Transaction(deadline, [&](pqxx::work& txn) {
    txn.exec_prepared("period_lock_exclusive", text);  // one writer of the period's versions at a time
    // Its year-on-year base too: no figure of the same period last year lands while the sums are made.
    txn.exec_prepared("period_lock_exclusive", period.SameLastYear().ToString());
    auto newest = txn.exec_prepared1("package_versions_of", text)[0];
    const int32_t version = (newest.is_null() ? 0 : newest.as<int32_t>()) + 1;
    // One cursor: the rows and the sums come from the same snapshot. Rows are stored a block at a time by COPY
    // (a connection in COPY mode runs nothing else, so each block's COPY ends before the next FETCH).
    txn.exec_params(absl::StrCat("DECLARE package_facts NO SCROLL CURSOR FOR ", StatsStatementText("package_facts")),
                    text, period.SameLastYear().ToString(), period.EndDate(), period.year);
    static const std::vector<std::string> columns = {"period", "version", "place", "division", "row"};
    int64_t place = 0;
    std::string line;
    for (;;) {
      auto block = txn.exec("FETCH 20000 FROM package_facts");
      if (block.empty()) break;
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
      // tablewriter, as in ImportSession: one line formatted here, the bytea in hex.
      pqxx::tablewriter writer(txn, "stats.package_rows", columns.begin(), columns.end());
#pragma GCC diagnostic pop
      for (const auto& r : block) {
        ProjectFacts f;
        if (absl::Status s = FactsFromRow(r, f); !s.ok()) return s;
        const std::string division = DivisionOf(r[21].c_str());
        pb::PackageRow row;
        pb::PackageRow* counted = nullptr;
        if (f.counted) {
          row.set_project_id(f.project_id);
          row.set_project_code(r[21].c_str());
          row.set_project_name(f.name);
          row.set_unit_id(f.unit_id);
          row.set_industry_code(f.industry_code);
          row.set_planned_total_yuan(r["dim_planned_total"].as<int64_t>());
          if (!r["period"].is_null()) {
            *row.mutable_figure() = ReportFromRow(r);
          } else {
            row.mutable_figure()->set_project_id(f.project_id);
            row.mutable_figure()->set_period(text);
          }
          counted = &row;
        }
        auto bytes = freezer.Project(f, division, counted);
        if (!bytes.ok()) return bytes.status();
        if (counted == nullptr) continue;
        line =
            absl::StrCat(text, "\t", version, "\t", place++, "\t", division, "\t\\\\x", absl::BytesToHexString(*bytes));
        writer.write_raw_line(line);
      }
      writer.complete();
    }
    txn.exec("CLOSE package_facts");
    std::optional<PackageVersion> stored;
    if (version > 1) {
      auto rows = txn.exec_prepared("package_version", text, version - 1);
      if (!rows.empty()) stored = PackageVersionFromRow(rows[0]);
    }
    auto finished = freezer.Finish(stored);
    if (!finished.ok()) return finished.status();
    if (!finished->has_value()) {
      out = *std::move(stored);
      unchanged = true;
      return absl::CancelledError("unchanged");  // rolled back: the rows written above are not kept
    }
    const PackageFreezer::Version& v = **finished;
    for (const auto& [division, sums] : v.divisions) {
      if (absl::Status s = CheckDivisionSums(division, sums); !s.ok()) return s;
      txn.exec_prepared0("insert_package_division", text, version, division, sums.projects, sums.reported,
                         sums.ytd.value(), sums.last.value(), sums.plan.value(), sums.ytd_with_plan.value(),
                         ArrayLiteral(sums.category_ytd), ArrayLiteral(sums.category_last));
    }
    txn.exec_prepared0("insert_package_version", text, version, v.actor, v.reason,
                       pqxx::binarystring(v.header.data(), v.header.size()), v.sha256, v.content_sha256, place);
    // The same sums are the period's regional sums when it has none (at its lock, or after a correction dropped
    // them): no second pass over its projects.
    if (txn.exec_prepared("rollup_exists", text).empty()) {
      txn.exec_prepared0("insert_rollup_period", text);
      txn.exec_prepared0("rollups_of_package", text, version);
    }
    out.version = version;
    out.snapshot = v.header;
    out.sha256 = v.sha256;
    out.reason = v.reason;
    out.rows_apart = true;
    out.content_sha256 = v.content_sha256;
    out.row_count = place;
    return absl::OkStatus();
  });
  if (!status.ok() && !unchanged) return status;
  return out;
}

absl::Status StatsStore::ReadPackageRows(const std::string& period, int32_t version, const std::string& division,
                                         const std::function<absl::Status(const std::string& bytes)>& row,
                                         absl::Time deadline) {
  // A read run again (on the primary, after the replica failed during it) goes on after the rows already given:
  // a version's rows never change.
  int64_t given = 0;
  return pool_.ReadTransaction(deadline, [&](pqxx::work& txn) {
    int64_t place = 0;
    // Two statements, so that a division's rows are found through its index (one with "$3 = '' OR" is not).
    if (division.empty()) {
      txn.exec_params(
          "DECLARE package_rows NO SCROLL CURSOR FOR SELECT row FROM stats.package_rows WHERE period = $1 AND "
          "version = $2 ORDER BY place",
          period, version);
    } else {
      txn.exec_params(
          "DECLARE package_rows NO SCROLL CURSOR FOR SELECT row FROM stats.package_rows WHERE period = $1 AND "
          "version = $2 AND division = $3 ORDER BY place",
          period, version, division);
    }
    for (;;) {
      auto block = txn.exec("FETCH 10000 FROM package_rows");
      if (block.empty()) break;
      for (const auto& r : block) {
        if (place++ < given) continue;
        ++given;
        if (absl::Status s = row(pqxx::binarystring(r[0]).str()); !s.ok()) return s;
      }
    }
    return absl::OkStatus();
  });
}

absl::StatusOr<std::optional<IndicatorSums>> StatsStore::PackageDivisionSums(const std::string& period, int32_t version,
                                                                             const std::string& division,
                                                                             absl::Time deadline) {
  std::optional<IndicatorSums> out;
  absl::Status status = pool_.ReadTransaction(deadline, [&](pqxx::work& txn) {
    auto rows = txn.exec_prepared("package_division", period, version, division);
    if (!rows.empty()) out = SumsFromRow(rows[0], 1);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return out;
}

absl::StatusOr<int> StatsStore::SetPeerFigures(const std::vector<pb::PeerFigure>& figures, absl::Time deadline) {
  absl::Status status = pool_.Transaction(deadline, [&](pqxx::work& txn) {
    for (const auto& f : figures) {
      txn.exec_prepared0("upsert_peer", f.region_code(), f.period(), static_cast<int>(f.category()),
                         f.yoy_growth_milli_percent());
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return static_cast<int>(figures.size());
}

absl::StatusOr<std::map<int, std::vector<int64_t>>> StatsStore::PeerFigures(const std::string& period,
                                                                            absl::Time deadline) {
  std::map<int, std::vector<int64_t>> out;
  absl::Status status = pool_.Transaction(deadline, [&](pqxx::work& txn) {
    for (const auto& row : txn.exec_prepared("peers", period)) {
      out[row[0].as<int>()].push_back(row[1].as<int64_t>());
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return out;
}

absl::StatusOr<std::vector<StatsStore::YtdPoint>> StatsStore::LoadYtdHistory(const Period& from, const Period& to,
                                                                             absl::Time deadline) {
  std::vector<YtdPoint> out;
  absl::Status status = pool_.Transaction(deadline, [&](pqxx::work& txn) {
    for (const auto& row : txn.exec_prepared("ytd_history", from.ToString(), to.ToString())) {
      auto period = Period::Parse(row[1].c_str());
      if (period) out.push_back({row[0].as<int64_t>(), *period, row[2].as<int64_t>()});
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return out;
}

absl::StatusOr<StatsStore::FlagData> StatsStore::LoadFlagData(const Period& period, absl::Time deadline) {
  FlagData data;
  const std::string year_start = Period{period.year, 2}.ToString();
  absl::Status status = pool_.Transaction(deadline, [&](pqxx::work& txn) {
    txn.exec0("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY");
    for (const auto& row : txn.exec_prepared("period_flags", period.ToString())) {
      pb::VerificationFlag f;
      f.set_project_id(row[0].as<int64_t>());
      f.set_period(period.ToString());
      f.set_version(row[1].as<int>());
      f.set_rule(static_cast<pb::VerificationRule>(row[2].as<int>()));
      f.set_rule_id(RuleId(f.rule()));
      f.set_evidence(row[3].c_str());
      f.set_explanation(row[4].c_str());
      f.set_unit_id(row[5].is_null() ? "" : row[5].c_str());
      f.set_project_name(row[6].is_null() ? "" : row[6].c_str());
      data.figure_flags.push_back(std::move(f));
    }
    for (const auto& row : txn.exec_prepared("unit_amounts", year_start, period.ToString())) {
      data.unit_amounts[row[0].c_str()].push_back(row[1].as<int64_t>());
    }
    std::string ids = "{";
    for (const auto& row : txn.exec_prepared("corrected_versions", year_start, period.ToString())) {
      data.corrected_versions.push_back(ReportFromRow(row));
      absl::StrAppend(&ids, ids.size() > 1 ? "," : "", data.corrected_versions.back().project_id());
    }
    for (const auto& row : txn.exec_prepared("project_units", ids + "}")) {
      data.project_units[row[0].as<int64_t>()] = {row[1].c_str(), row[2].c_str()};
    }
    for (const auto& row : txn.exec_prepared("period_dismissals", period.ToString())) {
      data.dismissals[{row[0].c_str(), row[1].as<int>(), row[2].as<int>()}] = {row[3].c_str(), row[4].c_str(),
                                                                               row[5].as<int64_t>()};
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return data;
}

absl::Status StatsStore::DismissFlag(const std::string& period, const std::string& subject, int rule, int version,
                                     const std::string& actor, const std::string& reason, absl::Time deadline) {
  return pool_.Transaction(deadline, [&](pqxx::work& txn) {
    txn.exec_prepared0("insert_dismissal", period, subject, rule, version, actor, reason);
    return absl::OkStatus();
  });
}

}  // namespace saima::stats
