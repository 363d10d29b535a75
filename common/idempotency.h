#ifndef SAIMA_COMMON_IDEMPOTENCY_H_
#define SAIMA_COMMON_IDEMPOTENCY_H_

// Idempotency keys (a request's `request_id`, over HTTP the `Idempotency-Key` header): a retried write returns the
// first result instead of writing twice. A client's key means something only together with who sent it, which call
// it came with and what the call asked: the services store and look up the key scoped to all three, so another
// caller's key (guessed or seen) finds nothing of theirs, and a key used again for a different request is a new
// request, authorized as any other. Serve() (common/serve.h) applies it to every request that has a `request_id`.

#include <string>

#include "absl/status/statusor.h"
#include "common/caller.h"
#include "google/protobuf/message.h"

namespace saima {

// The key to store for `request`'s client key (its `request_id` field): "k1:" and the SHA-256 of the caller, the
// request's type and its content without the key. INVALID_ARGUMENT naming request_id when the client's key is not
// 1–64 of A-Z a-z 0-9 - _ . :. `request` must have a string field `request_id`.
absl::StatusOr<std::string> ScopedRequestId(const Caller& caller, const google::protobuf::Message& request);

// `request` with its request_id replaced by the scoped key (unchanged when it has none or it is empty).
absl::Status ScopeRequestId(const Caller& caller, google::protobuf::Message* request);

}  // namespace saima

#endif  // SAIMA_COMMON_IDEMPOTENCY_H_
