#include "gateway/gateway_service.h"

#include "common/status.h"

namespace saima::gateway {
namespace {

std::string Metadata(const grpc::ServerContext& context, const char* key) {
  auto it = context.client_metadata().find(key);
  return it == context.client_metadata().end() ? "" : std::string(it->second.data(), it->second.size());
}

}  // namespace

absl::StatusOr<CallInfo> GatewayService::Authenticate(const grpc::ServerContext& context) const {
  auto identity = tokens_.Authenticate(Metadata(context, "authorization"));
  if (!identity.ok()) return identity.status();
  std::string request_id = Metadata(context, "x-request-id");
  if (request_id.empty()) request_id = NewRequestId();
  return CallInfo{*std::move(identity), request_id, &context};
}

#define SAIMA_DEFINE(Method)                                                                                           \
  grpc::Status GatewayService::Method(grpc::ServerContext* c, const gw::Method##Request* q, gw::Method##Response* r) { \
    auto call = Authenticate(*c);                                                                                      \
    if (!call.ok()) return ToGrpcStatus(call.status());                                                                \
    auto result = gateway_.Method(*call, *q);                                                                          \
    if (!result.ok()) return ToGrpcStatus(result.status());                                                            \
    *r = *std::move(result);                                                                                           \
    return grpc::Status::OK;                                                                                           \
  }
SAIMA_DEFINE(WhoAmI)
SAIMA_DEFINE(ListUnits)
SAIMA_DEFINE(CreateUnit)
SAIMA_DEFINE(ListProjects)
SAIMA_DEFINE(GetProject)
SAIMA_DEFINE(CreateProject)
SAIMA_DEFINE(UpdateProject)
SAIMA_DEFINE(SummarizeProjects)
SAIMA_DEFINE(ListProjectHistory)
#undef SAIMA_DEFINE

}  // namespace saima::gateway
