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

// The text of a CSV file as UTF-8. A file saved as "CSV" by Excel on Chinese Windows is GB18030 (GBK): text that
// is not valid UTF-8 is read as GB18030 and `converted` is set. INVALID_ARGUMENT, in Chinese, saying how to save
// the file, when it is neither.
absl::StatusOr<std::string> CsvTextAsUtf8(const std::string& bytes, bool* converted);

// A field for CSV output: quoted when it needs it, and never read as a formula by a spreadsheet (OWASP CSV
// injection): text starting with = + - @, TAB or CR gets a leading apostrophe. Numbers (-12, +3.5, -7%) stay
// numbers.
std::string CsvField(const std::string& value);

}  // namespace saima

#endif  // SAIMA_COMMON_CSV_H_
