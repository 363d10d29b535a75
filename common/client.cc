#include "common/client.h"

#include "common/tls.h"

namespace saima {

namespace {

// Reconnect quickly after the other side restarts (backoff 100 ms up to 2 s); large replies allowed.
grpc::ChannelArguments ChannelArgs() {
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 2000);
  args.SetMaxReceiveMessageSize(64 * 1024 * 1024);
  return args;
}

}  // namespace

std::shared_ptr<grpc::Channel> MakeChannel(const std::string& address) {
  return grpc::CreateCustomChannel(address, PeerChannelCredentials(), ChannelArgs());
}

std::shared_ptr<grpc::Channel> MakePublicChannel(const std::string& address, const std::string& ca_file) {
  return grpc::CreateCustomChannel(address, PublicChannelCredentials(ca_file), ChannelArgs());
}

std::unique_ptr<grpc::ClientContext> DownstreamContext(const grpc::ServerContext* incoming, const Caller& caller,
                                                       const std::string& request_id,
                                                       std::chrono::milliseconds max_timeout) {
  std::unique_ptr<grpc::ClientContext> context;
  const auto cap = std::chrono::system_clock::now() + max_timeout;
  if (incoming != nullptr) {
    context = grpc::ClientContext::FromServerContext(*incoming);
    if (incoming->deadline() > cap) context->set_deadline(cap);
  } else {
    context = std::make_unique<grpc::ClientContext>();
    context->set_deadline(cap);
  }
  AttachCaller(caller, request_id, *context);
  return context;
}

std::unique_ptr<grpc::ClientContext> CallContext(std::chrono::milliseconds timeout) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(std::chrono::system_clock::now() + timeout);
  return context;
}

}  // namespace saima
