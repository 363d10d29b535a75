#ifndef SAIMA_COMMON_REFLECTION_H_
#define SAIMA_COMMON_REFLECTION_H_

// gRPC server reflection, both the standard grpc.reflection.v1 and the older v1alpha that many tools still ask
// for, answered from the generated descriptor pool. The list of services is the caller's: a server lists what it
// registers, the gateway also the services it forwards.

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "grpcpp/impl/service_type.h"

namespace saima {

std::vector<std::unique_ptr<grpc::Service>> MakeReflectionServices(
    std::function<std::vector<std::string>()> service_names);

}  // namespace saima

#endif  // SAIMA_COMMON_REFLECTION_H_
