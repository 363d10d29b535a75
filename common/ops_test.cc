#include "common/ops.h"

#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace saima {
namespace {

TEST(MaskSecrets, PasswordsInUrlsAndSecretFlagsAreHidden) {
  EXPECT_EQ(MaskSecrets("db_url", "postgresql://saima_stats:s3cret@db:5432/saima"),
            "postgresql://saima_stats:****@db:5432/saima");
  EXPECT_EQ(MaskSecrets("db_url", "host=db user=saima password=s3cret dbname=saima"),
            "host=db user=saima password=**** dbname=saima");
  EXPECT_EQ(MaskSecrets("db_url", "postgresql:///saima"), "postgresql:///saima");
  EXPECT_EQ(MaskSecrets("jwt_secret", "abc"), "****");
  EXPECT_EQ(MaskSecrets("bootstrap_token", "abc"), "****");
  EXPECT_EQ(MaskSecrets("tokens_file", ".saima/tokens.tsv"), ".saima/tokens.tsv");  // a path, not a secret
  EXPECT_EQ(MaskSecrets("listen", "127.0.0.1:50051"), "127.0.0.1:50051");
}

TEST(Metrics, CountersAppearInTheTextFormat) {
  for (int i = 0; i < 3; ++i) RecordRpc("/saima.test.v1.T/Call", "unary", 0, 0.01);
  RecordRpc("/saima.test.v1.T/Watch", "server_stream", 16, 0.5);
  NamedGauge("saima_test_gauge", "a test gauge").Set(7);
  const std::string text = MetricsText();
  // The standard names and labels of gRPC server metrics (go-grpc-prometheus).
  EXPECT_NE(
      text.find("grpc_server_handled_total{grpc_code=\"OK\",grpc_method=\"Call\",grpc_service=\"saima.test.v1.T\","
                "grpc_type=\"unary\"} 3"),
      std::string::npos)
      << text;
  EXPECT_NE(text.find("grpc_server_handled_total{grpc_code=\"Unauthenticated\",grpc_method=\"Watch\","
                      "grpc_service=\"saima.test.v1.T\",grpc_type=\"server_stream\"} 1"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("grpc_server_handling_seconds_count{grpc_method=\"Call\",grpc_service=\"saima.test.v1.T\","
                      "grpc_type=\"unary\"} 3"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("saima_test_gauge 7"), std::string::npos) << text;
}

// Calls are recorded from many threads while new methods and codes keep appearing (the table of known ones
// grows): each call is counted once, and nothing recorded reads memory the table's growth freed (under ASan, the
// recorder used to keep a pointer into the table past its lock).
TEST(Metrics, CallsRecordedWhileTheTableGrowsAreEachCounted) {
  constexpr int kThreads = 4, kCalls = 3000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([t] {
      for (int i = 0; i < kCalls; ++i) {
        RecordRpc("/saima.test.v1.Grow/Shared", "unary", 0, 0.001);
        RecordRpc(absl::StrCat("/saima.test.v1.Grow/M", t, "_", i), "unary", i % 17, 0.001);
        RecordHttp(absl::StrCat("/v1/grow/", t, "/", i), 200 + i % 5, 0.001);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  const std::string text = MetricsText();
  EXPECT_NE(text.find(absl::StrCat("grpc_server_handled_total{grpc_code=\"OK\",grpc_method=\"Shared\","
                                   "grpc_service=\"saima.test.v1.Grow\",grpc_type=\"unary\"} ",
                                   kThreads * kCalls, "\n")),
            std::string::npos);
  EXPECT_NE(text.find("grpc_method=\"M3_2999\""), std::string::npos);
}

}  // namespace
}  // namespace saima
