// Mutual TLS between the processes (as in the demo and the containers): a service cannot be reached without a
// certificate of the project CA, and only the gateway's and the services' certificates may assert who calls.

#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "common/caller.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "saima/registry/v1/registry.grpc.pb.h"
#include "tests/e2e/system.h"
#include "tests/pg_harness.h"

namespace saima::testing {
namespace {

namespace reg = ::saima::registry::v1;

std::string Read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

class TlsEndToEndTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    system_ = new System();
    ASSERT_TRUE(system_->WaitHealthy(30));
  }
  static void TearDownTestSuite() { delete system_; }

  // ListUnits on the registry with `credentials`, asserting a caller in metadata as the gateway would.
  static grpc::Status ListUnits(const std::shared_ptr<grpc::ChannelCredentials>& credentials) {
    grpc::ChannelArguments args;
    args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 200);
    auto stub =
        reg::RegistryService::NewStub(grpc::CreateCustomChannel(system_->registry_address(), credentials, args));
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(3));
    AttachCaller(Caller("admin-1", kRoleAdmin, ""), "tls-test", context);
    reg::ListUnitsRequest request;
    reg::ListUnitsResponse response;
    return stub->ListUnits(&context, request, &response);
  }

  static std::shared_ptr<grpc::ChannelCredentials> WithCertificate(const std::string& dir, const std::string& name) {
    grpc::SslCredentialsOptions options;
    options.pem_root_certs = Read(system_->tls_dir() + "/ca.crt");
    if (!name.empty()) {
      options.pem_cert_chain = Read(dir + "/" + name + ".crt");
      options.pem_private_key = Read(dir + "/" + name + ".key");
    }
    return grpc::SslCredentials(options);
  }

  static inline System* system_ = nullptr;
};

TEST_F(TlsEndToEndTest, OnlySaimasOwnCertificatesReachAService) {
  // The gateway's certificate: served.
  grpc::Status gateway = ListUnits(WithCertificate(system_->tls_dir(), "gateway"));
  EXPECT_TRUE(gateway.ok()) << gateway.error_message();

  // Plaintext: refused by the TLS handshake.
  EXPECT_EQ(ListUnits(grpc::InsecureChannelCredentials()).error_code(), grpc::StatusCode::UNAVAILABLE);
  // TLS without a client certificate: refused.
  EXPECT_EQ(ListUnits(WithCertificate(system_->tls_dir(), "")).error_code(), grpc::StatusCode::UNAVAILABLE);
  // A certificate of another CA, even named like the gateway: refused.
  const std::string other = system_->log_dir() + "/other-ca";
  ASSERT_EQ(
      saima::testing::Run(absl::StrCat("bash ", SAIMA_SOURCE_DIR, "/deploy/tls/make-certs.sh ", other, " >/dev/null")),
      0);
  EXPECT_EQ(ListUnits(WithCertificate(other, "gateway")).error_code(), grpc::StatusCode::UNAVAILABLE);
  // The project CA's certificate of something that is not Saima's gateway or a service: connected, but it may not
  // say who is calling.
  grpc::Status intruder = ListUnits(WithCertificate(system_->tls_dir(), "intruder"));
  EXPECT_EQ(intruder.error_code(), grpc::StatusCode::UNAUTHENTICATED) << intruder.error_message();
  EXPECT_NE(intruder.error_message().find("saima-intruder"), std::string::npos) << intruder.error_message();
}

}  // namespace
}  // namespace saima::testing
