// saima-contracts: what is generated from the contracts at build time.
//   saima-contracts openapi DESCRIPTOR_SET VERSION OUT   the OpenAPI 3 description of the HTTP surface (JSON)
//   saima-contracts names OUT                            every enumeration's display names (JSON, for the web app)
// DESCRIPTOR_SET is protoc's --include_imports --include_source_info output (for the comments).

#include <fstream>
#include <iostream>
#include <sstream>

#include "gateway/openapi.h"
#include "gateway/routes.h"
#include "proto/proto_files.h"

namespace {

int Usage() {
  std::cerr << "usage: saima-contracts openapi DESCRIPTOR_SET VERSION OUT | names OUT\n";
  return 2;
}

bool Write(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  return static_cast<bool>(out);
}

}  // namespace

int main(int argc, char** argv) {
  using namespace saima::gateway;
  const std::vector<std::string> args(argv + 1, argv + argc);
  if (args.size() == 4 && args[0] == "openapi") {
    auto routes = RouteTable::Build(saima::ProtoFiles());
    if (!routes.ok()) {
      std::cerr << routes.status() << "\n";
      return 1;
    }
    std::ifstream in(args[1], std::ios::binary);
    std::stringstream set;
    set << in.rdbuf();
    auto doc = OpenApiDocument(*routes, set.str(), args[2]);
    if (!doc.ok()) {
      std::cerr << doc.status() << "\n";
      return 1;
    }
    return Write(args[3], doc->dump(1)) ? 0 : 1;
  }
  if (args.size() == 2 && args[0] == "names") {
    return Write(args[1], DisplayNames(saima::ProtoFiles()).dump(1)) ? 0 : 1;
  }
  return Usage();
}
