#include "common/format.h"

#include <fstream>
#include <sstream>

#include "absl/strings/numbers.h"
#include "common/csv.h"
#include "gtest/gtest.h"

namespace saima {
namespace {

// The cases live in one file that the dashboard's test (web/test/format.test.mjs) reads too: the services and the
// web application round every figure the same way.
TEST(FormatTest, EveryCaseSharedWithTheDashboard) {
  std::ifstream in(std::string(SAIMA_SOURCE_DIR) + "/common/testdata/format_cases.csv");
  std::stringstream text;
  text << in.rdbuf();
  auto rows = ParseCsv(text.str());
  ASSERT_TRUE(rows.ok()) << rows.status();
  ASSERT_GT(rows->size(), 20u);
  for (size_t i = 1; i < rows->size(); ++i) {
    const CsvRow& row = (*rows)[i];
    ASSERT_EQ(row.size(), 4u) << "line " << i + 1;
    int64_t numerator = 0, denominator = 0;
    ASSERT_TRUE(absl::SimpleAtoi(row[1], &numerator)) << "line " << i + 1;
    if (!row[2].empty()) {
      ASSERT_TRUE(absl::SimpleAtoi(row[2], &denominator)) << "line " << i + 1;
    }
    std::string got;
    if (row[0] == "yi") {
      got = Yi(numerator);
    } else if (row[0] == "wan") {
      got = Wan(numerator);
    } else if (row[0] == "percent") {
      got = Percent(numerator, denominator);
    } else if (row[0] == "growth") {
      got = Growth(numerator, denominator);
    } else {
      FAIL() << "unknown kind " << row[0];
    }
    EXPECT_EQ(got, row[3]) << row[0] << "(" << row[1] << ", " << row[2] << ")";
  }
}

}  // namespace
}  // namespace saima
