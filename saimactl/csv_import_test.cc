#include "saimactl/csv_import.h"

#include "gtest/gtest.h"

namespace saima::ctl {
namespace {

TEST(CsvImportTest, ParsesChineseValues) {
  auto rows = ParseProjectsCsv(
      "项目名称,单位代码,行业代码,建设性质,控股情况,项目层级,项目阶段,谋划年度,计划总投资(元),技改\n"
      "城市文化客厅,331181001,8870,新建,国有,重点项目|重大项目,谋划,2023,120000000,否\n");
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
  auto rows = ParseProjectsCsv(
      "项目名称,单位代码,行业代码,建设性质,控股情况,项目阶段,谋划年度\n"
      "好项目,331181001,8870,新建,国有,谋划,2023\n"
      "坏项目,331181001,8870,翻新,国有,施工中,二〇二三\n");
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

TEST(CsvImportTest, RefusesUnknownOrMissingColumns) {
  EXPECT_FALSE(ParseProjectsCsv("项目名称,颜色\nx,红\n").ok());
  EXPECT_FALSE(ParseProjectsCsv("项目名称\nx\n").ok());
}

}  // namespace
}  // namespace saima::ctl
