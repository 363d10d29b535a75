#ifndef SAIMA_COMMON_XLSX_H_
#define SAIMA_COMMON_XLSX_H_

// Reading the first worksheet of an .xlsx file into rows of text, as the bureau's spreadsheets arrive. No Debian
// package reads XLSX from C++, so this unpacks it with libzip and parses the sheet and shared strings with expat.
// Numbers come back as Excel stores them (e.g. "1500000"); dates stored as numbers are not converted.

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/csv.h"

namespace saima {

// INVALID_ARGUMENT when the file is not a readable workbook.
absl::StatusOr<std::vector<CsvRow>> ReadXlsx(const std::string& path);
// The same for a workbook's bytes (an upload); `name` names it in the errors.
absl::StatusOr<std::vector<CsvRow>> ReadXlsxBytes(const std::string& bytes, const std::string& name);

}  // namespace saima

#endif  // SAIMA_COMMON_XLSX_H_
