#include "common/server.h"

#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace saima {
namespace {

TEST(StartServer, AnAddressAlreadyServedIsRefusedNotShared) {
  ServerOptions options;
  options.binary_name = "first";
  options.listen_address = "127.0.0.1:0";
  auto first = StartServer(options, {});
  ASSERT_TRUE(first.ok()) << first.status();
  const std::string taken = absl::StrCat("127.0.0.1:", (*first)->port());

  // A second process (here: a second server) given the same address must fail to start, not take a share of the
  // first one's connections.
  options.binary_name = "second";
  options.listen_address = taken;
  auto second = StartServer(options, {});
  ASSERT_FALSE(second.ok()) << "a second server listens on " << taken << " beside the first";
  EXPECT_NE(second.status().message().find(taken), std::string::npos) << second.status();

  // Once the first has stopped, the address is free again.
  (*first)->Shutdown();
  first->reset();
  auto again = StartServer(options, {});
  EXPECT_TRUE(again.ok()) << again.status();
}

}  // namespace
}  // namespace saima
