#include "services/registry/pg_registry_store.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/ops.h"
#include "common/pg_json.h"
#include "common/status.h"
#include "google/protobuf/util/time_util.h"
#include "services/registry/ruku_rules.h"

namespace saima::registry {
namespace {

using google::protobuf::util::TimeUtil;

std::string TiersLiteral(const pb::Project& p) {
  std::string out = "{";
  for (int i = 0; i < p.tiers_size(); ++i) absl::StrAppend(&out, i ? "," : "", p.tiers(i));
  return out + "}";
}

const char* NullIfEmpty(const std::string& s) { return s.empty() ? nullptr : s.c_str(); }

// The filter of ListProjects and SummarizeProjects: unset fields match everything. Parameters $1..$8.
constexpr char kFilterWhere[] =
    " FROM registry.projects p JOIN registry.units u USING (unit_id)"
    " WHERE ($1 = '' OR p.unit_id = $1) AND ($2::int = 0 OR $2::int = ANY (p.tiers))"
    " AND ($3::int = 0 OR p.stage = $3::int) AND ($4::int = 0 OR p.sector = $4::int)"
    " AND ($5::int = 0 OR p.planning_year = $5::int) AND ($6 = '' OR strpos(p.name, $6) > 0)"
    " AND ($7::int = 0 OR u.type = $7::int) AND ($8::int = 0 OR p.ruku_state = $8::int)"
    " AND ($9 = '' OR p.project_code = $9)";

const std::string& ListSql() {
  static const std::string* sql = new std::string(
      absl::StrCat("SELECT p.doc", kFilterWhere, " AND p.project_id > $10 ORDER BY p.project_id LIMIT $11"));
  return *sql;
}
const std::string& CountSql() {
  static const std::string* sql = new std::string(absl::StrCat("SELECT count(*)", kFilterWhere));
  return *sql;
}
const std::string& SummarySql() {
  static const std::string* sql = new std::string(
      absl::StrCat("SELECT p.sector, p.manufacturing, u.type, count(*)", kFilterWhere, " GROUP BY 1, 2, 3"));
  return *sql;
}

pb::Unit UnitFromRow(const pqxx::row& r) {
  pb::Unit u;
  u.set_unit_id(r["unit_id"].c_str());
  u.set_name(r["name"].c_str());
  u.set_type(static_cast<pb::UnitType>(r["type"].as<int>()));
  u.set_region_code(r["region_code"].c_str());
  u.set_supervises(r["supervises"].c_str());
  return u;
}

pb::Milestone MilestoneFromRow(const pqxx::row& r) {
  pb::Milestone m;
  m.set_milestone_id(r["milestone_id"].as<int64_t>());
  m.set_project_id(r["project_id"].as<int64_t>());
  m.set_kind(static_cast<pb::MilestoneKind>(r["kind"].as<int>()));
  m.set_title(r["title"].c_str());
  m.set_due_date(r["due_date"].c_str());
  m.set_met_date(r["met_date"].is_null() ? "" : r["met_date"].c_str());
  m.set_owner_name(r["owner_name"].c_str());
  m.set_owner_phone(r["owner_phone"].c_str());
  return m;
}

pb::Document DocumentFromRow(const pqxx::row& r) {
  pb::Document d;
  d.set_document_id(r["document_id"].as<int64_t>());
  d.set_project_id(r["project_id"].as<int64_t>());
  d.set_type(static_cast<pb::DocumentType>(r["type"].as<int>()));
  d.set_number(r["number"].c_str());
  d.set_issuer(r["issuer"].c_str());
  d.set_issued_date(r["issued_date"].is_null() ? "" : r["issued_date"].c_str());
  d.set_content_sha256(r["content_sha256"].c_str());
  d.set_storage_ref(r["storage_ref"].c_str());
  d.set_explanation(r["explanation"].c_str());
  d.set_taken_at(r["taken_at"].c_str());
  d.set_taken_place(r["taken_place"].c_str());
  d.set_file_name(r["file_name"].c_str());
  d.set_media_type(r["media_type"].c_str());
  d.set_size_bytes(r["size_bytes"].as<int64_t>());
  return d;
}

pb::ProjectChange ChangeFromRow(const pqxx::row& r) {
  pb::ProjectChange c;
  c.set_revision(r["revision"].as<int64_t>());
  c.set_project_id(r["project_id"].as<int64_t>());
  c.set_kind(static_cast<pb::ChangeKind>(r["kind"].as<int>()));
  c.set_actor(r["actor"].c_str());
  c.set_request_id(r["request_id"].c_str());
  *c.mutable_change_time() = TimeUtil::SecondsToTimestamp(r["changed_epoch"].as<int64_t>());
  *c.mutable_before() = FromJson<pb::Project>(r["before"]);
  *c.mutable_after() = FromJson<pb::Project>(r["after"]);
  if (!r["detail"].is_null()) c.set_detail_json(r["detail"].c_str());
  return c;
}

// Takes the next revision; the row lock it holds until commit serialises all registry writers.
int64_t NextRevision(pqxx::work& txn) { return txn.exec_prepared1("next_revision")[0].as<int64_t>(); }

void RecordChange(pqxx::work& txn, int64_t revision, int64_t project_id, pb::ChangeKind kind,
                  const ChangeOrigin& origin, const std::string& before, const std::string& after,
                  const std::string& detail) {
  txn.exec_prepared0("insert_change", revision, project_id, static_cast<int>(kind), origin.actor, origin.request_id,
                     NullIfEmpty(before), NullIfEmpty(after), NullIfEmpty(detail));
}

// Existence check done inside the writing transaction, so the error names the field.
absl::Status CheckProjectExists(pqxx::work& txn, int64_t project_id, const std::string& field) {
  if (txn.exec_prepared("project_exists", project_id).empty()) {
    return InvalidField(field, absl::StrCat("project ", project_id, " does not exist"),
                        absl::StrCat("项目 ", project_id, " 不存在"));
  }
  return absl::OkStatus();
}

}  // namespace

std::vector<NamedStatement> RegistryStatements() {
  return {
      {"next_revision", "UPDATE registry.revision_counter SET value = value + 1 RETURNING value"},
      {"insert_change",
       "INSERT INTO registry.project_changes (revision, project_id, kind, actor, request_id, changed_at, before, "
       "after, detail) VALUES ($1, $2, $3, $4, $5, now(), $6::jsonb, $7::jsonb, $8::jsonb)"},
      {"list_units",
       "SELECT unit_id, name, type, region_code, supervises FROM registry.units "
       "WHERE $1::int = 0 OR type = $1::int ORDER BY unit_id"},
      {"get_unit", "SELECT unit_id, name, type, region_code, supervises FROM registry.units WHERE unit_id = $1"},
      {"insert_unit",
       "INSERT INTO registry.units (unit_id, name, type, region_code, supervises) VALUES ($1, $2, $3, $4, $5) "
       "ON CONFLICT DO NOTHING"},
      {"project_by_request", "SELECT doc FROM registry.projects WHERE request_id = $1"},
      {"project_by_code", "SELECT project_id FROM registry.projects WHERE project_code = $1 AND project_id <> $2"},
      {"project_exists", "SELECT 1 FROM registry.projects WHERE project_id = $1"},
      {"next_project_id", "SELECT nextval('registry.projects_project_id_seq')"},
      {"insert_project",
       "INSERT INTO registry.projects (project_id, project_code, unit_id, name, industry_code, sector, "
       "manufacturing, stage, planning_year, tiers, ruku_state, revision, request_id, doc, created_at, updated_at) "
       "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::int[], $11, $12, $13, $14::jsonb, now(), now())"},
      {"get_project", "SELECT doc FROM registry.projects WHERE project_id = $1"},
      {"update_project",
       "UPDATE registry.projects SET project_code = $3, unit_id = $4, name = $5, industry_code = $6, sector = $7, "
       "manufacturing = $8, stage = $9, planning_year = $10, tiers = $11::int[], revision = $12, doc = $13::jsonb, "
       "updated_at = now() WHERE project_id = $1 AND revision = $2"},
      {"list_projects", ListSql()},
      {"count_projects", CountSql()},
      {"summarize_projects", SummarySql()},
      {"project_history",
       "SELECT revision, project_id, kind, actor, request_id, extract(epoch FROM changed_at)::bigint AS "
       "changed_epoch, before, after, detail FROM registry.project_changes WHERE project_id = $1 ORDER BY revision"},
      {"head_revision", "SELECT coalesce(max(revision), 0) FROM registry.project_changes"},
      {"changes_after",
       "SELECT revision, project_id, kind, actor, request_id, extract(epoch FROM changed_at)::bigint AS "
       "changed_epoch, before, after, detail FROM registry.project_changes WHERE revision > $1 ORDER BY revision "
       "LIMIT $2"},
      {"milestone_by_request", "SELECT * FROM registry.milestones WHERE request_id = $1"},
      {"insert_milestone",
       "INSERT INTO registry.milestones (project_id, kind, title, due_date, met_date, owner_name, owner_phone, "
       "request_id) VALUES ($1, $2, $3, $4::date, $5::date, $6, $7, $8) RETURNING *"},
      {"get_milestone", "SELECT * FROM registry.milestones WHERE milestone_id = $1"},
      {"update_milestone",
       "UPDATE registry.milestones SET kind = $2, title = $3, due_date = $4::date, met_date = $5::date, "
       "owner_name = $6, owner_phone = $7 WHERE milestone_id = $1 RETURNING *"},
      {"list_milestones",
       "SELECT * FROM registry.milestones WHERE project_id = ANY($1::bigint[]) "
       "ORDER BY project_id, due_date, milestone_id"},
      {"document_by_request", "SELECT * FROM registry.documents WHERE request_id = $1"},
      {"insert_document",
       "INSERT INTO registry.documents (project_id, type, number, issuer, issued_date, content_sha256, "
       "storage_ref, explanation, taken_at, taken_place, request_id, file_name, media_type, size_bytes) "
       "VALUES ($1, $2, $3, $4, $5::date, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING *"},
      {"insert_document_file",
       "INSERT INTO registry.document_files (sha256, content, size_bytes) VALUES ($1, $2::bytea, "
       "octet_length($2::bytea)) "
       "ON CONFLICT (sha256) DO NOTHING"},
      {"document_file",
       "SELECT d.*, f.content FROM registry.documents d JOIN registry.document_files f ON f.sha256 = d.content_sha256 "
       "WHERE d.document_id = $1 AND d.storage_ref = 'saima:sha256:' || f.sha256"},
      {"list_documents", "SELECT * FROM registry.documents WHERE project_id = $1 ORDER BY document_id"},
      {"started_not_ruku",
       absl::StrCat("SELECT doc FROM registry.projects WHERE stage IN (", pb::PROJECT_STAGE_CONSTRUCTION, ", ",
                    pb::PROJECT_STAGE_COMPLETED, ", ", pb::PROJECT_STAGE_IN_PRODUCTION, ") AND ruku_state <> ",
                    pb::RUKU_STATE_APPROVED, " AND ($1 = '' OR unit_id = $1) ORDER BY project_id")},
      {"application_by_request", "SELECT application_id FROM registry.ruku_applications WHERE request_id = $1"},
      {"insert_application",
       "INSERT INTO registry.ruku_applications (project_id, unit_id, state, reviewing_department_id, "
       "approved_total_investment_yuan, approval_unit_name, request_id) VALUES ($1, $2, $3, $4, $5, $6, $7) "
       "RETURNING application_id"},
      {"get_application",
       "SELECT application_id, project_id, unit_id, state, reviewing_department_id, approved_total_investment_yuan, "
       "approval_unit_name, array_to_string(consistency_flags, chr(31)) AS flags FROM registry.ruku_applications "
       "WHERE application_id = $1"},
      {"lock_application", "SELECT state FROM registry.ruku_applications WHERE application_id = $1 FOR UPDATE"},
      {"list_applications",
       "SELECT application_id FROM registry.ruku_applications WHERE ($1::int = 0 OR state = $1::int) "
       "AND ($2 = '' OR unit_id = $2) AND ($3 = '' OR reviewing_department_id = $3) ORDER BY application_id "
       "LIMIT 1000"},
      {"application_history",
       "SELECT from_state, to_state, actor, actor_role, extract(epoch FROM at)::bigint AS at_epoch, reason "
       "FROM registry.ruku_transitions WHERE application_id = $1 ORDER BY seq"},
      {"transition_by_request",
       "SELECT application_id, actor, to_state FROM registry.ruku_transitions WHERE request_id = $1"},
      {"insert_transition",
       "INSERT INTO registry.ruku_transitions (application_id, seq, from_state, to_state, actor, actor_role, reason, "
       "request_id) SELECT $1, coalesce(max(seq), 0) + 1, $2, $3, $4, $5, $6, $7 FROM registry.ruku_transitions "
       "WHERE application_id = $1"},
      {"update_application_state",
       "UPDATE registry.ruku_applications SET state = $2, consistency_flags = CASE WHEN $3 THEN "
       "string_to_array($4, chr(31)) ELSE consistency_flags END WHERE application_id = $1"},
      {"set_project_ruku",
       "UPDATE registry.projects SET ruku_state = $2, revision = $3, doc = $4::jsonb, updated_at = now() "
       "WHERE project_id = $1"},
  };
}

absl::StatusOr<std::vector<pb::Unit>> PgRegistryStore::ListUnits(pb::UnitType type, absl::Time deadline) {
  std::vector<pb::Unit> units;
  absl::Status status = pool_.Transaction(deadline, [&](pqxx::work& txn) {
    for (const auto& row : txn.exec_prepared("list_units", static_cast<int>(type))) {
      units.push_back(UnitFromRow(row));
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return units;
}

absl::StatusOr<pb::Unit> PgRegistryStore::GetUnit(const std::string& unit_id, absl::Time deadline) {
  pb::Unit unit;
  absl::Status status = pool_.Transaction(deadline, [&](pqxx::work& txn) {
    auto rows = txn.exec_prepared("get_unit", unit_id);
    if (rows.empty())
      return Error(absl::StatusCode::kNotFound, absl::StrCat("unit ", unit_id, " does not exist"),
                   absl::StrCat("单位 ", unit_id, " 不存在"));
    unit = UnitFromRow(rows[0]);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return unit;
}

absl::StatusOr<pb::Unit> PgRegistryStore::CreateUnit(const pb::Unit& unit, absl::Time deadline) {
  pb::Unit stored;
  absl::Status status = pool_.Transaction(deadline, [&](pqxx::work& txn) {
    txn.exec_prepared0("insert_unit", unit.unit_id(), unit.name(), static_cast<int>(unit.type()), unit.region_code(),
                       unit.supervises());
    auto rows = txn.exec_prepared("get_unit", unit.unit_id());
    if (rows.empty()) {
      return Error(absl::StatusCode::kAlreadyExists, absl::StrCat("another unit is already named ", unit.name()),
                   absl::StrCat("已有名为“", unit.name(), "”的单位"));
    }
    stored = UnitFromRow(rows[0]);
    if (stored.SerializeAsString() != unit.SerializeAsString()) {
      return Error(absl::StatusCode::kAlreadyExists,
                   absl::StrCat("unit ", unit.unit_id(), " exists with other details"),
                   absl::StrCat("单位编码 ", unit.unit_id(), " 已被另一单位使用"));
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return stored;
}

absl::StatusOr<pb::Project> PgRegistryStore::CreateProject(const pb::Project& project, const ChangeOrigin& origin,
                                                           absl::Time deadline) {
  pb::Project stored = project;
  int64_t revision = 0;
  absl::Status status = pool_.Transaction(deadline, [&](pqxx::work& txn) {
    revision = NextRevision(txn);
    if (!origin.request_id.empty()) {
      auto seen = txn.exec_prepared("project_by_request", origin.request_id);
      if (!seen.empty()) {
        stored = FromJson<pb::Project>(seen[0][0]);
        revision = 0;
        return absl::AbortedError("replayed");  // Nothing to write: roll back the revision taken above.
      }
    }
    if (txn.exec_prepared("get_unit", project.unit_id()).empty()) {
      return InvalidField("project.unit_id", absl::StrCat("unit ", project.unit_id(), " does not exist"),
                          absl::StrCat("项目单位“", project.unit_id(), "”不存在"));
    }
    if (!project.project_code().empty() &&
        !txn.exec_prepared("project_by_code", project.project_code(), int64_t{0}).empty()) {
      return Error(absl::StatusCode::kAlreadyExists,
                   absl::StrCat("project.project_code: ", project.project_code(), " is already registered"),
                   absl::StrCat("项目代码 ", project.project_code(), " 已登记过"));
    }
    const int64_t id = txn.exec_prepared1("next_project_id")[0].as<int64_t>();
    const auto now = TimeUtil::GetCurrentTime();
    stored.set_project_id(id);
    stored.set_revision(revision);
    *stored.mutable_create_time() = now;
    *stored.mutable_update_time() = now;
    const std::string doc = ToJson(stored);
    txn.exec_prepared0("insert_project", id, stored.project_code(), stored.unit_id(), stored.name(),
                       stored.industry_code(), static_cast<int>(stored.sector()), stored.manufacturing(),
                       static_cast<int>(stored.stage()), stored.planning_year(), TiersLiteral(stored),
                       static_cast<int>(stored.ruku_state()), revision, NullIfEmpty(origin.request_id), doc);
    RecordChange(txn, revision, id, pb::CHANGE_KIND_PROJECT_CREATED, origin, "", doc, "");
    return absl::OkStatus();
  });
  if (absl::IsAborted(status) && revision == 0 && stored.project_id() != 0) return stored;  // Replay.
  if (!status.ok()) return status;
  NoteCommitted(revision);
  return stored;
}

absl::StatusOr<pb::Project> PgRegistryStore::GetProject(int64_t project_id, absl::Time deadline) {
  std::optional<uint64_t> generation;
  if (cache_ != nullptr) {
    if (auto remembered = cache_->Get(project_id)) return *std::move(remembered);
    generation = cache_->Generation();
  }
  pb::Project project;
  absl::Status status = pool_.Transaction(deadline, [&](pqxx::work& txn) {
    auto rows = txn.exec_prepared("get_project", project_id);
    if (rows.empty())
      return Error(absl::StatusCode::kNotFound, absl::StrCat("project ", project_id, " does not exist"),
                   absl::StrCat("项目 ", project_id, " 不存在"));
    project = FromJson<pb::Project>(rows[0][0]);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  if (cache_ != nullptr) cache_->Put(project, generation);
  return project;
}

absl::StatusOr<pb::Project> PgRegistryStore::UpdateProject(const pb::Project& project, int64_t expected_revision,
                                                           const ChangeOrigin& origin, absl::Time deadline) {
  pb::Project stored = project;
  int64_t revision = 0;
  absl::Status status = pool_.Transaction(deadline, [&](pqxx::work& txn) {
    revision = NextRevision(txn);
    auto before_rows = txn.exec_prepared("get_project", project.project_id());
    if (before_rows.empty())
      return Error(absl::StatusCode::kNotFound, absl::StrCat("project ", project.project_id(), " does not exist"),
                   absl::StrCat("项目 ", project.project_id(), " 不存在"));
    const std::string before = before_rows[0][0].c_str();
    if (txn.exec_prepared("get_unit", project.unit_id()).empty()) {
      return InvalidField("project.unit_id", absl::StrCat("unit ", project.unit_id(), " does not exist"),
                          absl::StrCat("项目单位“", project.unit_id(), "”不存在"));
    }
    if (!project.project_code().empty() &&
        !txn.exec_prepared("project_by_code", project.project_code(), project.project_id()).empty()) {
      return Error(absl::StatusCode::kAlreadyExists,
                   absl::StrCat("project.project_code: ", project.project_code(), " is already registered"),
                   absl::StrCat("项目代码 ", project.project_code(), " 已登记过"));
    }
    stored.set_revision(revision);
    *stored.mutable_update_time() = TimeUtil::GetCurrentTime();
    const std::string doc = ToJson(stored);
    auto updated = txn.exec_prepared(
        "update_project", project.project_id(), expected_revision, stored.project_code(), stored.unit_id(),
        stored.name(), stored.industry_code(), static_cast<int>(stored.sector()), stored.manufacturing(),
        static_cast<int>(stored.stage()), stored.planning_year(), TiersLiteral(stored), revision, doc);
    if (updated.affected_rows() == 0) {
      return Error(absl::StatusCode::kAborted,
                   absl::StrCat("project ", project.project_id(), " changed since revision ", expected_revision,
                                "; read it again and retry"),
                   "项目已被他人修改，请刷新后重新修改");
    }
    RecordChange(txn, revision, project.project_id(), pb::CHANGE_KIND_PROJECT_UPDATED, origin, before, doc, "");
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  NoteCommitted(revision);
  return stored;
}

absl::StatusOr<ProjectPage> PgRegistryStore::ListProjects(const pb::ProjectFilter& f, int64_t after_project_id,
                                                          int limit, absl::Time deadline) {
  ProjectPage page;
  absl::Status status = pool_.Transaction(deadline, [&](pqxx::work& txn) {
    auto rows = txn.exec_prepared("list_projects", f.unit_id(), static_cast<int>(f.tier()), static_cast<int>(f.stage()),
                                  static_cast<int>(f.sector()), f.planning_year(), f.name_contains(),
                                  static_cast<int>(f.unit_type()), static_cast<int>(f.ruku_state()), f.project_code(),
                                  after_project_id, limit);
    for (const auto& row : rows) page.projects.push_back(FromJson<pb::Project>(row[0]));
    page.total =
        txn.exec_prepared1("count_projects", f.unit_id(), static_cast<int>(f.tier()), static_cast<int>(f.stage()),
                           static_cast<int>(f.sector()), f.planning_year(), f.name_contains(),
                           static_cast<int>(f.unit_type()), static_cast<int>(f.ruku_state()), f.project_code())[0]
            .as<int32_t>();
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return page;
}

absl::StatusOr<pb::ProjectSummary> PgRegistryStore::SummarizeProjects(const pb::ProjectFilter& f, absl::Time deadline) {
  pb::ProjectSummary summary;
  absl::Status status = pool_.Transaction(deadline, [&](pqxx::work& txn) {
    auto rows =
        txn.exec_prepared("summarize_projects", f.unit_id(), static_cast<int>(f.tier()), static_cast<int>(f.stage()),
                          static_cast<int>(f.sector()), f.planning_year(), f.name_contains(),
                          static_cast<int>(f.unit_type()), static_cast<int>(f.ruku_state()), f.project_code());
    for (const auto& row : rows) {
      const auto sector = static_cast<pb::Sector>(row[0].as<int>());
      const bool manufacturing = row[1].as<bool>();
      const auto unit_type = static_cast<pb::UnitType>(row[2].as<int>());
      const int count = row[3].as<int>();
      summary.set_total(summary.total() + count);
      if (sector == pb::SECTOR_PRIMARY) summary.set_primary(summary.primary() + count);
      if (sector == pb::SECTOR_SECONDARY) {
        summary.set_secondary(summary.secondary() + count);
        if (manufacturing) summary.set_secondary_manufacturing(summary.secondary_manufacturing() + count);
      }
      if (sector == pb::SECTOR_TERTIARY) summary.set_tertiary(summary.tertiary() + count);
      (*summary.mutable_by_unit_type())[pb::UnitType_Name(unit_type)] += count;
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return summary;
}

absl::StatusOr<std::vector<pb::ProjectChange>> PgRegistryStore::ListProjectHistory(int64_t project_id,
                                                                                   absl::Time deadline) {
  std::vector<pb::ProjectChange> changes;
  absl::Status status = pool_.Transaction(deadline, [&](pqxx::work& txn) {
    for (const auto& row : txn.exec_prepared("project_history", project_id)) changes.push_back(ChangeFromRow(row));
    if (changes.empty())
      return Error(absl::StatusCode::kNotFound, absl::StrCat("project ", project_id, " does not exist"),
                   absl::StrCat("项目 ", project_id, " 不存在"));
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return changes;
}

absl::StatusOr<std::vector<pb::ProjectChange>> PgRegistryStore::ListChangesAfter(int64_t after_revision, int limit,
                                                                                 absl::Time deadline) {
  std::vector<pb::ProjectChange> changes;
  absl::Status status = pool_.Transaction(deadline, [&](pqxx::work& txn) {
    for (const auto& row : txn.exec_prepared("changes_after", after_revision, limit)) {
      changes.push_back(ChangeFromRow(row));
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return changes;
}

absl::Status PgRegistryStore::LoadHeadRevision(absl::Time deadline) {
  int64_t head = 0;
  absl::Status status = pool_.Transaction(deadline, [&](pqxx::work& txn) {
    head = txn.exec_prepared1("head_revision")[0].as<int64_t>();
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  NoteCommitted(head);
  return absl::OkStatus();
}

void PgRegistryStore::NoteCommitted(int64_t revision) {
  if (cache_ != nullptr) cache_->Advance();  // before the writer is answered: it reads what it wrote
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (revision > last_committed_.load()) last_committed_.store(revision);
  }
  NamedGauge("saima_change_feed_head_revision", "the newest committed revision of the change feed")
      .Set(static_cast<double>(last_committed_.load()));
  changed_.notify_all();
}

void PgRegistryStore::WaitForChangeAfter(int64_t revision, absl::Duration timeout) {
  // Commits by this process wake the waiter at once; commits by other replicas are seen at the next poll.
  std::unique_lock<std::mutex> lock(mu_);
  changed_.wait_for(lock, absl::ToChronoNanoseconds(timeout), [&] { return last_committed_.load() > revision; });
}

absl::StatusOr<pb::Milestone> PgRegistryStore::AddMilestone(const pb::Milestone& m, const ChangeOrigin& origin,
                                                            absl::Time deadline) {
  pb::Milestone stored;
  int64_t revision = 0;
  absl::Status status = pool_.Transaction(deadline, [&](pqxx::work& txn) {
    if (!origin.request_id.empty()) {
      auto seen = txn.exec_prepared("milestone_by_request", origin.request_id);
      if (!seen.empty()) {
        stored = MilestoneFromRow(seen[0]);
        return absl::OkStatus();
      }
    }
    revision = NextRevision(txn);
    if (absl::Status s = CheckProjectExists(txn, m.project_id(), "milestone.project_id"); !s.ok()) return s;
    stored = MilestoneFromRow(txn.exec_prepared1("insert_milestone", m.project_id(), static_cast<int>(m.kind()),
                                                 m.title(), m.due_date(), NullIfEmpty(m.met_date()), m.owner_name(),
                                                 m.owner_phone(), NullIfEmpty(origin.request_id)));
    RecordChange(txn, revision, m.project_id(), pb::CHANGE_KIND_MILESTONE_ADDED, origin, "", "", ToJson(stored));
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  if (revision > 0) NoteCommitted(revision);
  return stored;
}

absl::StatusOr<pb::Milestone> PgRegistryStore::GetMilestone(int64_t milestone_id, absl::Time deadline) {
  pb::Milestone m;
  absl::Status status = pool_.Transaction(deadline, [&](pqxx::work& txn) {
    auto rows = txn.exec_prepared("get_milestone", milestone_id);
    if (rows.empty())
      return Error(absl::StatusCode::kNotFound, absl::StrCat("milestone ", milestone_id, " does not exist"),
                   absl::StrCat("节点 ", milestone_id, " 不存在"));
    m = MilestoneFromRow(rows[0]);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return m;
}

absl::StatusOr<pb::Milestone> PgRegistryStore::UpdateMilestone(const pb::Milestone& m, const ChangeOrigin& origin,
                                                               absl::Time deadline) {
  pb::Milestone stored;
  int64_t revision = 0;
  absl::Status status = pool_.Transaction(deadline, [&](pqxx::work& txn) {
    revision = NextRevision(txn);
    auto rows = txn.exec_prepared("update_milestone", m.milestone_id(), static_cast<int>(m.kind()), m.title(),
                                  m.due_date(), NullIfEmpty(m.met_date()), m.owner_name(), m.owner_phone());
    if (rows.empty())
      return Error(absl::StatusCode::kNotFound, absl::StrCat("milestone ", m.milestone_id(), " does not exist"),
                   absl::StrCat("节点 ", m.milestone_id(), " 不存在"));
    stored = MilestoneFromRow(rows[0]);
    RecordChange(txn, revision, stored.project_id(), pb::CHANGE_KIND_MILESTONE_UPDATED, origin, "", "", ToJson(stored));
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  NoteCommitted(revision);
  return stored;
}

absl::StatusOr<std::vector<pb::Milestone>> PgRegistryStore::ListMilestones(const std::vector<int64_t>& project_ids,
                                                                           absl::Time deadline) {
  std::vector<pb::Milestone> out;
  const std::string ids = absl::StrCat("{", absl::StrJoin(project_ids, ","), "}");
  absl::Status status = pool_.Transaction(deadline, [&](pqxx::work& txn) {
    for (const auto& row : txn.exec_prepared("list_milestones", ids)) out.push_back(MilestoneFromRow(row));
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return out;
}

absl::StatusOr<pb::Document> PgRegistryStore::AddDocument(const pb::Document& d, const std::string* content,
                                                          const ChangeOrigin& origin, absl::Time deadline) {
  pb::Document stored;
  int64_t revision = 0;
  absl::Status status = pool_.Transaction(deadline, [&](pqxx::work& txn) {
    if (!origin.request_id.empty()) {
      auto seen = txn.exec_prepared("document_by_request", origin.request_id);
      if (!seen.empty()) {
        stored = DocumentFromRow(seen[0]);
        return absl::OkStatus();
      }
    }
    revision = NextRevision(txn);
    if (absl::Status s = CheckProjectExists(txn, d.project_id(), "document.project_id"); !s.ok()) return s;
    if (content != nullptr) {
      txn.exec_prepared("insert_document_file", d.content_sha256(),
                        pqxx::binarystring(content->data(), content->size()));
    }
    stored = DocumentFromRow(txn.exec_prepared1(
        "insert_document", d.project_id(), static_cast<int>(d.type()), d.number(), d.issuer(),
        NullIfEmpty(d.issued_date()), d.content_sha256(), d.storage_ref(), d.explanation(), d.taken_at(),
        d.taken_place(), NullIfEmpty(origin.request_id), d.file_name(), d.media_type(), d.size_bytes()));
    RecordChange(txn, revision, d.project_id(), pb::CHANGE_KIND_DOCUMENT_ADDED, origin, "", "", ToJson(stored));
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  if (revision > 0) NoteCommitted(revision);
  return stored;
}

absl::StatusOr<std::pair<pb::Document, std::string>> PgRegistryStore::GetDocumentFile(int64_t document_id,
                                                                                      absl::Time deadline) {
  std::pair<pb::Document, std::string> out;
  absl::Status status = pool_.Transaction(deadline, [&](pqxx::work& txn) {
    auto rows = txn.exec_prepared("document_file", document_id);
    if (rows.empty()) {
      return Error(absl::StatusCode::kNotFound, absl::StrCat("document ", document_id, " has no stored file"),
                   absl::StrCat("材料 ", document_id, " 没有上传的文件"));
    }
    out.first = DocumentFromRow(rows[0]);
    pqxx::binarystring content(rows[0]["content"]);
    out.second = content.str();
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return out;
}

absl::StatusOr<std::vector<pb::Document>> PgRegistryStore::ListDocuments(int64_t project_id, absl::Time deadline) {
  std::vector<pb::Document> out;
  absl::Status status = pool_.Transaction(deadline, [&](pqxx::work& txn) {
    for (const auto& row : txn.exec_prepared("list_documents", project_id)) out.push_back(DocumentFromRow(row));
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return out;
}

namespace {

// Reads an application and its history inside a transaction.
absl::StatusOr<pb::RukuApplication> LoadApplication(pqxx::work& txn, int64_t application_id) {
  auto rows = txn.exec_prepared("get_application", application_id);
  if (rows.empty())
    return Error(absl::StatusCode::kNotFound, absl::StrCat("入库 application ", application_id, " does not exist"),
                 absl::StrCat("入库申请 ", application_id, " 不存在"));
  const auto& r = rows[0];
  pb::RukuApplication app;
  app.set_application_id(r["application_id"].as<int64_t>());
  app.set_project_id(r["project_id"].as<int64_t>());
  app.set_unit_id(r["unit_id"].c_str());
  app.set_state(static_cast<pb::RukuState>(r["state"].as<int>()));
  app.set_reviewing_department_id(r["reviewing_department_id"].c_str());
  app.set_approved_total_investment_yuan(r["approved_total_investment_yuan"].as<int64_t>());
  app.set_approval_unit_name(r["approval_unit_name"].c_str());
  const std::string flags = r["flags"].is_null() ? "" : r["flags"].c_str();
  if (!flags.empty()) {
    size_t start = 0;
    for (size_t pos; (pos = flags.find('\x1f', start)) != std::string::npos; start = pos + 1) {
      app.add_consistency_flags(flags.substr(start, pos - start));
    }
    app.add_consistency_flags(flags.substr(start));
  }
  for (const auto& h : txn.exec_prepared("application_history", application_id)) {
    auto* t = app.add_history();
    t->set_from_state(static_cast<pb::RukuState>(h["from_state"].as<int>()));
    t->set_to_state(static_cast<pb::RukuState>(h["to_state"].as<int>()));
    t->set_actor(h["actor"].c_str());
    t->set_actor_role(h["actor_role"].c_str());
    *t->mutable_transition_time() = TimeUtil::SecondsToTimestamp(h["at_epoch"].as<int64_t>());
    t->set_reason(h["reason"].c_str());
  }
  return app;
}

}  // namespace

absl::StatusOr<std::vector<pb::Project>> PgRegistryStore::ListStartedNotRuku(const std::string& unit_id,
                                                                             absl::Time deadline) {
  std::vector<pb::Project> out;
  absl::Status status = pool_.Transaction(deadline, [&](pqxx::work& txn) {
    for (const auto& row : txn.exec_prepared("started_not_ruku", unit_id)) out.push_back(FromJson<pb::Project>(row[0]));
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return out;
}

absl::StatusOr<pb::RukuApplication> PgRegistryStore::CreateRukuApplication(const pb::RukuApplication& application,
                                                                           const ChangeOrigin& origin,
                                                                           absl::Time deadline) {
  pb::RukuApplication stored;
  absl::Status status = pool_.Transaction(deadline, [&](pqxx::work& txn) -> absl::Status {
    if (!origin.request_id.empty()) {
      auto seen = txn.exec_prepared("application_by_request", origin.request_id);
      if (!seen.empty()) {
        auto app = LoadApplication(txn, seen[0][0].as<int64_t>());
        if (!app.ok()) return app.status();
        // Another project's application is not this caller's to see: the id was used for another request.
        if (app->project_id() != application.project_id()) {
          return RequestIdUsedForAnotherRequest();
        }
        stored = *std::move(app);
        return absl::OkStatus();
      }
    }
    auto project = txn.exec_prepared("get_project", application.project_id());
    if (project.empty()) {
      return InvalidField("application.project_id",
                          absl::StrCat("project ", application.project_id(), " does not exist"),
                          absl::StrCat("项目 ", application.project_id(), " 不存在"));
    }
    if (txn.exec_prepared("get_unit", application.reviewing_department_id()).empty()) {
      return InvalidField("application.reviewing_department_id",
                          absl::StrCat("unit ", application.reviewing_department_id(), " does not exist"),
                          absl::StrCat("主管部门“", application.reviewing_department_id(), "”不存在"));
    }
    const pb::Project p = FromJson<pb::Project>(project[0][0]);
    const int64_t id = txn.exec_prepared1("insert_application", application.project_id(), p.unit_id(),
                                          static_cast<int>(pb::RUKU_STATE_DRAFT), application.reviewing_department_id(),
                                          application.approved_total_investment_yuan(),
                                          application.approval_unit_name(), NullIfEmpty(origin.request_id))[0]
                           .as<int64_t>();
    auto app = LoadApplication(txn, id);
    if (!app.ok()) return app.status();
    stored = *std::move(app);
    return absl::OkStatus();
  });
  if (absl::IsAlreadyExists(status)) {
    return Error(absl::StatusCode::kAlreadyExists,
                 absl::StrCat("project ", application.project_id(), " already has a 入库 application in progress"),
                 "该项目已有办理中的入库申请");
  }
  if (!status.ok()) return status;
  return stored;
}

absl::StatusOr<pb::RukuApplication> PgRegistryStore::GetRukuApplication(int64_t application_id, absl::Time deadline) {
  pb::RukuApplication stored;
  absl::Status status = pool_.Transaction(deadline, [&](pqxx::work& txn) -> absl::Status {
    auto app = LoadApplication(txn, application_id);
    if (!app.ok()) return app.status();
    stored = *std::move(app);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return stored;
}

absl::StatusOr<std::optional<RegistryStore::RecordedStep>> PgRegistryStore::StepOfRequest(const std::string& request_id,
                                                                                          absl::Time deadline) {
  std::optional<RecordedStep> out;
  absl::Status status = pool_.Transaction(deadline, [&](pqxx::work& txn) -> absl::Status {
    auto row = txn.exec_prepared("transition_by_request", request_id);
    if (!row.empty()) {
      out = RecordedStep{row[0][0].as<int64_t>(), row[0][1].c_str(), static_cast<pb::RukuState>(row[0][2].as<int>())};
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return out;
}

absl::StatusOr<std::vector<pb::RukuApplication>> PgRegistryStore::ListRukuApplications(
    const pb::ListRukuApplicationsRequest& filter, absl::Time deadline) {
  std::vector<pb::RukuApplication> out;
  absl::Status status = pool_.Transaction(deadline, [&](pqxx::work& txn) -> absl::Status {
    for (const auto& row : txn.exec_prepared("list_applications", static_cast<int>(filter.state()), filter.unit_id(),
                                             filter.reviewing_department_id())) {
      auto app = LoadApplication(txn, row[0].as<int64_t>());
      if (!app.ok()) return app.status();
      out.push_back(*std::move(app));
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return out;
}

absl::StatusOr<pb::RukuApplication> PgRegistryStore::TransitionRukuApplication(const RukuStep& step,
                                                                               const ChangeOrigin& origin,
                                                                               absl::Time deadline) {
  pb::RukuApplication stored;
  int64_t revision = 0;
  absl::Status status = pool_.Transaction(deadline, [&](pqxx::work& txn) -> absl::Status {
    if (!origin.request_id.empty() && !txn.exec_prepared("transition_by_request", origin.request_id).empty()) {
      auto app = LoadApplication(txn, step.application_id);  // A retry: answer with the state it led to.
      if (!app.ok()) return app.status();
      stored = *std::move(app);
      return absl::OkStatus();
    }
    revision = NextRevision(txn);
    auto locked = txn.exec_prepared("lock_application", step.application_id);
    if (locked.empty()) {
      return Error(absl::StatusCode::kNotFound,
                   absl::StrCat("入库 application ", step.application_id, " does not exist"),
                   absl::StrCat("入库申请 ", step.application_id, " 不存在"));
    }
    if (locked[0][0].as<int>() != step.from) {
      return Error(absl::StatusCode::kAborted, "the application changed meanwhile; read it again",
                   "入库申请已被他人处理，请刷新");
    }
    txn.exec_prepared0("insert_transition", step.application_id, static_cast<int>(step.from), static_cast<int>(step.to),
                       origin.actor, step.actor_role, step.reason, NullIfEmpty(origin.request_id));
    std::string flags;
    for (size_t i = 0; i < step.consistency_flags.size(); ++i) {
      absl::StrAppend(&flags, i ? "\x1f" : "", step.consistency_flags[i]);
    }
    txn.exec_prepared0("update_application_state", step.application_id, static_cast<int>(step.to),
                       step.to == pb::RUKU_STATE_SUBMITTED, flags);
    auto app = LoadApplication(txn, step.application_id);
    if (!app.ok()) return app.status();
    stored = *std::move(app);
    auto project_rows = txn.exec_prepared("get_project", stored.project_id());
    const std::string before = project_rows[0][0].c_str();
    pb::Project project = FromJson<pb::Project>(project_rows[0][0]);
    project.set_ruku_state(step.to);
    if (step.to == pb::RUKU_STATE_APPROVED) project.set_ruku_date(step.ruku_date);
    project.set_revision(revision);
    *project.mutable_update_time() = TimeUtil::GetCurrentTime();
    const std::string after = ToJson(project);
    txn.exec_prepared0("set_project_ruku", project.project_id(), static_cast<int>(step.to), revision, after);
    pb::RukuTransition detail = *stored.history().rbegin();
    RecordChange(txn, revision, project.project_id(), pb::CHANGE_KIND_RUKU_TRANSITIONED, origin, before, after,
                 ToJson(detail));
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  if (revision > 0) NoteCommitted(revision);
  return stored;
}

}  // namespace saima::registry
