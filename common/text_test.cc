#include "common/text.h"

#include "gtest/gtest.h"
#include "saima/registry/v1/dispatch.pb.h"
#include "saima/registry/v1/registry.pb.h"

namespace saima {
namespace {

namespace reg = ::saima::registry::v1;

TEST(TextTest, PeoplesTextPassesControlAndInvisibleCharactersDoNot) {
  EXPECT_EQ(RefusedCharacter("龙渊街道 年产2亿瓶\t口服溶液剂\n项目 (一期) — “重点”"), "");
  EXPECT_EQ(RefusedCharacter(std::string("a\0b", 3)), "U+0000");
  EXPECT_EQ(RefusedCharacter("a\x01"), "U+0001");
  EXPECT_EQ(RefusedCharacter("a\x7f"), "U+007F");
  EXPECT_EQ(RefusedCharacter("市领导\u200b"), "U+200B");
  EXPECT_EQ(RefusedCharacter("项目\u202egnp.exe"), "U+202E");
  EXPECT_EQ(RefusedCharacter("\ufeff项目"), "U+FEFF");
  EXPECT_EQ(RefusedCharacter("x\u2066y"), "U+2066");
  EXPECT_EQ(RefusedCharacter("😀"), "");
}

TEST(TextTest, EveryStringOfARequestIsCheckedAndNamedByItsPath) {
  reg::IssueOrderRequest request;
  request.mutable_order()->set_task("协调用地");
  request.mutable_order()->add_roadmap("第一步");
  request.mutable_order()->add_roadmap("第二步\u202e");
  auto* node = request.mutable_order()->add_timetable();
  node->set_title(std::string("完成\0征迁", 10));
  Violations v;
  CheckText(request, v);
  ASSERT_EQ(v.items().size(), 2u);
  EXPECT_EQ(v.items()[0].field, "order.timetable[0].title");
  EXPECT_EQ(v.items()[1].field, "order.roadmap[1]");
  EXPECT_NE(v.items()[1].localized.find("U+202E"), std::string::npos);
}

}  // namespace
}  // namespace saima
