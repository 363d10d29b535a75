#ifndef SAIMA_GATEWAY_SPREADSHEET_H_
#define SAIMA_GATEWAY_SPREADSHEET_H_

// Tables as people download them: CSV (RFC 4180, CRLF) and XLSX workbooks (libxlsxwriter), one sheet per table.

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace saima::gateway {

struct Table {
  std::string name;
  std::vector<std::vector<std::string>> cells;  // header first
  // Columns from this index on hold whole numbers written as numbers in XLSX (exact below 2^53); -1: none.
  int first_numeric_column = -1;
};

std::string ToCsv(const Table& table);

// One workbook with a sheet per table, in order.
// `created` (when not 0) dates the workbook, so that the same tables give the same bytes.
absl::StatusOr<std::string> ToXlsx(const std::vector<Table>& tables, time_t created = 0);

}  // namespace saima::gateway

#endif  // SAIMA_GATEWAY_SPREADSHEET_H_
