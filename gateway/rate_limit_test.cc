#include "gateway/rate_limit.h"

#include "gtest/gtest.h"

namespace saima::gateway {
namespace {

TEST(RateLimiter, BurstThenSustainedRatePerKey) {
  RateLimiter limiter(/*per_second=*/2, /*burst=*/3);
  const absl::Time t0 = absl::FromUnixSeconds(1'000'000);
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(limiter.Allow("a", t0)) << i;
  EXPECT_FALSE(limiter.Allow("a", t0));
  EXPECT_TRUE(limiter.Allow("b", t0));                             // another credential has its own bucket
  EXPECT_FALSE(limiter.Allow("a", t0 + absl::Milliseconds(400)));  // 0.8 of a call refilled
  EXPECT_TRUE(limiter.Allow("a", t0 + absl::Milliseconds(500)));   // one call after half a second
  EXPECT_FALSE(limiter.Allow("a", t0 + absl::Milliseconds(500)));
  // Refilling stops at the burst.
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(limiter.Allow("a", t0 + absl::Seconds(100))) << i;
  EXPECT_FALSE(limiter.Allow("a", t0 + absl::Seconds(100)));
  EXPECT_EQ(limiter.RetryAfterSeconds(), 1);
}

TEST(RateLimiter, ZeroMeansNoLimit) {
  RateLimiter limiter(0, 0);
  for (int i = 0; i < 1000; ++i) EXPECT_TRUE(limiter.Allow("a", absl::UnixEpoch()));
}

}  // namespace
}  // namespace saima::gateway
