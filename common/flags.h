#ifndef SAIMA_COMMON_FLAGS_H_
#define SAIMA_COMMON_FLAGS_H_

#include <string>
#include <vector>

namespace saima {

// Parses the command line after applying environment overrides: every flag `--foo_bar` may also be set by
// `SAIMA_FOO_BAR`; the command line wins over the environment. Exits with a message naming the flag when a
// value does not parse. Returns the positional arguments (argv[0] first).
std::vector<char*> ParseFlags(int argc, char** argv, const std::string& usage);

// The environment variable that overrides a flag, e.g. "db_url" → "SAIMA_DB_URL".
std::string EnvironmentNameOf(const std::string& flag_name);

}  // namespace saima

#endif  // SAIMA_COMMON_FLAGS_H_
