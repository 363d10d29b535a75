#ifndef SAIMA_COMMON_CSV_H_
#define SAIMA_COMMON_CSV_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace saima {

using CsvRow = std::vector<std::string>;

// Parses RFC 4180 CSV (quoted fields, embedded commas and newlines) with libcsv. A leading UTF-8 byte order
// mark is dropped. INVALID_ARGUMENT names the byte offset of malformed input.
absl::StatusOr<std::vector<CsvRow>> ParseCsv(const std::string& text);

// A field for CSV output: quoted when it needs it, and never read as a formula by a spreadsheet (OWASP CSV
// injection): text starting with = + - @, TAB or CR gets a leading apostrophe. Numbers (-12, +3.5, -7%) stay
// numbers.
std::string CsvField(const std::string& value);

}  // namespace saima

#endif  // SAIMA_COMMON_CSV_H_
