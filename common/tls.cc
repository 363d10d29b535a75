#include "common/tls.h"

#include <fstream>
#include <sstream>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "grpcpp/security/auth_context.h"

ABSL_FLAG(std::string, tls_ca, "", "mutual TLS: the project CA's certificate (PEM)");
ABSL_FLAG(std::string, tls_cert, "", "mutual TLS: this process's certificate (PEM), signed by the project CA");
ABSL_FLAG(std::string, tls_key, "", "mutual TLS: this process's private key (PEM)");
ABSL_FLAG(bool, insecure_plaintext, false, "development only: talk to peers without TLS");
ABSL_FLAG(std::string, public_tls_cert, "", "gateway: certificate (PEM) for HTTPS and gRPC over TLS to clients");
ABSL_FLAG(std::string, public_tls_key, "", "gateway: private key (PEM) of --public_tls_cert");

namespace saima {
namespace {

std::string Read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

bool Readable(const std::string& path) { return !path.empty() && std::ifstream(path).good(); }

constexpr const char* kTrustedPeers[] = {"saima-gateway", "saima-registry", "saima-stats", "saima-scoring"};

}  // namespace

bool InternalTlsEnabled() { return !absl::GetFlag(FLAGS_tls_cert).empty(); }

absl::Status CheckTransportSecurity() {
  if (!InternalTlsEnabled()) {
    if (absl::GetFlag(FLAGS_insecure_plaintext)) return absl::OkStatus();
    return absl::FailedPreconditionError(
        "plaintext between processes is refused: set --tls_ca, --tls_cert and --tls_key (deploy/tls/make-certs.sh), "
        "or --insecure_plaintext for development");
  }
  for (const auto& [flag, path] : {std::pair{"--tls_ca", absl::GetFlag(FLAGS_tls_ca)},
                                   {"--tls_cert", absl::GetFlag(FLAGS_tls_cert)},
                                   {"--tls_key", absl::GetFlag(FLAGS_tls_key)}}) {
    if (!Readable(path)) return absl::FailedPreconditionError(absl::StrCat(flag, " names no readable file: ", path));
  }
  return absl::OkStatus();
}

std::shared_ptr<grpc::ChannelCredentials> PeerChannelCredentials() {
  if (!InternalTlsEnabled()) return grpc::InsecureChannelCredentials();
  grpc::SslCredentialsOptions options;
  options.pem_root_certs = Read(absl::GetFlag(FLAGS_tls_ca));
  options.pem_cert_chain = Read(absl::GetFlag(FLAGS_tls_cert));
  options.pem_private_key = Read(absl::GetFlag(FLAGS_tls_key));
  return grpc::SslCredentials(options);
}

std::shared_ptr<grpc::ServerCredentials> PeerServerCredentials() {
  if (!InternalTlsEnabled()) return grpc::InsecureServerCredentials();
  grpc::SslServerCredentialsOptions options(GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  options.pem_root_certs = Read(absl::GetFlag(FLAGS_tls_ca));
  options.pem_key_cert_pairs.push_back({Read(absl::GetFlag(FLAGS_tls_key)), Read(absl::GetFlag(FLAGS_tls_cert))});
  return grpc::SslServerCredentials(options);
}

std::shared_ptr<grpc::ChannelCredentials> PublicChannelCredentials(const std::string& ca_file) {
  if (ca_file.empty()) return grpc::InsecureChannelCredentials();
  grpc::SslCredentialsOptions options;
  options.pem_root_certs = Read(ca_file);
  return grpc::SslCredentials(options);
}

bool PublicTlsEnabled() { return !absl::GetFlag(FLAGS_public_tls_cert).empty(); }
std::string PublicTlsCertFile() { return absl::GetFlag(FLAGS_public_tls_cert); }
std::string PublicTlsKeyFile() { return absl::GetFlag(FLAGS_public_tls_key); }

std::shared_ptr<grpc::ServerCredentials> PublicServerCredentials() {
  if (!PublicTlsEnabled()) return grpc::InsecureServerCredentials();
  grpc::SslServerCredentialsOptions options(GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE);
  options.pem_key_cert_pairs.push_back({Read(PublicTlsKeyFile()), Read(PublicTlsCertFile())});
  return grpc::SslServerCredentials(options);
}

absl::StatusOr<std::string> CheckPeerMayAssertIdentity(const grpc::ServerContext& context) {
  if (!InternalTlsEnabled()) return std::string();
  const auto auth = context.auth_context();
  if (auth == nullptr || !auth->IsPeerAuthenticated()) {
    return absl::UnauthenticatedError("caller identity is accepted only over mutual TLS");
  }
  for (const auto& name : auth->FindPropertyValues("x509_common_name")) {
    const std::string cn(name.data(), name.size());
    for (const char* trusted : kTrustedPeers) {
      if (cn == trusted) return cn;
    }
    return absl::UnauthenticatedError(
        absl::StrCat("certificate ", cn, " may not assert a caller identity (only the gateway and the services)"));
  }
  return absl::UnauthenticatedError("the peer's certificate names no one");
}

}  // namespace saima
