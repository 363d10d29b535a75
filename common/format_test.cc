#include "common/format.h"

#include "gtest/gtest.h"

namespace saima {
namespace {

TEST(FormatTest, RoundsHalfAwayFromZeroFromExactAmounts) {
  EXPECT_EQ(Yi(2'987'000'000), "29.87");
  EXPECT_EQ(Yi(2'986'500'000), "29.87");  // 29.865 → 29.87
  EXPECT_EQ(Wan(184'0000), "184.0");
  EXPECT_EQ(Percent(352, 1000), "35.2%");
  EXPECT_EQ(Percent(1, 3), "33.3%");
  EXPECT_EQ(Percent(2, 3), "66.7%");
  EXPECT_EQ(Percent(-35, 1000), "-3.5%");
  EXPECT_EQ(Percent(-1, 2000), "-0.1%");  // −0.05% rounds away from zero
  EXPECT_EQ(Percent(5, 0), "—");
  EXPECT_EQ(Growth(403, 2584), "+15.6%");
  EXPECT_EQ(Growth(-35, 1000), "-3.5%");
  EXPECT_EQ(Growth(0, 10), "0.0%");
}

}  // namespace
}  // namespace saima
