#include "common/status.h"

#include "gtest/gtest.h"

namespace saima {
namespace {

TEST(ViolationsTest, EmptyIsOk) { EXPECT_TRUE(Violations().ToStatus().ok()); }

TEST(ViolationsTest, CarriesEveryFieldAndRuleInBothLanguages) {
  Violations v;
  v.Add("project.name", "is required", "项目名称必填");
  v.Add("project.industry_code", "must be a GB/T 4754-2017 code", "行业代码应为 GB/T 4754-2017 代码");
  absl::Status status = v.ToStatus();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  auto fields = FieldViolationsOf(status);
  ASSERT_EQ(fields.size(), 2u);
  EXPECT_EQ(fields[0].field, "project.name");
  EXPECT_EQ(fields[1].description, "must be a GB/T 4754-2017 code");
  EXPECT_EQ(fields[0].localized, "项目名称必填");
  EXPECT_NE(status.message().find("project.name: is required"), std::string::npos);
  // The message for people names every rule, in Chinese.
  EXPECT_EQ(ChineseMessageOf(status), "项目名称必填；行业代码应为 GB/T 4754-2017 代码");
}

TEST(StatusMapperTest, RoundTripsThroughGrpcWithDetails) {
  absl::Status original = InvalidField("project.stage", "illegal transition", "项目阶段不能这样改");
  absl::Status back = FromGrpcStatus(ToGrpcStatus(original));
  EXPECT_EQ(back.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(back.message(), original.message());
  ASSERT_EQ(FieldViolationsOf(back).size(), 1u);
  EXPECT_EQ(FieldViolationsOf(back)[0].field, "project.stage");
  EXPECT_EQ(FieldViolationsOf(back)[0].localized, "项目阶段不能这样改");
  EXPECT_EQ(ChineseMessageOf(back), "项目阶段不能这样改");
}

TEST(StatusMapperTest, AnErrorWithoutChineseGetsTheGeneralOneOnTheWire) {
  absl::Status bare = absl::PermissionDeniedError("role x may not y");
  EXPECT_FALSE(HasLocalizedMessage(bare));
  absl::Status back = FromGrpcStatus(ToGrpcStatus(bare));
  EXPECT_TRUE(HasLocalizedMessage(back));
  EXPECT_EQ(ChineseMessageOf(back), "您无权执行此操作");
  EXPECT_NE(StatusToJson(bare).find("\"locale\":\"zh-CN\""), std::string::npos) << StatusToJson(bare);
}

TEST(StatusMapperTest, HttpCodesFollowTheGrpcCode) {
  EXPECT_EQ(HttpStatusOf(absl::StatusCode::kInvalidArgument), 400);
  EXPECT_EQ(HttpStatusOf(absl::StatusCode::kNotFound), 404);
  EXPECT_EQ(HttpStatusOf(absl::StatusCode::kAborted), 409);
  EXPECT_EQ(HttpStatusOf(absl::StatusCode::kFailedPrecondition), 409);
  EXPECT_EQ(HttpStatusOf(absl::StatusCode::kUnavailable), 503);
  EXPECT_EQ(HttpStatusOf(absl::StatusCode::kUnauthenticated), 401);
  EXPECT_EQ(HttpStatusOf(absl::StatusCode::kPermissionDenied), 403);
}

TEST(StatusMapperTest, JsonBodyHasFieldViolationsAndTheLocalizedMessage) {
  std::string json = StatusToJson(InvalidField("project.name", "is required", "项目名称必填"));
  EXPECT_NE(json.find("\"fieldViolations\""), std::string::npos) << json;
  EXPECT_NE(json.find("google.rpc.BadRequest"), std::string::npos) << json;
  EXPECT_NE(json.find("google.rpc.LocalizedMessage"), std::string::npos) << json;
  EXPECT_NE(json.find("项目名称必填"), std::string::npos) << json;
  EXPECT_NE(json.find("\"code\":3"), std::string::npos) << json;
}

}  // namespace
}  // namespace saima
