#include "common/status.h"

#include "gtest/gtest.h"

namespace saima {
namespace {

TEST(ViolationsTest, EmptyIsOk) { EXPECT_TRUE(Violations().ToStatus().ok()); }

TEST(ViolationsTest, CarriesEveryFieldAndRule) {
  Violations v;
  v.Add("project.name", "is required");
  v.Add("project.industry_code", "must be a GB/T 4754-2017 code");
  absl::Status status = v.ToStatus();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  auto fields = FieldViolationsOf(status);
  ASSERT_EQ(fields.size(), 2u);
  EXPECT_EQ(fields[0].first, "project.name");
  EXPECT_EQ(fields[1].second, "must be a GB/T 4754-2017 code");
  EXPECT_NE(status.message().find("project.name: is required"), std::string::npos);
}

TEST(StatusMapperTest, RoundTripsThroughGrpcWithDetails) {
  absl::Status original = InvalidField("project.stage", "illegal transition");
  absl::Status back = FromGrpcStatus(ToGrpcStatus(original));
  EXPECT_EQ(back.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(back.message(), original.message());
  ASSERT_EQ(FieldViolationsOf(back).size(), 1u);
  EXPECT_EQ(FieldViolationsOf(back)[0].first, "project.stage");
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

TEST(StatusMapperTest, JsonBodyHasFieldViolations) {
  std::string json = StatusToJson(InvalidField("project.name", "is required"));
  EXPECT_NE(json.find("\"fieldViolations\""), std::string::npos) << json;
  EXPECT_NE(json.find("google.rpc.BadRequest"), std::string::npos) << json;
  EXPECT_NE(json.find("\"code\":3"), std::string::npos) << json;
}

}  // namespace
}  // namespace saima
