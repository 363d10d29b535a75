#include "common/idempotency.h"

#include "gtest/gtest.h"
#include "saima/registry/v1/dispatch.pb.h"
#include "saima/registry/v1/registry.pb.h"

namespace saima {
namespace {

namespace reg = ::saima::registry::v1;

reg::RespondToOrderRequest Respond(int64_t order, const std::string& key) {
  reg::RespondToOrderRequest r;
  r.set_order_id(order);
  r.set_answer("已协调");
  r.set_request_id(key);
  return r;
}

TEST(IdempotencyTest, AKeyIsScopedToTheCallerTheCallAndTheContent) {
  const Caller staff("staff-1", "unit_staff", "331181001"), other("staff-2", "unit_staff", "331181100");
  const auto mine = ScopedRequestId(staff, Respond(5, "key-1"));
  ASSERT_TRUE(mine.ok()) << mine.status();
  EXPECT_EQ(*mine, *ScopedRequestId(staff, Respond(5, "key-1"))) << "a retry finds its first result";
  EXPECT_NE(*mine, *ScopedRequestId(other, Respond(5, "key-1"))) << "another caller's key is not mine";
  EXPECT_NE(*mine, *ScopedRequestId(staff, Respond(6, "key-1"))) << "the key reused for another request";
  EXPECT_NE(*mine, *ScopedRequestId(staff, Respond(5, "key-2")));
  reg::AddMilestoneRequest milestone;
  milestone.set_request_id("key-1");
  EXPECT_NE(*mine, *ScopedRequestId(staff, milestone)) << "another call";
  EXPECT_EQ(mine->rfind("k1:", 0), 0u);
  EXPECT_LE(mine->size(), 128u);
}

TEST(IdempotencyTest, KeysOutsideTheCharacterSetAreRefused) {
  const Caller staff("staff-1", "unit_staff", "331181001");
  for (const std::string& key :
       {std::string("请"), std::string("a\tb"), std::string(65, 'a'), std::string("a\0b", 3)}) {
    auto scoped = ScopedRequestId(staff, Respond(5, key));
    EXPECT_EQ(scoped.status().code(), absl::StatusCode::kInvalidArgument) << key;
  }
  reg::RespondToOrderRequest none = Respond(5, "");
  EXPECT_TRUE(ScopeRequestId(staff, &none).ok());
  EXPECT_EQ(none.request_id(), "") << "no key, nothing to scope";
}

}  // namespace
}  // namespace saima
