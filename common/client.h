#ifndef SAIMA_COMMON_CLIENT_H_
#define SAIMA_COMMON_CLIENT_H_

// Outgoing gRPC calls: one long-lived channel per backend, and call contexts that always carry a deadline,
// the caller and the request id.

#include <chrono>
#include <memory>
#include <string>

#include "common/caller.h"
#include "grpcpp/grpcpp.h"

namespace saima {

// A channel to a peer (a service, or the gateway from a service) that reconnects quickly after it restarts
// (backoff 100 ms up to 2 s); mutual TLS with this process's certificate when configured (common/tls.h).
std::shared_ptr<grpc::Channel> MakeChannel(const std::string& address);

// A channel to the gateway's public side, as its clients (saimactl) reach it: TLS checked against `ca_file`
// when given, else plaintext.
std::shared_ptr<grpc::Channel> MakePublicChannel(const std::string& address, const std::string& ca_file);

// A context for a downstream call made while serving `incoming`: the deadline is the incoming one (capped at
// `max_timeout`), cancellation propagates, and the caller and request id travel along.
std::unique_ptr<grpc::ClientContext> DownstreamContext(const grpc::ServerContext* incoming, const Caller& caller,
                                                       const std::string& request_id,
                                                       std::chrono::milliseconds max_timeout);

// A context for a call made outside any incoming call (clients, background work).
std::unique_ptr<grpc::ClientContext> CallContext(std::chrono::milliseconds timeout);

}  // namespace saima

#endif  // SAIMA_COMMON_CLIENT_H_
