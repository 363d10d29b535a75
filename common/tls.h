#ifndef SAIMA_COMMON_TLS_H_
#define SAIMA_COMMON_TLS_H_

// Mutual TLS between Saima's processes. Each process holds a certificate from the project CA
// (deploy/tls/make-certs.sh) named by --tls_ca, --tls_cert and --tls_key: services accept only callers that
// present such a certificate, and take the caller's identity from metadata only when the certificate names the
// gateway or a peer service. Plaintext is refused unless --insecure_plaintext says so (development only).

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server_context.h"

namespace saima {

// True when --tls_cert is set: the process talks mutual TLS to its peers.
bool InternalTlsEnabled();

// At start-up of a binary that serves or calls peers: OK when TLS is configured and its files are readable, or
// when --insecure_plaintext allows plaintext; otherwise FAILED_PRECONDITION saying what to set.
absl::Status CheckTransportSecurity();

// Credentials for calls to peers, and for serving peers (client certificates required and verified).
std::shared_ptr<grpc::ChannelCredentials> PeerChannelCredentials();
std::shared_ptr<grpc::ServerCredentials> PeerServerCredentials();

// How the gateway's clients (saimactl) reach its public side: TLS checked against `ca_file` when given, else
// plaintext.
std::shared_ptr<grpc::ChannelCredentials> PublicChannelCredentials(const std::string& ca_file);

// The gateway's public side: server TLS from --public_tls_cert and --public_tls_key when set, else plaintext
// (clients authenticate with bearer tokens).
bool PublicTlsEnabled();
std::shared_ptr<grpc::ServerCredentials> PublicServerCredentials();
std::string PublicTlsCertFile();
std::string PublicTlsKeyFile();

// The peer's name when the call may carry a caller identity: the certificate names the gateway or a service (CN
// saima-gateway, saima-registry, saima-stats, saima-scoring); "" when TLS is off (development). UNAUTHENTICATED
// otherwise.
absl::StatusOr<std::string> CheckPeerMayAssertIdentity(const grpc::ServerContext& context);

}  // namespace saima

#endif  // SAIMA_COMMON_TLS_H_
