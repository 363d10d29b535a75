// libFuzzer: the SDMX REST query parser (agency, flow, version, key, c[TIME_PERIOD] one per line) and the periods
// it expands to.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "gateway/sdmx.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::vector<std::string> parts = absl::StrSplit(std::string(reinterpret_cast<const char*>(data), size), '\n');
  parts.resize(5);
  auto query = saima::gateway::sdmx::ParseDataQuery(parts[0], parts[1], parts[2], parts[3], parts[4]);
  if (query.ok()) (void)saima::gateway::sdmx::PeriodsOf(*query, "2000-02", "2030-12");
  return 0;
}
