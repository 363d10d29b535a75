#include "common/flags.h"

#include <cstdio>
#include <cstdlib>

#include "absl/flags/parse.h"
#include "absl/flags/reflection.h"
#include "absl/flags/usage.h"
#include "absl/flags/usage_config.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"

namespace saima {

std::string EnvironmentNameOf(const std::string& flag_name) { return "SAIMA_" + absl::AsciiStrToUpper(flag_name); }

std::vector<char*> ParseFlags(int argc, char** argv, const std::string& usage) {
  static const bool usage_set = [&usage] {
    absl::SetProgramUsageMessage(usage);
    // --help lists Saima's own flags (every file of ours defines some), not only those of the main file.
    absl::FlagsUsageConfig config;
    const auto ours = [](absl::string_view path) { return !absl::StrContains(path, "absl/"); };
    config.contains_help_flags = ours;
    config.contains_helpshort_flags = ours;
    absl::SetFlagsUsageConfig(config);
    return true;
  }();
  (void)usage_set;
  for (auto& [name, flag] : absl::GetAllFlags()) {
    const std::string env_name = EnvironmentNameOf(std::string(name));
    const char* value = std::getenv(env_name.c_str());
    if (value == nullptr) continue;
    std::string error;
    if (!flag->ParseFrom(value, &error)) {
      std::fprintf(stderr, "invalid value for %s (flag --%s): %s\n", env_name.c_str(), std::string(name).c_str(),
                   error.c_str());
      std::exit(2);
    }
  }
  return absl::ParseCommandLine(argc, argv);
}

}  // namespace saima
