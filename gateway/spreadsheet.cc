#include "gateway/spreadsheet.h"

#include <unistd.h>
#include <xlsxwriter.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "common/csv.h"

namespace saima::gateway {
namespace {

constexpr double kMinWidth = 6;
constexpr double kMaxWidth = 40;  // longer text wraps

// The width a spreadsheet gives the text in its default font: a CJK or full-width character is two columns.
double DisplayWidth(const std::string& s) {
  double width = 0;
  for (size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    const size_t length = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    width += length >= 3 ? 2 : 1;
    i += length;
  }
  return width;
}

// The formats of one workbook.
struct Formats {
  explicit Formats(lxw_workbook* w) {
    title = workbook_add_format(w);
    format_set_bold(title);
    format_set_font_size(title, 14);
    format_set_align(title, LXW_ALIGN_CENTER);
    format_set_align(title, LXW_ALIGN_VERTICAL_CENTER);
    note = workbook_add_format(w);
    format_set_align(note, LXW_ALIGN_LEFT);
    header = Boxed(w);
    format_set_bold(header);
    format_set_text_wrap(header);
    format_set_align(header, LXW_ALIGN_CENTER);
    format_set_bg_color(header, 0xD9D9D9);
    text = Boxed(w);
    format_set_text_wrap(text);
    count = Numeric(w, "0");
    yuan = Numeric(w, "#,##0");
    decimal1 = Numeric(w, "#,##0.0");
    decimal2 = Numeric(w, "#,##0.00");
    percent = Numeric(w, "0.0%");
    signed_percent = Numeric(w, "+0.0%;-0.0%;0.0%");
  }
  static lxw_format* Boxed(lxw_workbook* w) {
    lxw_format* f = workbook_add_format(w);
    format_set_border(f, LXW_BORDER_THIN);
    format_set_align(f, LXW_ALIGN_VERTICAL_CENTER);
    return f;
  }
  static lxw_format* Numeric(lxw_workbook* w, const char* number_format) {
    lxw_format* f = Boxed(w);
    format_set_num_format(f, number_format);
    return f;
  }
  lxw_format *title, *note, *header, *text, *count, *yuan, *decimal1, *decimal2, *percent, *signed_percent;
};

// A cell's text as its column's kind: the number and its format, or false when the text is not a number of that
// kind ("—", "", a note), and then it is written as text.
bool AsNumber(CellKind kind, const std::string& text, const Formats& f, double* value, lxw_format** format) {
  int64_t whole = 0;
  switch (kind) {
    case CellKind::kText:
      return false;
    case CellKind::kCount:
    case CellKind::kYuan:
      if (!absl::SimpleAtoi(text, &whole)) return false;
      *value = static_cast<double>(whole);  // amounts are exact below 2^53 元
      *format = kind == CellKind::kCount ? f.count : f.yuan;
      return true;
    case CellKind::kDecimal1:
    case CellKind::kDecimal2:
      if (text.find_first_not_of("-0123456789.") != std::string::npos || !absl::SimpleAtod(text, value)) return false;
      *format = kind == CellKind::kDecimal1 ? f.decimal1 : f.decimal2;
      return true;
    case CellKind::kPercent1: {
      absl::string_view digits = text;
      if (!absl::ConsumeSuffix(&digits, "%")) return false;
      const bool has_sign = absl::ConsumePrefix(&digits, "+") || absl::StartsWith(digits, "-");
      if (digits.find_first_not_of("-0123456789.") != absl::string_view::npos || !absl::SimpleAtod(digits, value)) {
        return false;
      }
      *value /= 100;
      *format = has_sign ? f.signed_percent : f.percent;
      return true;
    }
  }
  return false;
}

// The width a number takes as formatted: its digits, separators and a sign.
double NumberWidth(const std::string& text) { return static_cast<double>(text.size() + text.size() / 3 + 1); }

void WriteSheet(lxw_workbook* workbook, const Formats& f, const Table& t) {
  lxw_worksheet* sheet = workbook_add_worksheet(workbook, t.name.c_str());
  size_t columns = 0;
  for (const auto& row : t.cells) columns = std::max(columns, row.size());
  const lxw_col_t last_column = static_cast<lxw_col_t>(columns == 0 ? 0 : columns - 1);
  lxw_row_t row_at = 0;
  if (!t.title.empty()) {
    worksheet_set_row(sheet, row_at, 24, nullptr);
    if (last_column > 0) {
      worksheet_merge_range(sheet, row_at, 0, row_at, last_column, t.title.c_str(), f.title);
    } else {
      worksheet_write_string(sheet, row_at, 0, t.title.c_str(), f.title);
    }
    ++row_at;
    if (!t.notes.empty()) {
      const std::string notes = absl::StrJoin(t.notes, "    ");
      if (last_column > 0) {
        worksheet_merge_range(sheet, row_at, 0, row_at, last_column, notes.c_str(), f.note);
      } else {
        worksheet_write_string(sheet, row_at, 0, notes.c_str(), f.note);
      }
      ++row_at;
    }
  }
  const lxw_row_t header_row = row_at;
  worksheet_set_row(sheet, header_row, 30, nullptr);  // room for a header wrapped onto two lines
  std::vector<double> widths(columns, kMinWidth);
  for (size_t r = 0; r < t.cells.size(); ++r, ++row_at) {
    for (size_t c = 0; c < t.cells[r].size(); ++c) {
      const std::string& v = t.cells[r][c];
      const CellKind kind = c < t.kinds.size() ? t.kinds[c] : CellKind::kText;
      double number = 0;
      lxw_format* format = nullptr;
      if (r > 0 && AsNumber(kind, v, f, &number, &format)) {
        worksheet_write_number(sheet, row_at, static_cast<lxw_col_t>(c), number, format);
        widths[c] = std::max(widths[c], NumberWidth(v));
      } else {
        worksheet_write_string(sheet, row_at, static_cast<lxw_col_t>(c), v.c_str(), r == 0 ? f.header : f.text);
        // A header wraps onto two lines before its column grows past the widest value.
        widths[c] = std::max(widths[c], r == 0 ? std::min(DisplayWidth(v), 12.0) : DisplayWidth(v));
      }
    }
  }
  for (size_t c = 0; c < columns; ++c) {
    worksheet_set_column(sheet, static_cast<lxw_col_t>(c), static_cast<lxw_col_t>(c),
                         std::min(widths[c] + 2, kMaxWidth), nullptr);
  }
  worksheet_freeze_panes(sheet, header_row + 1, 0);
  worksheet_set_landscape(sheet);
  worksheet_set_paper(sheet, 9);  // A4
  worksheet_fit_to_pages(sheet, 1, 0);
  worksheet_repeat_rows(sheet, header_row, header_row);
  worksheet_set_footer(sheet, "&C第 &P 页，共 &N 页");
}

}  // namespace

std::string ToCsv(const Table& t) {
  std::string out;
  for (const auto& row : t.cells) {
    for (size_t i = 0; i < row.size(); ++i) absl::StrAppend(&out, i ? "," : "", CsvField(row[i]));
    out += "\r\n";
  }
  return out;
}

std::string PeriodInChinese(const std::string& period) {
  int year = 0, month = 0;
  if (period.size() != 7 || period[4] != '-' || !absl::SimpleAtoi(period.substr(0, 4), &year) ||
      !absl::SimpleAtoi(period.substr(5), &month)) {
    return period;
  }
  return absl::StrCat(year, "年", month, "月");
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
  const Formats formats(workbook);
  for (const auto& t : tables) WriteSheet(workbook, formats, t);
  if (workbook_close(workbook) != LXW_NO_ERROR) return absl::InternalError("cannot write the workbook");
  std::ifstream in(path, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  std::remove(path);
  return bytes.str();
}

}  // namespace saima::gateway
