// libFuzzer: the HTTP JSON-to-request path (protobuf's JSON mapping) into the validation entry points of the
// registry, stats, the contest and the dispatch records.
#include <cstddef>
#include <cstdint>
#include <string>

#include "google/protobuf/util/json_util.h"
#include "saima/registry/v1/dispatch.pb.h"
#include "saima/registry/v1/registry.pb.h"
#include "saima/scoring/v1/scoring.pb.h"
#include "services/registry/dispatch_rules.h"
#include "services/registry/project_rules.h"
#include "services/registry/reference_data.h"
#include "services/scoring/contest_rules.h"

namespace {

template <typename T>
bool Parse(const std::string& json, T* message) {
  return google::protobuf::util::JsonStringToMessage(json, message).ok();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string json(reinterpret_cast<const char*>(data), size);
  static const auto& ref = saima::registry::ReferenceData::Embedded();
  saima::registry::v1::Project project;
  if (Parse(json, &project)) {
    saima::Violations v;
    saima::registry::CheckProject(project, ref, "project", v);
  }
  saima::registry::v1::Order order;
  if (Parse(json, &order)) {
    saima::Violations v;
    saima::registry::CheckOrder(order, v);
    (void)saima::registry::Escalate(order, "2023-06-30");
  }
  saima::registry::v1::Problem problem;
  if (Parse(json, &problem)) {
    saima::Violations v;
    saima::registry::CheckProblem(problem, v);
  }
  saima::scoring::v1::Campaign campaign;
  if (Parse(json, &campaign)) {
    (void)saima::scoring::NormalizeCampaign(campaign, {"331181001", "D01"});
    saima::scoring::v1::ScoreSheet sheet;
    if (Parse(json, &sheet)) (void)saima::scoring::CheckSheet(campaign, sheet, true);
  }
  return 0;
}
