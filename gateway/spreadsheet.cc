#include "gateway/spreadsheet.h"

#include <unistd.h>
#include <xlsxwriter.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "common/csv.h"

namespace saima::gateway {

std::string ToCsv(const Table& t) {
  std::string out;
  for (const auto& row : t.cells) {
    for (size_t i = 0; i < row.size(); ++i) absl::StrAppend(&out, i ? "," : "", CsvField(row[i]));
    out += "\r\n";
  }
  return out;
}

absl::StatusOr<std::string> ToXlsx(const std::vector<Table>& tables, time_t created) {
  char path[] = "/tmp/saima-workbook-XXXXXX.xlsx";
  const int fd = mkstemps(path, 5);
  if (fd < 0) return absl::InternalError("cannot create a temporary file");
  close(fd);
  lxw_workbook* workbook = workbook_new(path);
  if (workbook == nullptr) return absl::InternalError("cannot create the workbook");
  if (created != 0) {
    lxw_doc_properties properties{};
    properties.created = created;
    workbook_set_properties(workbook, &properties);
  }
  for (const auto& t : tables) {
    lxw_worksheet* sheet = workbook_add_worksheet(workbook, t.name.c_str());
    for (size_t r = 0; r < t.cells.size(); ++r) {
      for (size_t c = 0; c < t.cells[r].size(); ++c) {
        const std::string& v = t.cells[r][c];
        const bool numeric = t.first_numeric_column >= 0 && r > 0 && static_cast<int>(c) >= t.first_numeric_column &&
                             !v.empty() && v.find_first_not_of("-0123456789") == std::string::npos;
        if (numeric) {
          worksheet_write_number(sheet, r, c, static_cast<double>(std::stoll(v)), nullptr);
        } else {
          worksheet_write_string(sheet, r, c, v.c_str(), nullptr);
        }
      }
    }
  }
  if (workbook_close(workbook) != LXW_NO_ERROR) return absl::InternalError("cannot write the workbook");
  std::ifstream in(path, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  std::remove(path);
  return bytes.str();
}

}  // namespace saima::gateway
