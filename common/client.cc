#include "common/client.h"

#include <fstream>
#include <sstream>

#include "common/tls.h"

namespace saima {

std::shared_ptr<grpc::Channel> MakeChannel(const std::string& address) {
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 2000);
  args.SetMaxReceiveMessageSize(64 * 1024 * 1024);
  return grpc::CreateCustomChannel(address, PeerChannelCredentials(), args);
}

std::shared_ptr<grpc::Channel> MakePublicChannel(const std::string& address, const std::string& ca_file) {
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 2000);
  args.SetMaxReceiveMessageSize(64 * 1024 * 1024);
  if (ca_file.empty()) return grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args);
  std::ifstream in(ca_file, std::ios::binary);
  std::stringstream pem;
  pem << in.rdbuf();
  grpc::SslCredentialsOptions options;
  options.pem_root_certs = pem.str();
  return grpc::CreateCustomChannel(address, grpc::SslCredentials(options), args);
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
