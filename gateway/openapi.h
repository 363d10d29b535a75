#ifndef SAIMA_GATEWAY_OPENAPI_H_
#define SAIMA_GATEWAY_OPENAPI_H_

// The OpenAPI 3.0 description of the gateway's HTTP surface, generated from the same RouteTable the gateway
// routes with (so the two cannot disagree): every binding of the contracts with its path and query parameters,
// body, response and errors, the enum values with their Chinese names, who may call each operation, and the
// routes that are not RPCs (/healthz, SDMX). Descriptions are the proto comments, read from a descriptor set
// built with --include_source_info (protoc), when one is given.

#include <string>

#include "absl/status/statusor.h"
#include "gateway/routes.h"
#include "nlohmann/json.hpp"

namespace saima::gateway {

// `commented_descriptor_set` is a serialized FileDescriptorSet with source info, or empty (no descriptions).
absl::StatusOr<nlohmann::json> OpenApiDocument(const RouteTable& routes, const std::string& commented_descriptor_set,
                                               const std::string& version);

// Every enumeration of the contracts: full name → value identifier → display name (for the web application).
nlohmann::json DisplayNames(const std::vector<std::string>& files);

}  // namespace saima::gateway

#endif  // SAIMA_GATEWAY_OPENAPI_H_
