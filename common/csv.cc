#include "common/csv.h"

#include <csv.h>
#include <iconv.h>

#include <optional>
#include <string_view>

#include "absl/strings/str_cat.h"
#include "common/status.h"

namespace saima {
namespace {

struct ParseState {
  std::vector<CsvRow> rows;
  CsvRow current;
};

void OnField(void* data, size_t len, void* state) {
  static_cast<ParseState*>(state)->current.emplace_back(static_cast<const char*>(data), len);
}

void OnRow(int, void* state) {
  auto* s = static_cast<ParseState*>(state);
  s->rows.push_back(std::move(s->current));
  s->current.clear();
}

// `bytes` converted from encoding `from` to UTF-8 with iconv (glibc's); nullopt when they are not valid in `from`.
std::optional<std::string> ToUtf8(const std::string& bytes, const char* from) {
  iconv_t cd = iconv_open("UTF-8", from);
  if (cd == reinterpret_cast<iconv_t>(-1)) return std::nullopt;
  std::string out(bytes.size() * 2 + 16, '\0');  // GB18030 → UTF-8 grows at most 3/2 (4 bytes stay 4)
  char* in_ptr = const_cast<char*>(bytes.data());
  size_t in_left = bytes.size();
  char* out_ptr = out.data();
  size_t out_left = out.size();
  const size_t done = iconv(cd, &in_ptr, &in_left, &out_ptr, &out_left);
  iconv_close(cd);
  if (done == static_cast<size_t>(-1) || in_left != 0) return std::nullopt;
  out.resize(out.size() - out_left);
  return out;
}

}  // namespace

absl::StatusOr<std::string> CsvTextAsUtf8(const std::string& bytes, bool* converted) {
  *converted = false;
  if (ToUtf8(bytes, "UTF-8")) return bytes;
  if (auto gb = ToUtf8(bytes, "GB18030")) {
    *converted = true;
    return *std::move(gb);
  }
  return Error(absl::StatusCode::kInvalidArgument, "the file is neither UTF-8 nor GB18030 text",
               "无法识别文件的编码：既不是 UTF-8，也不是 GB18030(中文版 Excel 另存的“CSV(逗号分隔)”)。"
               "请在 Excel 中另存为“CSV UTF-8(逗号分隔)”或 .xlsx 后再导入");
}

absl::StatusOr<std::vector<CsvRow>> ParseCsv(const std::string& text) {
  size_t start = text.rfind("\xEF\xBB\xBF", 0) == 0 ? 3 : 0;
  csv_parser parser;
  if (csv_init(&parser, CSV_STRICT | CSV_STRICT_FINI) != 0) {
    return absl::InternalError("cannot initialise the CSV parser");
  }
  ParseState state;
  const size_t length = text.size() - start;
  if (csv_parse(&parser, text.data() + start, length, OnField, OnRow, &state) != length ||
      csv_fini(&parser, OnField, OnRow, &state) != 0) {
    std::string error = csv_strerror(csv_error(&parser));
    csv_free(&parser);
    return Error(absl::StatusCode::kInvalidArgument,
                 absl::StrCat("malformed CSV near row ", state.rows.size() + 1, ": ", error),
                 absl::StrCat("CSV 文件第 ", state.rows.size() + 1, " 行附近格式有误：", error));
  }
  csv_free(&parser);
  return state.rows;
}

namespace {

// "-12", "+3.5", "-7.25%": a signed number a spreadsheet should read as one.
bool IsSignedNumber(const std::string& value) {
  size_t i = 1, digits = 0;
  bool point = false;
  for (; i < value.size(); ++i) {
    const char c = value[i];
    if (c >= '0' && c <= '9') {
      ++digits;
    } else if (c == '.' && !point && digits > 0) {
      point = true;
    } else if (c == '%' && i + 1 == value.size() && digits > 0) {
      return true;
    } else {
      return false;
    }
  }
  return digits > 0 && value.back() != '.';
}

}  // namespace

std::string CsvField(const std::string& value) {
  std::string text = value;
  if (!text.empty() && std::string_view("=+-@\t\r").find(text.front()) != std::string_view::npos &&
      !((text.front() == '-' || text.front() == '+') && IsSignedNumber(text))) {
    text.insert(text.begin(), '\'');
  }
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

}  // namespace saima
