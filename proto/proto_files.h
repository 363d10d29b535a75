#ifndef SAIMA_PROTO_PROTO_FILES_H_
#define SAIMA_PROTO_PROTO_FILES_H_

// The .proto files compiled into every binary (proto/CMakeLists.txt lists them), by their import names
// ("saima/registry/v1/registry.proto"), for code that walks the contracts in the generated descriptor pool.

#include <string>
#include <vector>

namespace saima {

const std::vector<std::string>& ProtoFiles();

}  // namespace saima

#endif  // SAIMA_PROTO_PROTO_FILES_H_
