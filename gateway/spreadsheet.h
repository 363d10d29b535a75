#ifndef SAIMA_GATEWAY_SPREADSHEET_H_
#define SAIMA_GATEWAY_SPREADSHEET_H_

// Tables as people download them: CSV (RFC 4180, CRLF) and XLSX workbooks (libxlsxwriter), one sheet per table.
// A table's cells are the text people read (the CSV is exactly that); in XLSX each column's kind says how its text
// is stored: numbers as numbers with the number format of the printed forms, rates as percentages, text as text.
// The workbook's sheets look like the forms: a title block (表名 and the notes under it: 报告期, 计量单位, 填报单位),
// a frozen header row, column widths fitted to the content, A4 landscape printed one page wide.

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace saima::gateway {

enum class CellKind {
  kText,
  kCount,     // whole numbers without separators: 序号, 名次, counts ("0")
  kYuan,      // whole 元 amounts with thousands separators ("#,##0")
  kDecimal1,  // e.g. 万元 with one decimal ("#,##0.0")
  kDecimal2,  // e.g. 亿元, scores ("#,##0.00")
  kPercent1,  // "35.2%", "+15.6%" → 0.352 shown "0.0%" (a sign kept when the text has one)
};

struct Table {
  std::string name;                             // the sheet's name
  std::vector<std::vector<std::string>> cells;  // header first
  std::vector<CellKind> kinds = {};             // per column; a column without one is text
  std::string title = {};                       // 表名; empty: no title block
  std::vector<std::string> notes = {};  // the line under the title, e.g. "报告期：2023年5月", "计量单位：元"
};

std::string ToCsv(const Table& table);

// One workbook with a sheet per table, in order. A cell whose text does not read as its column's kind ("—", "")
// is written as text. `created` (when not 0) dates the workbook, so that the same tables give the same bytes.
absl::StatusOr<std::string> ToXlsx(const std::vector<Table>& tables, time_t created = 0);

// "2023-05" → "2023年5月"; anything else unchanged.
std::string PeriodInChinese(const std::string& period);

}  // namespace saima::gateway

#endif  // SAIMA_GATEWAY_SPREADSHEET_H_
