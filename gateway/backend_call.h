#ifndef SAIMA_GATEWAY_BACKEND_CALL_H_
#define SAIMA_GATEWAY_BACKEND_CALL_H_

// How the gateway calls a backend (internal to gateway_lib): one status mapping for every call.

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "grpcpp/client_context.h"

namespace saima::gateway {

// Calls one backend RPC and maps its status. Transport failures become UNAVAILABLE naming the backend, so a
// client learns which part of the system is down; application errors pass through with their details.
template <typename Stub, typename Request, typename Response>
absl::StatusOr<Response> CallBackend(const char* backend, Stub* stub,
                                     grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
                                     grpc::ClientContext& context, const Request& request) {
  Response response;
  grpc::Status status = (stub->*method)(&context, request, &response);
  if (status.ok()) return response;
  if (status.error_code() == grpc::StatusCode::UNAVAILABLE) {
    return absl::UnavailableError(absl::StrCat(backend, " is unavailable; retry shortly"));
  }
  if (status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED) {
    return absl::DeadlineExceededError(absl::StrCat(backend, " did not answer before the deadline"));
  }
  return FromGrpcStatus(status);
}

// A backend call whose gateway messages mirror the backend's field by field: converted by wire format.
template <typename GatewayResponse, typename Stub, typename Request, typename Response, typename GatewayRequest>
absl::StatusOr<GatewayResponse> Mirror(const char* backend, Stub* stub,
                                       grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
                                       grpc::ClientContext& context, const GatewayRequest& request) {
  Request down;
  down.ParseFromString(request.SerializeAsString());
  auto result = CallBackend(backend, stub, method, context, down);
  if (!result.ok()) return result.status();
  GatewayResponse response;
  response.ParseFromString(result->SerializeAsString());
  return response;
}

}  // namespace saima::gateway

#endif  // SAIMA_GATEWAY_BACKEND_CALL_H_
