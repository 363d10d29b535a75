#include "saimactl/csv_import.h"

#include <iconv.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include <cstdio>
#include <fstream>

#include "common/status.h"
#include "gtest/gtest.h"

namespace saima::ctl {
namespace {

TEST(CsvImportTest, ParsesChineseValues) {
  auto rows = ParseProjectsCsv(
      *ParseCsv("项目名称,单位代码,行业代码,建设性质,控股情况,项目层级,项目阶段,谋划年度,计划总投资(元),技改\n"
                "城市文化客厅,331181001,8870,新建,国有,重点项目|重大项目,谋划,2023,120000000,否\n"));
  ASSERT_TRUE(rows.ok()) << rows.status();
  ASSERT_EQ(rows->size(), 1u);
  const auto& row = (*rows)[0];
  EXPECT_TRUE(row.errors.empty());
  EXPECT_EQ(row.line, 2);
  EXPECT_EQ(row.value.construction_nature(), pb::CONSTRUCTION_NATURE_NEW);
  EXPECT_EQ(row.value.tiers_size(), 2);
  EXPECT_EQ(row.value.planned_total_investment_yuan(), 120000000);
  EXPECT_EQ(row.fingerprint.size(), 32u);
}

TEST(CsvImportTest, NamesLineAndColumnOfBadValues) {
  auto rows =
      ParseProjectsCsv(*ParseCsv("项目名称,单位代码,行业代码,建设性质,控股情况,项目阶段,谋划年度\n"
                                 "好项目,331181001,8870,新建,国有,谋划,2023\n"
                                 "坏项目,331181001,8870,翻新,国有,施工中,二〇二三\n"));
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_TRUE((*rows)[0].errors.empty());
  const auto& errors = (*rows)[1].errors;
  ASSERT_EQ(errors.size(), 3u);
  EXPECT_EQ(errors[0].line, 3);
  EXPECT_EQ(errors[0].column, "建设性质");
  EXPECT_EQ(errors[1].column, "项目阶段");
  EXPECT_EQ(errors[2].column, "谋划年度");
}

// An approval's date is never guessed: an empty 入库日期 is an error of its row, not today.
TEST(CsvImportTest, AnApprovedRukuRowNeedsItsDate) {
  auto rows =
      ParseRukuCsv(*ParseCsv("项目代码,主管部门,入库日期,目标状态\n"
                             "2023-331181-04-01-000123,D01,2023-03-15,\n"
                             "2023-331181-04-01-000124,D01,,\n"
                             "2023-331181-04-01-000125,D01,,已提交\n"
                             "2023-331181-04-01-000126,D01,,已入库\n"));
  ASSERT_TRUE(rows.ok()) << rows.status();
  ASSERT_EQ(rows->size(), 4u);
  EXPECT_TRUE((*rows)[0].errors.empty());
  ASSERT_EQ((*rows)[1].errors.size(), 1u);
  EXPECT_EQ((*rows)[1].errors[0].column, "入库日期");
  EXPECT_TRUE((*rows)[2].errors.empty()) << "a workflow stopped before approval needs no date";
  ASSERT_EQ((*rows)[3].errors.size(), 1u);
}

// A return or rejection goes into the audited history with its reason, which only the file can give.
TEST(CsvImportTest, AReturnOrRejectionNeedsItsReason) {
  auto rows =
      ParseRukuCsv(*ParseCsv("项目代码,主管部门,入库日期,目标状态,原因\n"
                             "2023-331181-04-01-000123,D01,,退回补正,现场照片未显示开工日期\n"
                             "2023-331181-04-01-000124,D01,,退回补正,\n"
                             "2023-331181-04-01-000125,D01,,不予入库,\n"));
  ASSERT_TRUE(rows.ok()) << rows.status();
  ASSERT_EQ(rows->size(), 3u);
  EXPECT_TRUE((*rows)[0].errors.empty());
  EXPECT_EQ((*rows)[0].value.reason, "现场照片未显示开工日期");
  ASSERT_EQ((*rows)[1].errors.size(), 1u);
  EXPECT_EQ((*rows)[1].errors[0].column, "原因");
  ASSERT_EQ((*rows)[2].errors.size(), 1u);
}

TEST(CsvImportTest, RefusesUnknownOrMissingColumns) {
  EXPECT_FALSE(ParseProjectsCsv(*ParseCsv("项目名称,颜色\nx,红\n")).ok());
  EXPECT_FALSE(ParseProjectsCsv(*ParseCsv("项目名称\nx\n")).ok());
}

TEST(CsvImportTest, MonthlyRowsFromAnXlsxWorkbook) {
  char path[] = "/tmp/saima-monthly-XXXXXX.xlsx";
  close(mkstemps(path, 5));
  lxw_workbook* workbook = workbook_new(path);
  lxw_worksheet* sheet = workbook_add_worksheet(workbook, nullptr);
  const char* headers[] = {"项目代码",           "报告期",       "本月完成投资(元)",
                           "自年初累计(元)",     "建筑工程(元)", "安装工程(元)",
                           "设备工器具购置(元)", "其他费用(元)", "自开始建设累计(元)"};
  for (int c = 0; c < 9; ++c) worksheet_write_string(sheet, 0, c, headers[c], nullptr);
  worksheet_write_string(sheet, 1, 0, "2023-331181-04-01-000123", nullptr);
  worksheet_write_string(sheet, 1, 1, "2023-05", nullptr);
  const double values[] = {500000, 2000000, 1000000, 500000, 400000, 100000, 9000000};
  for (int c = 0; c < 7; ++c) worksheet_write_number(sheet, 1, 2 + c, values[c], nullptr);
  worksheet_write_string(sheet, 2, 0, "2023-331181-04-01-000124", nullptr);
  worksheet_write_string(sheet, 2, 1, "2023-05", nullptr);
  worksheet_write_string(sheet, 2, 2, "五十万", nullptr);
  ASSERT_EQ(workbook_close(workbook), LXW_NO_ERROR);

  auto table = ReadTable(path);
  ASSERT_TRUE(table.ok()) << table.status();
  auto rows = ParseMonthlyCsv(*table);
  ASSERT_TRUE(rows.ok()) << rows.status();
  ASSERT_EQ(rows->size(), 2u);
  const auto& good = (*rows)[0];
  EXPECT_TRUE(good.errors.empty());
  EXPECT_EQ(good.value.report.ytd_yuan(), 2000000);
  EXPECT_EQ(good.value.report.ytd_breakdown().other_yuan(), 100000);
  EXPECT_EQ(good.value.report.since_start_yuan(), 9000000);
  ASSERT_FALSE((*rows)[1].errors.empty());
  EXPECT_EQ((*rows)[1].errors[0].line, 3);
  EXPECT_EQ((*rows)[1].errors[0].column, "本月完成投资(元)");
  std::remove(path);
}

TEST(CsvImportTest, PeerGrowthIsReadExactly) {
  int64_t milli = 0;
  EXPECT_TRUE(ParsePercentMilli("15.6", &milli));
  EXPECT_EQ(milli, 15600);
  EXPECT_TRUE(ParsePercentMilli("-3.5", &milli));
  EXPECT_EQ(milli, -3500);
  EXPECT_TRUE(ParsePercentMilli("108.625", &milli));
  EXPECT_EQ(milli, 108625);
  EXPECT_FALSE(ParsePercentMilli("1.2345", &milli));
  EXPECT_FALSE(ParsePercentMilli("abc", &milli));
}

}  // namespace
// A CSV saved by Excel on Chinese Windows is GB18030: it is read as such (the headers are known), and a file in
// neither encoding is refused with a message saying how to save it.
TEST(CsvImportTest, ReadsGb18030CsvFromChineseExcel) {
  const std::string utf8 = "项目代码,主管部门,入库日期,目标状态\n2023-331181-04-01-000123,D01,2023-03-01,已入库\n";
  bool converted = true;
  ASSERT_TRUE(CsvTextAsUtf8(utf8, &converted).ok());
  EXPECT_FALSE(converted);
  // "项目代码" in GB18030 (GBK): CF EE C4 BF B4 FA C2 EB.
  std::string gbk = "\xCF\xEE\xC4\xBF\xB4\xFA\xC2\xEB";
  iconv_t cd = iconv_open("GB18030", "UTF-8");
  ASSERT_NE(cd, reinterpret_cast<iconv_t>(-1));
  std::string encoded(utf8.size() * 2, '\0');
  char* in = const_cast<char*>(utf8.data());
  size_t in_left = utf8.size(), out_left = encoded.size();
  char* out = encoded.data();
  ASSERT_NE(iconv(cd, &in, &in_left, &out, &out_left), static_cast<size_t>(-1));
  iconv_close(cd);
  encoded.resize(encoded.size() - out_left);
  ASSERT_EQ(encoded.substr(0, 8), gbk);
  const std::string path = ::testing::TempDir() + "/gbk.csv";
  std::ofstream(path, std::ios::binary) << encoded;
  auto table = ReadTable(path);
  ASSERT_TRUE(table.ok()) << table.status();
  auto rows = ParseRukuCsv(*table);
  ASSERT_TRUE(rows.ok()) << rows.status();
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].value.project_code, "2023-331181-04-01-000123");
  EXPECT_EQ((*rows)[0].value.target, ::saima::registry::v1::RUKU_STATE_APPROVED);
  // Bytes no encoding reads: refused, saying what to do.
  std::ofstream(path, std::ios::binary) << "\xFF\xFE\xFF,\x80\n";
  auto refused = ReadTable(path);
  ASSERT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(ChineseMessageOf(refused.status()).find("CSV UTF-8"), std::string::npos);
}

}  // namespace saima::ctl
