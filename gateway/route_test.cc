#include "gateway/http_api.h"
#include "gtest/gtest.h"

namespace saima::gateway {
namespace {

TEST(RouteOf, IdsPeriodsAndNamesBecomePlaceholders) {
  EXPECT_EQ(RouteOf("/v1/projects/42/oc4ids"), "/v1/projects/{id}/oc4ids");
  EXPECT_EQ(RouteOf("/v1/monthly-reports/42/2023-05/versions"), "/v1/monthly-reports/{id}/{period}/versions");
  EXPECT_EQ(RouteOf("/v1/campaigns/3:publish"), "/v1/campaigns/{id}:publish");
  EXPECT_EQ(RouteOf("/v1/campaigns/3/sheets/judge-1/331181001:submit"),
            "/v1/campaigns/{id}/sheets/{judge}/{unit}:submit");
  EXPECT_EQ(RouteOf("/v1/periods/2023-05:lock"), "/v1/periods/{period}:lock");
  EXPECT_EQ(RouteOf("/app.js"), "/{file}");
  EXPECT_EQ(RouteOf("/healthz"), "/healthz");
  EXPECT_EQ(RouteOf("/v1/projects"), "/v1/projects");
}

}  // namespace
}  // namespace saima::gateway
