#include "common/flags.h"

#include <cstdlib>

#include "absl/flags/flag.h"
#include "gtest/gtest.h"

ABSL_FLAG(std::string, saima_test_listen, "default", "test flag");

namespace saima {
namespace {

TEST(FlagsTest, EnvironmentNameIsPrefixedUpperCase) { EXPECT_EQ(EnvironmentNameOf("db_url"), "SAIMA_DB_URL"); }

TEST(FlagsTest, EnvironmentOverridesDefaultAndCommandLineWins) {
  setenv("SAIMA_SAIMA_TEST_LISTEN", "from-env", 1);
  char arg0[] = "prog";
  char* argv1[] = {arg0};
  ParseFlags(1, argv1, "test");
  EXPECT_EQ(absl::GetFlag(FLAGS_saima_test_listen), "from-env");
  char arg1[] = "--saima_test_listen=from-cli";
  char* argv2[] = {arg0, arg1};
  ParseFlags(2, argv2, "test");
  EXPECT_EQ(absl::GetFlag(FLAGS_saima_test_listen), "from-cli");
  unsetenv("SAIMA_SAIMA_TEST_LISTEN");
}

}  // namespace
}  // namespace saima
