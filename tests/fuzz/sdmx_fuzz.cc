// libFuzzer: the SDMX REST v2 query parsers. Lines: context, agency, flow, version, key, then query parameters
// as name=value; the data query is parsed and its filters run over a few observations, and the same parameters
// are parsed as a structure query and an Accept header.
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_split.h"
#include "gateway/sdmx.h"
#include "gateway/sdmx_structure.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace sdmx = saima::gateway::sdmx;
  std::vector<std::string> lines = absl::StrSplit(std::string(reinterpret_cast<const char*>(data), size), '\n');
  lines.resize(std::max<size_t>(lines.size(), 5));
  std::vector<std::pair<std::string, std::string>> parameters;
  for (size_t i = 5; i < lines.size(); ++i) {
    parameters.push_back(std::pair<std::string, std::string>(absl::StrSplit(lines[i], absl::MaxSplits('=', 1))));
  }
  auto query = sdmx::ParseDataQuery(lines[0], lines[1], lines[2], lines[3], lines[4], parameters);
  if (query.ok()) {
    std::vector<sdmx::Observation> observations = {{"M", "331181", "FAI_YTD", "2023-05", "2987000000", "CNY", "0", "A"},
                                                   {"M", "331181", "FAI_YOY", "2023-04", "-3.5000", "PC", "0", "P"}};
    std::vector<sdmx::Observation> kept;
    for (const auto& o : observations) {
      if (query->Matches(o)) kept.push_back(o);
    }
    (void)sdmx::KeepFirstLast(*query, kept);
  }
  (void)sdmx::NegotiateCsv(lines[4]);
  (void)sdmx::NegotiateStructure(lines[4]);
  auto structure = sdmx::ParseStructureQuery({lines[0], lines[1], lines[2], lines[3]}, parameters);
  if (structure.ok()) {
    (void)sdmx::StructureMessage({"331181", "龙泉市", "Longquan"}, *structure, sdmx::StructureFormat::kXml,
                                 absl::UnixEpoch());
  }
  return 0;
}
