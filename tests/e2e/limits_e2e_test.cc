// Limits at the gateway: per-token rate limits (429 with Retry-After; other tokens unaffected), the largest request
// body (413), page sizes (400 naming the field).

#include <httplib.h>

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/e2e/system.h"

namespace saima::testing {
namespace {

TEST(LimitsEndToEndTest, RateRequestSizeAndPageSize) {
  System system({"--rate_limit_per_second=2", "--rate_limit_burst=5", "--max_request_bytes=65536"});
  ASSERT_TRUE(system.WaitHealthy(30));
  httplib::Client client("127.0.0.1", system.http_port());
  const httplib::Headers leader = {{"Authorization", "Bearer " + system.token("leader")}};
  const httplib::Headers admin = {{"Authorization", "Bearer " + system.token("admin")}};

  int ok = 0;
  httplib::Result refused(nullptr, httplib::Error::Unknown);
  for (int i = 0; i < 8; ++i) {
    auto res = client.Get("/v1/whoami", leader);
    ASSERT_TRUE(res);
    if (res->status == 200) {
      ++ok;
    } else {
      EXPECT_EQ(res->status, 429);
      refused = std::move(res);
      break;
    }
  }
  EXPECT_LE(ok, 6);  // the burst (and at most one refilled call)
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->get_header_value("Retry-After"), "1");
  EXPECT_NE(refused->body.find("rate limit"), std::string::npos) << refused->body;
  // Another token has its own budget.
  auto other = client.Get("/v1/whoami", admin);
  ASSERT_TRUE(other);
  EXPECT_EQ(other->status, 200);

  // A body larger than --max_request_bytes is refused before it is read.
  const std::string huge(70 * 1024, 'x');
  auto big = client.Post("/v1/units", admin, "{\"name\":\"" + huge + "\"}", "application/json");
  ASSERT_TRUE(big);
  EXPECT_EQ(big->status, 413);

  // Page sizes are bounded; the error names the field.
  std::this_thread::sleep_for(std::chrono::seconds(1));
  auto page = client.Get("/v1/projects?pageSize=100000", admin);
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 400) << page->body;
  EXPECT_NE(page->body.find("page_size"), std::string::npos) << page->body;
}

}  // namespace
}  // namespace saima::testing
