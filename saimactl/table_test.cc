#include "saimactl/table.h"

#include "gtest/gtest.h"

namespace saima::ctl {
namespace {

TEST(TableTest, ChineseTakesTwoColumns) {
  EXPECT_EQ(DisplayWidth("abc"), 3);
  EXPECT_EQ(DisplayWidth("龙泉市"), 6);
  EXPECT_EQ(DisplayWidth("二产 17"), 7);
}

TEST(TableTest, ColumnsLineUp) {
  Table t({"名称", "n"});
  t.AddRow({"龙泉", "1"});
  t.AddRow({"ab", "22"});
  std::string out = t.Render();
  EXPECT_NE(out.find("名称  n\n"), std::string::npos) << out;
  EXPECT_NE(out.find("ab    22\n"), std::string::npos) << out;
}

}  // namespace
}  // namespace saima::ctl
