#include "common/xlsx.h"

#include <expat.h>
#include <zip.h>

#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/status.h"

namespace saima {
namespace {

// The largest part of a workbook read: 64 MiB uncompressed (a month's import is a few MiB; more is a zip bomb).
constexpr zip_uint64_t kMaxEntryBytes = 64u << 20;

absl::StatusOr<std::string> ReadEntry(zip_t* archive, const char* name) {
  zip_stat_t stat;
  if (zip_stat(archive, name, 0, &stat) != 0) return absl::NotFoundError(name);
  if (!(stat.valid & ZIP_STAT_SIZE) || stat.size > kMaxEntryBytes) {
    return Error(absl::StatusCode::kInvalidArgument,
                 absl::StrCat(name, " in the workbook is larger than 64 MiB uncompressed"),
                 "工作簿内容过大(解压后超过 64 MB)");
  }
  std::unique_ptr<zip_file_t, int (*)(zip_file_t*)> file(zip_fopen(archive, name, 0), zip_fclose);
  if (!file) {
    return Error(absl::StatusCode::kInvalidArgument, absl::StrCat("cannot open ", name, " in the workbook"),
                 "工作簿已损坏，无法打开");
  }
  std::string data(stat.size, '\0');
  if (zip_fread(file.get(), data.data(), stat.size) != static_cast<zip_int64_t>(stat.size)) {
    return Error(absl::StatusCode::kInvalidArgument, absl::StrCat("cannot read ", name, " in the workbook"),
                 "工作簿已损坏，无法读取");
  }
  return data;
}

// Collects text of <t> elements inside each <si> (shared strings).
struct SharedStrings {
  std::vector<std::string> values;
  bool in_t = false;
};

// Collects cells of <sheetData>: <row><c r="B3" t="s"><v>0</v></c>...; inline strings in <is><t>.
struct Sheet {
  const std::vector<std::string>* shared = nullptr;
  std::map<int, std::map<int, std::string>> cells;
  int row = 0;
  int column = 0;
  std::string type;
  std::string text;
  bool in_value = false;
  // A cell outside A1:XFD1048576 (a damaged or hostile file): the workbook is refused.
  bool out_of_range = false;
};

// Excel's limits: columns A to XFD, rows 1 to 1 048 576.
constexpr int kMaxColumns = 16384;
constexpr int kMaxRows = 1048576;

// "AB12" → 27; -1 when the letters are missing or past XFD.
int ColumnIndex(const char* ref) {
  int column = 0;
  for (; *ref >= 'A' && *ref <= 'Z'; ++ref) {
    column = column * 26 + (*ref - 'A' + 1);
    if (column > kMaxColumns) return -1;
  }
  return column - 1;
}

// "AB12" → 11; -1 when the number is missing or out of range.
int RowIndex(const char* ref) {
  while (*ref >= 'A' && *ref <= 'Z') ++ref;
  int row = 0;
  if (!absl::SimpleAtoi(ref, &row) || row < 1 || row > kMaxRows) return -1;
  return row - 1;
}

const char* Attribute(const char** attrs, const char* name) {
  for (int i = 0; attrs[i] != nullptr; i += 2) {
    if (std::strcmp(attrs[i], name) == 0) return attrs[i + 1];
  }
  return nullptr;
}

void XMLCALL SharedStart(void* data, const char* name, const char**) {
  auto* s = static_cast<SharedStrings*>(data);
  if (std::strcmp(name, "si") == 0) s->values.emplace_back();
  if (std::strcmp(name, "t") == 0) s->in_t = true;
}
void XMLCALL SharedEnd(void* data, const char* name) {
  if (std::strcmp(name, "t") == 0) static_cast<SharedStrings*>(data)->in_t = false;
}
void XMLCALL SharedText(void* data, const char* text, int length) {
  auto* s = static_cast<SharedStrings*>(data);
  if (s->in_t && !s->values.empty()) s->values.back().append(text, length);
}

void XMLCALL SheetStart(void* data, const char* name, const char** attrs) {
  auto* s = static_cast<Sheet*>(data);
  if (std::strcmp(name, "c") == 0) {
    const char* ref = Attribute(attrs, "r");
    const char* type = Attribute(attrs, "t");
    s->row = ref ? RowIndex(ref) : s->row;
    s->column = ref ? ColumnIndex(ref) : s->column + 1;
    s->type = type ? type : "";
    s->text.clear();
  } else if (std::strcmp(name, "v") == 0 || std::strcmp(name, "t") == 0) {
    s->in_value = true;
  } else if (std::strcmp(name, "row") == 0) {
    const char* r = Attribute(attrs, "r");
    if (r) s->row = RowIndex(r);
    s->column = -1;
  }
}
void XMLCALL SheetEnd(void* data, const char* name) {
  auto* s = static_cast<Sheet*>(data);
  if (std::strcmp(name, "v") == 0 || std::strcmp(name, "t") == 0) {
    s->in_value = false;
  } else if (std::strcmp(name, "c") == 0) {
    std::string value = s->text;
    if (s->type == "s") {
      const size_t index = static_cast<size_t>(std::atol(value.c_str()));
      value = index < s->shared->size() ? (*s->shared)[index] : "";
    }
    if (s->row < 0 || s->row >= kMaxRows || s->column < 0 || s->column >= kMaxColumns) {
      s->out_of_range = true;
    } else {
      s->cells[s->row][s->column] = value;
    }
  }
}
void XMLCALL SheetText(void* data, const char* text, int length) {
  auto* s = static_cast<Sheet*>(data);
  if (s->in_value) s->text.append(text, length);
}

absl::Status Parse(const std::string& xml, void* data, XML_StartElementHandler start, XML_EndElementHandler end,
                   XML_CharacterDataHandler text) {
  std::unique_ptr<XML_ParserStruct, void (*)(XML_Parser)> parser(XML_ParserCreate("UTF-8"), XML_ParserFree);
  XML_SetUserData(parser.get(), data);
  XML_SetElementHandler(parser.get(), start, end);
  XML_SetCharacterDataHandler(parser.get(), text);
  if (XML_Parse(parser.get(), xml.data(), static_cast<int>(xml.size()), 1) == XML_STATUS_ERROR) {
    return Error(absl::StatusCode::kInvalidArgument,
                 absl::StrCat("malformed workbook XML: ", XML_ErrorString(XML_GetErrorCode(parser.get()))),
                 "工作簿内容格式有误，文件可能已损坏");
  }
  return absl::OkStatus();
}

using Archive = std::unique_ptr<zip_t, int (*)(zip_t*)>;

absl::StatusOr<std::vector<CsvRow>> ReadSheet(zip_t* archive, const std::string& path) {
  SharedStrings shared;
  if (auto xml = ReadEntry(archive, "xl/sharedStrings.xml"); xml.ok()) {
    if (absl::Status s = Parse(*xml, &shared, SharedStart, SharedEnd, SharedText); !s.ok()) return s;
  }
  auto sheet_xml = ReadEntry(archive, "xl/worksheets/sheet1.xml");
  if (!sheet_xml.ok()) {
    return Error(absl::StatusCode::kInvalidArgument, absl::StrCat(path, " has no first worksheet"),
                 absl::StrCat(path, " 中没有工作表"));
  }
  Sheet sheet;
  sheet.shared = &shared.values;
  if (absl::Status s = Parse(*sheet_xml, &sheet, SheetStart, SheetEnd, SheetText); !s.ok()) return s;
  if (sheet.out_of_range) {
    return Error(absl::StatusCode::kInvalidArgument,
                 absl::StrCat(path, " has a cell outside A1:XFD1048576; the file is damaged"),
                 absl::StrCat(path, " 含有超出范围的单元格，文件已损坏"));
  }
  std::vector<CsvRow> rows;
  int last_row = sheet.cells.empty() ? -1 : sheet.cells.rbegin()->first;
  for (int r = 0; r <= last_row; ++r) {
    CsvRow row;
    auto it = sheet.cells.find(r);
    if (it != sheet.cells.end() && !it->second.empty()) {
      row.resize(it->second.rbegin()->first + 1);
      for (const auto& [column, value] : it->second) row[column] = value;
    } else {
      row.push_back("");
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace

absl::StatusOr<std::vector<CsvRow>> ReadXlsx(const std::string& path) {
  int error = 0;
  Archive archive(zip_open(path.c_str(), ZIP_RDONLY, &error), zip_close);
  if (!archive) {
    return Error(absl::StatusCode::kInvalidArgument, absl::StrCat(path, " is not an .xlsx workbook"),
                 absl::StrCat(path, " 不是 .xlsx 工作簿"));
  }
  return ReadSheet(archive.get(), path);
}

absl::StatusOr<std::vector<CsvRow>> ReadXlsxBytes(const std::string& bytes, const std::string& name) {
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* source = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &error);
  Archive archive(source == nullptr ? nullptr : zip_open_from_source(source, ZIP_RDONLY, &error), zip_close);
  zip_error_fini(&error);
  if (!archive) {
    if (source != nullptr) zip_source_free(source);
    return Error(absl::StatusCode::kInvalidArgument, absl::StrCat(name, " is not an .xlsx workbook"),
                 absl::StrCat(name, " 不是 .xlsx 工作簿"));
  }
  return ReadSheet(archive.get(), name);
}

}  // namespace saima
