#ifndef SAIMA_COMMON_SERVE_H_
#define SAIMA_COMMON_SERVE_H_

// The shape of every unary gRPC handler: read the caller, call the use case with the call's deadline, map the
// status. Keeps the *_service.cc adapters to one line a method.

#include <chrono>
#include <optional>
#include <utility>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/caller.h"
#include "common/idempotency.h"
#include "common/status.h"
#include "common/text.h"
#include "common/write_context.h"
#include "grpcpp/server_context.h"

namespace saima {

// Whether `request` carries a non-empty client idempotency key.
inline bool HasRequestId(const google::protobuf::Message& request) {
  const auto* field = request.GetDescriptor()->FindFieldByName("request_id");
  return field != nullptr && field->cpp_type() == google::protobuf::FieldDescriptor::CPPTYPE_STRING &&
         !field->is_repeated() && !request.GetReflection()->GetString(request, field).empty();
}

// The call's deadline, or 30 seconds from now when the client set none: no work runs unbounded.
inline absl::Time DeadlineOf(const grpc::ServerContext& context) {
  const absl::Time cap = absl::Now() + absl::Seconds(30);
  const auto deadline = context.deadline();
  if (deadline == std::chrono::system_clock::time_point::max()) return cap;
  return std::min(cap, absl::FromChrono(deadline));
}

// The audit's view of a call: who, which request, from where.
inline WriteContext WriteContextOf(const Caller& caller, const grpc::ServerContext& context) {
  return {caller.user_id, caller.role, RequestIdOf(context), caller.client};
}

template <typename Request, typename Response, typename UseCase>
grpc::Status Serve(grpc::ServerContext* context, const Request* request, Response* response, UseCase&& use_case) {
  auto caller = CallerFromContext(*context);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  ScopedWriteContext writes(WriteContextOf(*caller, *context));
  // No control or invisible characters in any text (common/text.h).
  Violations text;
  CheckText(*request, text);
  if (!text.ok()) return ToGrpcStatus(text.ToStatus());
  // A write's idempotency key counts only for this caller, this call and this content (common/idempotency.h).
  const Request* effective = request;
  std::optional<Request> scoped;
  if (HasRequestId(*request)) {
    scoped.emplace(*request);
    if (absl::Status s = ScopeRequestId(*caller, &*scoped); !s.ok()) return ToGrpcStatus(s);
    effective = &*scoped;
  }
  auto result = use_case(*caller, *effective, DeadlineOf(*context));
  if (!result.ok()) return ToGrpcStatus(result.status());
  *response = *std::move(result);
  return grpc::Status::OK;
}

}  // namespace saima

#endif  // SAIMA_COMMON_SERVE_H_
