#ifndef SAIMA_SERVICES_STATS_IMPORT_AUDIT_H_
#define SAIMA_SERVICES_STATS_IMPORT_AUDIT_H_

// How an import is audited (migration 009): one audit entry per import holding the RFC 6962 Merkle root over the
// text of its rows, each row's leaf being the line COPY sent for it. The stats service writes the lines; `audit
// verify` recomputes every root from the stored rows; a row's proof is its audit path to its import's root.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "saima/audit/v1/audit.pb.h"
#include "saima/stats/v1/stats.pb.h"

namespace pqxx {
class transaction_base;
}

namespace saima::stats {

namespace pb = ::saima::stats::v1;

// The columns of an imported row, in the order of its Merkle leaf.
extern const char* const kImportLineColumns[];
extern const int kImportLineColumnCount;
// The columns its COPY line writes: the same without recorded_at, which the table's DEFAULT now() gives (the
// import's transaction's time, the time in the leaf). Parsing a time per row cost a third of a second per
// million rows.
const std::vector<std::string>& ImportCopyColumns();

// A text field of COPY's text format: backslash, tab and line breaks escaped.
std::string CopyEscaped(std::string_view text);

// Replaces `leaf` with an imported row's Merkle leaf — the COPY text line of all its columns (kImportLineColumns):
// `r`'s figures with the given version and kind, the actor already escaped, the import's time as written (UTC,
// microseconds: now() of its transaction), its id and the row's 0-based place in it — and `copy`, when given, with
// the line COPY sends (kImportCopyColumns: the same without the time).
void ImportLine(const pb::MonthlyReport& r, int version, int kind, const std::string& escaped_actor,
                const std::string& recorded_at, int64_t import_id, int64_t import_row, std::string* leaf,
                std::string* copy = nullptr);

// Recomputes the Merkle root of every import from its stored rows and compares it with the root, row count and id
// in the import's chained audit entry; the first import that differs, or rows of an import without an entry,
// mark the chain broken.
void VerifyImportRoots(pqxx::transaction_base& txn, audit::v1::ChainCheck& check);

// The proof of one stored figure version: its import's chained entry and the row's audit path to the root.
absl::StatusOr<pb::ProveMonthlyReportResponse> ProveReport(pqxx::transaction_base& txn, int64_t project_id,
                                                           const std::string& period, int version);

}  // namespace saima::stats

#endif  // SAIMA_SERVICES_STATS_IMPORT_AUDIT_H_
