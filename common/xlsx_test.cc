#include "common/xlsx.h"

#include <xlsxwriter.h>

#include <cstdio>

#include "gtest/gtest.h"

namespace saima {
namespace {

TEST(XlsxTest, ReadsWhatLibxlsxwriterWrote) {
  char path[] = "/tmp/saima-xlsx-XXXXXX.xlsx";
  close(mkstemps(path, 5));
  lxw_workbook* workbook = workbook_new(path);
  lxw_worksheet* sheet = workbook_add_worksheet(workbook, "月报");
  worksheet_write_string(sheet, 0, 0, "项目代码", nullptr);
  worksheet_write_string(sheet, 0, 1, "自年初累计(元)", nullptr);
  worksheet_write_string(sheet, 1, 0, "2023-331181-04-01-000123", nullptr);
  worksheet_write_number(sheet, 1, 1, 1500000, nullptr);
  worksheet_write_number(sheet, 3, 2, 7, nullptr);  // a gap row and a later column
  ASSERT_EQ(workbook_close(workbook), LXW_NO_ERROR);

  auto rows = ReadXlsx(path);
  ASSERT_TRUE(rows.ok()) << rows.status();
  ASSERT_EQ(rows->size(), 4u);
  EXPECT_EQ((*rows)[0][0], "项目代码");
  EXPECT_EQ((*rows)[0][1], "自年初累计(元)");
  EXPECT_EQ((*rows)[1][0], "2023-331181-04-01-000123");
  EXPECT_EQ((*rows)[1][1], "1500000");
  EXPECT_EQ((*rows)[2], CsvRow{""});
  ASSERT_EQ((*rows)[3].size(), 3u);
  EXPECT_EQ((*rows)[3][2], "7");
  std::remove(path);
}

TEST(XlsxTest, RefusesAFileThatIsNotAWorkbook) {
  char path[] = "/tmp/saima-notxlsx-XXXXXX";
  int fd = mkstemp(path);
  ASSERT_EQ(write(fd, "a,b\n", 4), 4);
  close(fd);
  EXPECT_EQ(ReadXlsx(path).status().code(), absl::StatusCode::kInvalidArgument);
  std::remove(path);
}

}  // namespace
}  // namespace saima

namespace saima {
namespace {

// Found by tests/fuzz/xlsx_fuzz: a cell whose reference lies outside the sheet once indexed a row before its start.
TEST(ReadXlsxRegression, ACellOutsideTheSheetIsRefusedNotIndexed) {
  auto rows = ReadXlsx(SAIMA_SOURCE_DIR "/tests/fuzz/corpus/xlsx/regression-cell-out-of-range.xlsx");
  ASSERT_FALSE(rows.ok());
  EXPECT_NE(std::string(rows.status().message()).find("outside A1:XFD1048576"), std::string::npos) << rows.status();
}

}  // namespace
}  // namespace saima

namespace saima {
namespace {

// Found by tests/fuzz/xlsx_fuzz: an entry claiming gigabytes once made the reader allocate them.
TEST(ReadXlsxRegression, AnEntryClaimingGigabytesIsRefused) {
  auto rows = ReadXlsx(SAIMA_SOURCE_DIR "/tests/fuzz/corpus/xlsx/regression-huge-entry.xlsx");
  EXPECT_FALSE(rows.ok());
}

}  // namespace
}  // namespace saima
