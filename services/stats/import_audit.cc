#include "services/stats/import_audit.h"

#include <map>
#include <pqxx/pqxx>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/merkle.h"
#include "common/status.h"

namespace saima::stats {

const char* const kImportLineColumns[] = {"project_id",     "period",     "version",           "kind",
                                          "month_yuan",     "ytd_yuan",   "construction_yuan", "installation_yuan",
                                          "equipment_yuan", "other_yuan", "since_start_yuan",  "actor",
                                          "explanation",    "reason",     "recorded_at",       "import_id",
                                          "import_row"};
const int kImportLineColumnCount = sizeof(kImportLineColumns) / sizeof(kImportLineColumns[0]);

const std::vector<std::string>& ImportCopyColumns() {
  static const std::vector<std::string>* columns = [] {
    auto* out = new std::vector<std::string>;
    for (int i = 0; i < kImportLineColumnCount; ++i) {
      if (std::string_view(kImportLineColumns[i]) != "recorded_at") out->push_back(kImportLineColumns[i]);
    }
    return out;
  }();
  return *columns;
}

namespace {

// The stored row as its COPY line: the same columns, timestamps as written (UTC, microseconds).
std::string LineSelect() {
  std::string columns;
  for (int i = 0; i < kImportLineColumnCount; ++i) {
    const std::string name = kImportLineColumns[i];
    absl::StrAppend(
        &columns, i ? ", " : "",
        name == "recorded_at" ? "to_char(recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')" : name);
  }
  return absl::StrCat("SELECT ", columns, " FROM stats.monthly_reports");
}

std::string LineOf(const pqxx::row& row) {
  std::string line;
  for (int i = 0; i < kImportLineColumnCount; ++i) {
    if (i) line += '\t';
    line += CopyEscaped(row[i].c_str());
  }
  return line;
}

constexpr char kImportEntries[] =
    "SELECT seq, (after->>'import_id')::bigint, (after->>'row_count')::bigint, after->>'merkle_root', after->>'actor', "
    "to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') FROM audit.entries WHERE service = 'stats' "
    "AND table_name = 'imports' AND operation = 'INSERT' AND seq IS NOT NULL";

}  // namespace

std::string CopyEscaped(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char ch : text) {
    if (ch == '\\' || ch == '\t' || ch == '\n' || ch == '\r') out += '\\';
    out += ch == '\t' ? 't' : ch == '\n' ? 'n' : ch == '\r' ? 'r' : ch;
  }
  return out;
}

void ImportLine(const pb::MonthlyReport& r, int version, int kind, const std::string& escaped_actor,
                const std::string& recorded_at, int64_t import_id, int64_t import_row, std::string* leaf,
                std::string* copy) {
  leaf->clear();
  absl::StrAppend(leaf, r.project_id(), "\t", r.period(), "\t", version, "\t", kind, "\t", r.month_yuan(), "\t",
                  r.ytd_yuan(), "\t");
  absl::StrAppend(leaf, r.ytd_breakdown().construction_yuan(), "\t", r.ytd_breakdown().installation_yuan(), "\t",
                  r.ytd_breakdown().equipment_yuan(), "\t", r.ytd_breakdown().other_yuan(), "\t", r.since_start_yuan(),
                  "\t", escaped_actor, "\t", CopyEscaped(r.explanation()), "\t");
  // The reason is a correction's; an imported row has none.
  leaf->push_back('\t');
  const size_t time_at = leaf->size();
  absl::StrAppend(leaf, recorded_at, "\t", import_id, "\t", import_row);
  if (copy) {
    copy->assign(*leaf, 0, time_at);
    copy->append(*leaf, time_at + recorded_at.size() + 1, std::string::npos);
  }
}

void VerifyImportRoots(pqxx::transaction_base& txn, audit::v1::ChainCheck& check) {
  struct Entry {
    int64_t seq;
    int64_t rows;
    std::string root;
    bool seen = false;
  };
  std::map<int64_t, Entry> entries;
  for (const auto& row : txn.exec(kImportEntries)) {
    entries[row[1].as<int64_t>()] = Entry{row[0].as<int64_t>(), row[2].as<int64_t>(), row[3].c_str()};
  }
  auto broken = [&check](int64_t seq, const std::string& problem) {
    if (!check.intact()) return;  // the first problem found is the one reported
    check.set_intact(false);
    check.set_first_broken_seq(seq);
    check.set_problem(problem);
  };
  auto settle = [&](int64_t import_id, const merkle::RootBuilder& tree) {
    auto entry = entries.find(import_id);
    if (entry == entries.end()) {
      broken(0, absl::StrCat("rows of import ", import_id, " have no audit entry"));
      return;
    }
    entry->second.seen = true;
    check.set_imports(check.imports() + 1);
    check.set_imported_rows(check.imported_rows() + tree.size());
    if (tree.size() != entry->second.rows || merkle::Hex(tree.Root()) != entry->second.root) {
      broken(entry->second.seq, absl::StrCat("import ", import_id, ": its stored rows (", tree.size(),
                                             ") do not match the Merkle root of its entry (", entry->second.rows,
                                             " rows): changed, added or removed after the import"));
    }
  };
  pqxx::icursorstream rows(txn, LineSelect() + " WHERE import_id IS NOT NULL ORDER BY import_id, import_row",
                           "import_rows", 5000);
  const int id_column = kImportLineColumnCount - 2;
  int64_t current = -1;
  merkle::RootBuilder tree;
  for (pqxx::result block; rows >> block;) {
    for (const auto& row : block) {
      const int64_t import_id = row[id_column].as<int64_t>();
      if (import_id != current) {
        if (current >= 0) settle(current, tree);
        current = import_id;
        tree = merkle::RootBuilder();
      }
      tree.AddLeaf(LineOf(row));
    }
  }
  if (current >= 0) settle(current, tree);
  for (const auto& [import_id, entry] : entries) {
    if (!entry.seen) broken(entry.seq, absl::StrCat("import ", import_id, ": its rows are gone"));
  }
}

absl::StatusOr<pb::ProveMonthlyReportResponse> ProveReport(pqxx::transaction_base& txn, int64_t project_id,
                                                           const std::string& period, int version) {
  pb::ProveMonthlyReportResponse out;
  auto found = txn.exec_params(LineSelect() + " WHERE project_id = $1 AND period = $2 AND version = $3", project_id,
                               period, version);
  if (found.empty()) {
    return Error(absl::StatusCode::kNotFound,
                 absl::StrCat("no version ", version, " of project ", project_id, " for ", period),
                 absl::StrCat("项目 ", project_id, " ", period, " 没有第 ", version, " 版数据"));
  }
  const int id_column = kImportLineColumnCount - 2;
  if (found[0][id_column].is_null()) {
    // Written on its own: its own entry, whose recorded row must still be contained in the stored one.
    auto entry = txn.exec_params(
        "SELECT e.seq, e.after->>'actor', to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), "
        "e.after <@ to_jsonb(m) FROM audit.entries e, stats.monthly_reports m WHERE e.service = 'stats' AND "
        "e.table_name = 'monthly_reports' AND e.operation = 'INSERT' AND e.seq IS NOT NULL AND "
        "e.after @> jsonb_build_object('project_id', $1::bigint, 'period', $2::text, 'version', $3::int) AND "
        "m.project_id = $1 AND m.period = $2 AND m.version = $3 ORDER BY e.seq LIMIT 1",
        project_id, period, version);
    if (!entry.empty()) {
      out.set_audit_seq(entry[0][0].as<int64_t>());
      out.set_imported_by(entry[0][1].c_str());
      out.set_imported_at(entry[0][2].c_str());
      out.set_proved(entry[0][3].as<bool>());
    }
    return out;
  }
  const int64_t import_id = found[0][id_column].as<int64_t>();
  out.set_import_id(import_id);
  out.set_leaf(LineOf(found[0]));
  std::vector<merkle::Hash> leaves;
  int64_t index = -1;
  for (const auto& row : txn.exec_params(LineSelect() + " WHERE import_id = $1 ORDER BY import_row", import_id)) {
    if (row[0].as<int64_t>() == project_id && row[1].c_str() == period && row[2].as<int>() == version) {
      index = static_cast<int64_t>(leaves.size());
    }
    leaves.push_back(merkle::LeafHash(LineOf(row)));
  }
  out.set_leaf_index(index);
  out.set_leaf_count(static_cast<int64_t>(leaves.size()));
  out.set_leaf_hash(merkle::Hex(merkle::LeafHash(out.leaf())));
  const auto path = merkle::AuditPath(leaves, index);
  for (const auto& h : path) out.add_audit_path(merkle::Hex(h));
  auto entry = txn.exec_params(
      std::string(kImportEntries) + " AND after @> jsonb_build_object('import_id', $1::bigint)", import_id);
  if (entry.empty()) return out;  // not proved: the import has no chained entry
  out.set_audit_seq(entry[0][0].as<int64_t>());
  out.set_merkle_root(entry[0][3].c_str());
  out.set_imported_by(entry[0][4].c_str());
  out.set_imported_at(entry[0][5].c_str());
  merkle::Hash root;
  out.set_proved(entry[0][2].as<int64_t>() == out.leaf_count() &&
                 merkle::RootFromPath(merkle::LeafHash(out.leaf()), index, out.leaf_count(), path, &root) &&
                 merkle::Hex(root) == out.merkle_root());
  return out;
}

}  // namespace saima::stats
