#ifndef SAIMA_GATEWAY_SDMX_STRUCTURE_H_
#define SAIMA_GATEWAY_SDMX_STRUCTURE_H_

// The SDMX structures of the city's investment indicators, served per SDMX REST v2 from
//   /sdmx/structure/{type}/{agency}/{id}/{version}?references=&detail=
// as SDMX-JSON 2.0.0 or SDMX-ML 3.0.0 structure messages: the dataflow SAIMA:FAI, the data structure
// SAIMA:DSD_FAI, the concept scheme SAIMA:CS_FAI and the codelists CL_FREQ, CL_AREA, CL_INDICATOR,
// CL_UNIT_MEASURE, CL_UNIT_MULT and CL_OBS_STATUS, all version 1.0.0, every name in zh and en.

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "gateway/sdmx.h"

namespace saima::gateway::sdmx {

struct Name {
  std::string zh, en;
};

// The INDICATOR code of a category: FAI, FAI_PRIVATE, …; the observation codes add _YTD or _YOY.
std::string IndicatorCode(::saima::stats::v1::Category category);
Name ComponentName(const std::string& component);  // a concept's name
Name FlowName();
// The names of every component's codes, from the codelists (built once, for a message).
class CodeNames {
 public:
  explicit CodeNames(const Settings& settings);
  // e.g. ("INDICATOR", "FAI_YTD"); null for a component without a codelist or an unknown code.
  const Name* Find(const std::string& component, const std::string& code) const;

 private:
  std::map<std::string, std::map<std::string, Name>> names_;
};

struct StructureQuery {
  std::string type;     // dataflow, datastructure, conceptscheme, codelist or *
  std::string agency;   // SAIMA or *
  std::string id;       // an id, ids joined by ',', or *
  std::string version;  // see VersionMatches
  std::string references = "none";
  std::string detail = "full";
};

// Parses /sdmx/structure/{type}[/{agency}[/{id}[/{version}]]] (the parts after /sdmx/structure/) and the
// references and detail parameters. NOT_FOUND for a structure type this service does not have;
// INVALID_ARGUMENT for a bad parameter.
absl::StatusOr<StructureQuery> ParseStructureQuery(const std::vector<std::string>& path,
                                                   const std::vector<std::pair<std::string, std::string>>& parameters);

enum class StructureFormat { kJson, kXml };
// SDMX-JSON 2.0.0 (also for application/json and */*) or SDMX-ML 3.0.0 (also application/xml, text/xml);
// FAILED_PRECONDITION (406 at the edge) for anything else.
absl::StatusOr<StructureFormat> NegotiateStructure(const std::string& accept);
const char* MediaTypeOf(StructureFormat format);

// The structure message answering the query, or NOT_FOUND when no artefact matches.
absl::StatusOr<std::string> StructureMessage(const Settings& settings, const StructureQuery& query,
                                             StructureFormat format, absl::Time prepared);

}  // namespace saima::gateway::sdmx

#endif  // SAIMA_GATEWAY_SDMX_STRUCTURE_H_
