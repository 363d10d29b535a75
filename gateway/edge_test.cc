// A new annotated RPC needs no gateway code: a service that exists only in this test (testdata/saima/test/v1/
// echo.proto) is served by the gateway's real edges, assembled as saima-gateway assembles them, over real gRPC
// and real HTTP on loopback. Its bindings route and transcode (path variables, a custom verb, a body field, query
// parameters, enums, int64 as strings), its access is enforced, its client stream is forwarded, its errors reach
// HTTP clients as 400 with field violations and a Chinese message, its service has a health status, and the
// OpenAPI description lists it. Unknown routes get 404, wrong methods 405 with Allow.

#include "gateway/edge.h"

#include <httplib.h>

#include <atomic>

#include "absl/strings/str_cat.h"
#include "common/server.h"
#include "common/status.h"
#include "gateway/backends.h"
#include "gateway/gateway.h"
#include "gateway/http_edge.h"
#include "gateway/http_server.h"
#include "gateway/identity.h"
#include "gateway/openapi.h"
#include "gateway/routes.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "proto/proto_files.h"
#include "saima/test/v1/echo.grpc.pb.h"

namespace saima::gateway {
namespace {

namespace pb = ::saima::test::v1;
using json = nlohmann::json;

// The backend: plain generated gRPC code, as any service of Saima is written.
class EchoService final : public pb::EchoService::Service {
 public:
  grpc::Status GetEcho(grpc::ServerContext*, const pb::GetEchoRequest* q, pb::Echo* out) override {
    ++calls;
    if (q->name() == "bad") {
      return ToGrpcStatus(InvalidField("name", "must not be 'bad'", "名字不能是“bad”"));
    }
    for (int i = 0; i < std::max(1, q->times()); ++i) out->mutable_text()->append(q->name());
    out->set_tone(q->tone());
    out->set_total(int64_t{1} << 60);
    return grpc::Status::OK;
  }
  grpc::Status Shout(grpc::ServerContext*, const pb::ShoutRequest* q, pb::Echo* out) override {
    ++calls;
    out->set_text(absl::StrCat(q->name(), "!", q->loudness().decibels()));
    return grpc::Status::OK;
  }
  grpc::Status GetSecret(grpc::ServerContext*, const pb::GetEchoRequest* q, pb::Echo* out) override {
    ++calls;
    out->set_text(q->name());
    return grpc::Status::OK;
  }
  grpc::Status Sum(grpc::ServerContext*, grpc::ServerReader<pb::SumRequest>* reader, pb::Echo* out) override {
    ++calls;
    pb::SumRequest item;
    while (reader->Read(&item)) out->set_total(out->total() + item.value());
    return grpc::Status::OK;
  }
  std::atomic<int> calls{0};
};

std::vector<std::string> Contracts() {
  std::vector<std::string> files = ProtoFiles();
  files.push_back("saima/test/v1/echo.proto");
  return files;
}

class EdgeTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    // Force-link the test contract into the generated pool.
    (void)pb::Echo::descriptor();
    auto routes = RouteTable::Build(Contracts());
    ASSERT_TRUE(routes.ok()) << routes.status();
    routes_ = new RouteTable(*std::move(routes));

    echo_ = new EchoService;
    ServerOptions echo_options;
    echo_options.binary_name = "echo";
    echo_options.listen_address = "127.0.0.1:0";
    auto echo_server = StartServer(echo_options, {echo_});
    ASSERT_TRUE(echo_server.ok()) << echo_server.status();
    echo_server_ = echo_server->release();

    // No registry: tokens cannot be checked, so the edge fails closed; anonymous calls need none.
    backends_ = new Backends({{"echo", absl::StrCat("127.0.0.1:", echo_server_->port())},
                              {"registry", "127.0.0.1:1"},
                              {"stats", "127.0.0.1:1"},
                              {"scoring", "127.0.0.1:1"}});
    gateway_ = new Gateway(*backends_, ReportSettings{});
    local_ = new LocalMethods;
    gateway_->RegisterMethods(*local_);
    ASSERT_TRUE(CheckServed(*routes_, *local_, *backends_).ok());
    identities_ = new Identities(backends_->channel("registry"), nullptr);
    pool_ = new WorkPool(4);
    parts_ = new EdgeParts{routes_, backends_, identities_, local_, pool_};
    grpc_edge_ = new GrpcEdge(*parts_);
    ServerOptions options;
    options.binary_name = "edge";
    options.listen_address = "127.0.0.1:0";
    options.public_side = true;
    options.generic_service = grpc_edge_;
    options.service_names = routes_->PublicServices();
    auto server = StartServer(options, {});
    ASSERT_TRUE(server.ok()) << server.status();
    edge_server_ = server->release();

    http_edge_ = new HttpEdge(*parts_, *gateway_, nullptr, sdmx::Settings{}, "");
    HttpServerOptions http_options;
    http_options.listen = "127.0.0.1:0";
    http_options.threads = 2;
    auto http = HttpServer::Start(
        http_options,
        [](HttpRequest* request, HttpResponse* response) { return http_edge_->Precheck(request, response); },
        [](const HttpRequest& request, HttpResponse* response) { http_edge_->Handle(request, response); });
    ASSERT_TRUE(http.ok()) << http.status();
    http_ = http->release();
  }

  static void TearDownTestSuite() {
    http_->Stop();
    delete http_;
    edge_server_->Shutdown();
    delete edge_server_;
    delete http_edge_;
    delete grpc_edge_;
    delete parts_;
    delete pool_;
    delete identities_;
    delete local_;
    delete gateway_;
    delete backends_;
    echo_server_->Shutdown();
    delete echo_server_;
    delete echo_;
    delete routes_;
  }

  static std::pair<int, httplib::Result> Http(const std::string& method, const std::string& path,
                                              const std::string& body = "") {
    httplib::Client client("127.0.0.1", http_->port());
    httplib::Result res = method == "GET"      ? client.Get(path.c_str())
                          : method == "DELETE" ? client.Delete(path.c_str())
                                               : client.Post(path.c_str(), body, "application/json");
    const int status = res ? res->status : 0;
    return {status, std::move(res)};
  }

  static pb::EchoService::Stub Stub() {
    return pb::EchoService::Stub(
        grpc::CreateChannel(absl::StrCat("127.0.0.1:", edge_server_->port()), grpc::InsecureChannelCredentials()));
  }

  static RouteTable* routes_;
  static EchoService* echo_;
  static RunningServer* echo_server_;
  static Backends* backends_;
  static Gateway* gateway_;
  static LocalMethods* local_;
  static Identities* identities_;
  static WorkPool* pool_;
  static EdgeParts* parts_;
  static GrpcEdge* grpc_edge_;
  static RunningServer* edge_server_;
  static HttpEdge* http_edge_;
  static HttpServer* http_;
};

RouteTable* EdgeTest::routes_ = nullptr;
EchoService* EdgeTest::echo_ = nullptr;
RunningServer* EdgeTest::echo_server_ = nullptr;
Backends* EdgeTest::backends_ = nullptr;
Gateway* EdgeTest::gateway_ = nullptr;
LocalMethods* EdgeTest::local_ = nullptr;
Identities* EdgeTest::identities_ = nullptr;
WorkPool* EdgeTest::pool_ = nullptr;
EdgeParts* EdgeTest::parts_ = nullptr;
GrpcEdge* EdgeTest::grpc_edge_ = nullptr;
RunningServer* EdgeTest::edge_server_ = nullptr;
HttpEdge* EdgeTest::http_edge_ = nullptr;
HttpServer* EdgeTest::http_ = nullptr;

TEST_F(EdgeTest, TheNewServiceIsInTheRouteTable) {
  const Rpc* echo = routes_->FindPublicRpc("/saima.test.v1.EchoService/GetEcho");
  ASSERT_NE(echo, nullptr);
  EXPECT_EQ(echo->backend, "echo");
  EXPECT_EQ(AccessKind(echo->access), "anonymous");
  auto resolved = routes_->Resolve("POST", "/v1/test/echoes/li:shout");
  ASSERT_NE(resolved.route, nullptr);
  EXPECT_EQ(resolved.route->rpc->method->name(), "Shout");
  ASSERT_EQ(resolved.bindings.size(), 1u);
  EXPECT_EQ(resolved.bindings[0], std::make_pair(std::string("name"), std::string("li")));
}

TEST_F(EdgeTest, HttpIsTranscodedBothWays) {
  auto [status, res] = Http("GET", "/v1/test/echoes/%E5%BC%A0?times=2&tone=TONE_LOUD");
  ASSERT_EQ(status, 200) << (res ? res->body : "");
  const json body = json::parse(res->body);
  EXPECT_EQ(body["text"], "张张");
  EXPECT_EQ(body["tone"], "TONE_LOUD");
  EXPECT_EQ(body["total"], "1152921504606846976");  // int64 as a string, as protobuf's JSON mapping says
  EXPECT_EQ(res->get_header_value("Content-Type").find("application/json"), 0u);

  auto [shout, shouted] = Http("POST", "/v1/test/echoes/li:shout", R"({"decibels": 90})");
  ASSERT_EQ(shout, 200) << (shouted ? shouted->body : "");
  EXPECT_EQ(json::parse(shouted->body)["text"], "li!90");
}

TEST_F(EdgeTest, BadInputIsRefusedWithTheFieldAndAChineseMessage) {
  // The service's own refusal, passed on.
  auto [status, res] = Http("GET", "/v1/test/echoes/bad");
  ASSERT_EQ(status, 400);
  const json body = json::parse(res->body);
  bool field = false, chinese = false;
  for (const auto& d : body["details"]) {
    for (const auto& v : d.value("fieldViolations", json::array())) field = field || v["field"] == "name";
    chinese = chinese || (d.value("locale", "") == "zh-CN" && d.value("message", "").find("bad") != std::string::npos);
  }
  EXPECT_TRUE(field) << body.dump();
  EXPECT_TRUE(chinese) << body.dump();
  // The edge's refusal of what cannot be the request: not a number, not a value of the enum, not JSON.
  const int calls = echo_->calls.load();
  EXPECT_EQ(Http("GET", "/v1/test/echoes/li?times=many").first, 400);
  EXPECT_EQ(Http("GET", "/v1/test/echoes/li?tone=TONE_SHRILL").first, 400);
  EXPECT_EQ(Http("GET", "/v1/test/echoes/li?colour=red").first, 400);
  EXPECT_EQ(Http("POST", "/v1/test/echoes/li:shout", "{not json").first, 400);
  EXPECT_EQ(echo_->calls.load(), calls) << "a request the edge refused reached the service";
}

TEST_F(EdgeTest, UnknownRoutesAre404AndWrongMethods405WithAllow) {
  auto [missing, res] = Http("GET", "/v1/test/nothing");
  EXPECT_EQ(missing, 404);
  EXPECT_TRUE(json::parse(res->body).contains("message")) << res->body;
  auto [wrong, wrong_res] = Http("DELETE", "/v1/test/echoes/li");
  EXPECT_EQ(wrong, 405);
  EXPECT_EQ(wrong_res->get_header_value("Allow"), "GET");
}

TEST_F(EdgeTest, AccessIsEnforcedBeforeTheServiceIsCalled) {
  const int calls = echo_->calls.load();
  EXPECT_EQ(Http("GET", "/v1/test/secrets/x").first, 401);
  auto stub = Stub();
  grpc::ClientContext context;
  pb::GetEchoRequest request;
  request.set_name("x");
  pb::Echo out;
  EXPECT_EQ(stub.GetSecret(&context, request, &out).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  // A token nobody can vouch for (no registry here): refused as unavailable, never let through.
  httplib::Client client("127.0.0.1", http_->port());
  auto res = client.Get("/v1/test/secrets/x", {{"Authorization", "Bearer a.b.c"}});
  ASSERT_TRUE(res);
  EXPECT_TRUE(res->status == 401 || res->status == 503) << res->status;
  EXPECT_EQ(echo_->calls.load(), calls);
}

TEST_F(EdgeTest, GrpcCallsAreForwardedUnaryAndClientStreaming) {
  auto stub = Stub();
  {
    grpc::ClientContext context;
    pb::GetEchoRequest request;
    request.set_name("王");
    request.set_times(3);
    pb::Echo out;
    ASSERT_TRUE(stub.GetEcho(&context, request, &out).ok());
    EXPECT_EQ(out.text(), "王王王");
  }
  {
    grpc::ClientContext context;
    pb::Echo out;
    auto writer = stub.Sum(&context, &out);
    for (int64_t v : {int64_t{1}, int64_t{2}, int64_t{3}, int64_t{1} << 40}) {
      pb::SumRequest item;
      item.set_value(v);
      ASSERT_TRUE(writer->Write(item));
    }
    writer->WritesDone();
    ASSERT_TRUE(writer->Finish().ok());
    EXPECT_EQ(out.total(), 6 + (int64_t{1} << 40));
  }
  // Its service has a health status of its own.
  grpc::ClientContext context;
  grpc::health::v1::HealthCheckRequest request;
  request.set_service("saima.test.v1.EchoService");
  grpc::health::v1::HealthCheckResponse health;
  auto channel =
      grpc::CreateChannel(absl::StrCat("127.0.0.1:", edge_server_->port()), grpc::InsecureChannelCredentials());
  ASSERT_TRUE(grpc::health::v1::Health::NewStub(channel)->Check(&context, request, &health).ok());
  EXPECT_EQ(health.status(), grpc::health::v1::HealthCheckResponse::SERVING);
}

TEST_F(EdgeTest, TheOpenApiDescriptionListsTheNewRoutes) {
  auto document = OpenApiDocument(*routes_, "", "test");
  ASSERT_TRUE(document.ok()) << document.status();
  const json& paths = (*document)["paths"];
  ASSERT_TRUE(paths.contains("/v1/test/echoes/{name}")) << paths.dump().substr(0, 500);
  EXPECT_TRUE(paths["/v1/test/echoes/{name}"].contains("get"));
  EXPECT_TRUE(paths.contains("/v1/test/echoes/{name}:shout"));
  EXPECT_NE((*document).dump().find("大声"), std::string::npos) << "the enum's display names";
}

}  // namespace
}  // namespace saima::gateway

namespace saima::gateway {
namespace {

TEST(ClientAddressTest, ThePeersIpOrWhatATrustedProxySays) {
  EXPECT_EQ(ClientAddress("ipv4:10.0.0.7:51234", "", {}), "10.0.0.7");
  EXPECT_EQ(ClientAddress("ipv6:[::1]:51234", "", {}), "::1");
  EXPECT_EQ(ClientAddress("10.0.0.7", "203.0.113.9", {}), "10.0.0.7") << "no proxy trusted";
  EXPECT_EQ(ClientAddress("10.0.0.7", "203.0.113.9", {"10.0.0.7"}), "203.0.113.9");
  EXPECT_EQ(ClientAddress("ipv4:10.89.0.12:4000", "203.0.113.9", {"10.0.0.0/8"}), "203.0.113.9");
  EXPECT_EQ(ClientAddress("ipv4:11.0.0.1:4000", "203.0.113.9", {"10.0.0.0/8"}), "11.0.0.1");
  EXPECT_EQ(ClientAddress("10.0.0.7", "not an address", {"10.0.0.7"}), "10.0.0.7");
  EXPECT_EQ(ClientAddress("ipv6:[fd00::5]:1", "2001:db8::1", {"fd00::/8"}), "2001:db8::1");
}

}  // namespace
}  // namespace saima::gateway
