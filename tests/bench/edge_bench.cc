// Benchmark of the gateway's edge (not a test: it prints figures; nothing here asserts a time).
//
// Starts the whole system on loopback (tests/e2e/system.h: PostgreSQL, the three services with mutual TLS, the
// gateway), signs in as a unit's staff and makes one project, then measures with one client, in one run:
//   1. gRPC: RegistryService/GetProject through the gateway (token verified at the edge, the call forwarded to the
//      registry, which reads PostgreSQL), beside a bare gRPC server started here that answers every call with the
//      same response bytes and does nothing else;
//   2. HTTP: GET /v1/projects/{id} through the gateway (transcoded to the same call), beside a bare cpp-httplib
//      endpoint started here that answers with the same JSON body.
// Both sides of a pair get the same client, the same concurrency and the same duration; the ratio gateway/bare
// is printed with the floor the edge issue set (0.25 over gRPC, 0.2 over HTTP).
//
// Usage: edge_bench [--seconds=5] [--concurrency=16]   (CI runs --seconds=1 to keep it from rotting)

#include <httplib.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/declare.h"
#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/caller.h"
#include "common/client.h"
#include "grpcpp/generic/async_generic_service.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/grpcpp.h"
#include "grpcpp/support/proto_buffer_writer.h"
#include "nlohmann/json.hpp"
#include "saima/registry/v1/registry.grpc.pb.h"
#include "tests/e2e/system.h"

ABSL_FLAG(double, seconds, 5, "how long each side of each pair is driven");
ABSL_FLAG(int, concurrency, 16, "calls in flight (gRPC) and connections (HTTP)");

ABSL_DECLARE_FLAG(std::string, tls_ca);
ABSL_DECLARE_FLAG(std::string, tls_cert);
ABSL_DECLARE_FLAG(std::string, tls_key);

namespace {

using Clock = std::chrono::steady_clock;
using json = nlohmann::json;

constexpr char kGetProject[] = "/saima.registry.v1.RegistryService/GetProject";

struct Rate {
  int64_t ok = 0;
  int64_t failed = 0;
  double seconds = 0;
  std::string first_failure;
  double per_second() const { return seconds > 0 ? static_cast<double>(ok) / seconds : 0; }
};

// User + system CPU seconds a process has used so far (0 for "self": this process).
double CpuSeconds(pid_t pid) {
  std::ifstream stat(pid == 0 ? std::string("/proc/self/stat") : "/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  const auto after_name = text.rfind(')');
  if (after_name == std::string::npos) return 0;
  std::istringstream fields(text.substr(after_name + 2));
  std::string field;
  double ticks = 0;
  for (int i = 3; i <= 15 && fields >> field; ++i) {
    if (i == 14 || i == 15) ticks += std::stod(field);  // utime, stime
  }
  return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
}

// CPU microseconds per call each process spent while `run` ran.
class CpuPerCall {
 public:
  explicit CpuPerCall(std::vector<std::pair<std::string, pid_t>> processes) : processes_(std::move(processes)) {
    for (const auto& [name, pid] : processes_) before_.push_back(CpuSeconds(pid));
  }
  std::string Report(int64_t calls) const {
    std::string out;
    for (size_t i = 0; i < processes_.size(); ++i) {
      const double used = CpuSeconds(processes_[i].second) - before_[i];
      absl::StrAppend(&out, i ? ", " : "", processes_[i].first, " ",
                      absl::StrFormat("%.0f", calls > 0 ? used * 1e6 / static_cast<double>(calls) : 0));
    }
    return out;
  }

 private:
  std::vector<std::pair<std::string, pid_t>> processes_;
  std::vector<double> before_;
};

// The bare gRPC server: every call, whatever its method, is answered with `answer`.
class EchoReactor final : public grpc::ServerGenericBidiReactor {
 public:
  explicit EchoReactor(const grpc::ByteBuffer& answer) : answer_(answer) { StartRead(&request_); }
  void OnReadDone(bool ok) override {
    if (!ok) return Finish(grpc::Status(grpc::StatusCode::INTERNAL, "no request"));
    StartWriteAndFinish(&answer_, grpc::WriteOptions(), grpc::Status::OK);
  }
  void OnDone() override { delete this; }

 private:
  grpc::ByteBuffer request_;
  grpc::ByteBuffer answer_;
};

class EchoService final : public grpc::CallbackGenericService {
 public:
  explicit EchoService(grpc::ByteBuffer answer) : answer_(std::move(answer)) {}
  grpc::ServerGenericBidiReactor* CreateReactor(grpc::GenericCallbackServerContext*) override {
    return new EchoReactor(answer_);
  }

 private:
  grpc::ByteBuffer answer_;
};

// Drives `concurrency` calls in flight for `seconds` (after a short warm-up) and counts the answers.
Rate DriveGrpc(const std::shared_ptr<grpc::Channel>& channel, const grpc::ByteBuffer& request,
               const std::function<void(grpc::ClientContext&)>& prepare, double seconds, int concurrency) {
  grpc::GenericStub stub(channel);
  std::atomic<int64_t> ok{0}, failed{0};
  std::mutex mu;
  std::condition_variable cv;
  int active = concurrency;
  std::string first_failure;
  const auto warm_until = Clock::now() + std::chrono::milliseconds(300);
  const auto end = warm_until + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  std::function<void()> start = [&] {
    auto context = std::make_shared<grpc::ClientContext>();
    prepare(*context);
    context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    auto in = std::make_shared<grpc::ByteBuffer>(request);
    auto out = std::make_shared<grpc::ByteBuffer>();
    stub.UnaryCall(context.get(), kGetProject, grpc::StubOptions(), in.get(), out.get(),
                   [&, context, in, out](grpc::Status status) {
                     const auto now = Clock::now();
                     if (now >= warm_until && now < end) (status.ok() ? ok : failed).fetch_add(1);
                     if (!status.ok()) {
                       std::lock_guard<std::mutex> lock(mu);
                       if (first_failure.empty()) {
                         first_failure = absl::StrCat(status.error_code(), " ", status.error_message());
                       }
                     }
                     if (now < end) return start();
                     std::lock_guard<std::mutex> lock(mu);
                     if (--active == 0) cv.notify_all();
                   });
  };
  for (int i = 0; i < concurrency; ++i) start();
  std::unique_lock<std::mutex> lock(mu);
  cv.wait(lock, [&] { return active == 0; });
  return {ok.load(), failed.load(), seconds, first_failure};
}

// `concurrency` threads, each with one kept-alive connection, GET `path` for `seconds` (after a warm-up).
Rate DriveHttp(int port, const std::string& path, const std::string& token, double seconds, int concurrency) {
  std::atomic<int64_t> ok{0}, failed{0};
  const auto warm_until = Clock::now() + std::chrono::milliseconds(300);
  const auto end = warm_until + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  std::vector<std::thread> threads;
  for (int i = 0; i < concurrency; ++i) {
    threads.emplace_back([&] {
      httplib::Client client("127.0.0.1", port);
      client.set_keep_alive(true);
      client.set_tcp_nodelay(true);
      const httplib::Headers headers = {{"Authorization", "Bearer " + token}};
      for (auto now = Clock::now(); now < end; now = Clock::now()) {
        auto res = client.Get(path.c_str(), headers);
        if (Clock::now() >= warm_until) (res && res->status == 200 ? ok : failed).fetch_add(1);
      }
    });
  }
  for (auto& t : threads) t.join();
  return {ok.load(), failed.load(), seconds, ""};
}

void Print(const char* what, const Rate& gateway, const Rate& bare, double floor, const std::string& cpu) {
  const double ratio = bare.per_second() > 0 ? gateway.per_second() / bare.per_second() : 0;
  std::printf("%-34s 网关 %9.0f 次/秒   裸服务 %9.0f 次/秒   比值 %.3f× (下限 %.2f×, %s)%s\n", what,
              gateway.per_second(), bare.per_second(), ratio, floor, ratio >= floor ? "达标" : "未达标",
              gateway.failed + bare.failed > 0
                  ? absl::StrCat("  失败: 网关 ", gateway.failed, ", 裸服务 ", bare.failed).c_str()
                  : "");
  std::printf("%-34s 每次调用的 CPU 微秒: %s\n", "", cpu.c_str());
  if (!gateway.first_failure.empty()) std::printf("%-34s 网关首个失败: %s\n", "", gateway.first_failure.c_str());
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  const double seconds = absl::GetFlag(FLAGS_seconds);
  const int concurrency = absl::GetFlag(FLAGS_concurrency);

  saima::testing::System system;
  if (!system.WaitHealthy(60)) {
    std::fprintf(stderr, "the system did not become healthy; logs in %s\n", system.log_dir().c_str());
    return 1;
  }
  const std::string token = system.token("unit");
  httplib::Client client("127.0.0.1", system.http_port());
  const json unit = {
      {"unitId", "331181001"}, {"name", "龙渊街道"}, {"type", "UNIT_TYPE_SUBDISTRICT"}, {"regionCode", "331181"}};
  auto unit_made =
      client.Post("/v1/units", {{"Authorization", "Bearer " + system.token("admin")}}, unit.dump(), "application/json");
  if (!unit_made || unit_made->status != 200) {
    std::fprintf(stderr, "cannot make the unit: %s\n", unit_made ? unit_made->body.c_str() : "no answer");
    return 1;
  }
  const json project = {{"projectCode", "2023-331181-04-01-800001"},
                        {"name", "基准测试项目"},
                        {"unitId", "331181001"},
                        {"industryCode", "2720"},
                        {"constructionNature", "CONSTRUCTION_NATURE_NEW"},
                        {"ownership", "OWNERSHIP_PRIVATE"},
                        {"stage", "PROJECT_STAGE_PLANNING"},
                        {"planningYear", 2023},
                        {"plannedTotalInvestmentYuan", "60000000"}};
  auto made = client.Post("/v1/projects", {{"Authorization", "Bearer " + token}}, project.dump(), "application/json");
  if (!made || made->status != 200) {
    std::fprintf(stderr, "cannot make the project: %s\n", made ? made->body.c_str() : "no answer");
    return 1;
  }
  const std::string project_id = json::parse(made->body)["project"]["projectId"];
  const std::string path = "/v1/projects/" + project_id;

  // What the gateway answers, in both forms: the bare servers answer with the same bytes.
  saima::registry::v1::GetProjectRequest request_message;
  request_message.set_project_id(std::stoll(project_id));
  grpc::ByteBuffer request;
  bool own = false;
  (void)grpc::SerializationTraits<google::protobuf::Message>::Serialize(request_message, &request, &own);
  auto gateway_channel = saima::MakePublicChannel(system.gateway_grpc(), "");
  grpc::ByteBuffer answer;
  {
    grpc::GenericStub stub(gateway_channel);
    grpc::ClientContext context;
    context.AddMetadata("authorization", "Bearer " + token);
    std::mutex mu;
    std::condition_variable cv;
    bool done = false;
    grpc::Status status;
    stub.UnaryCall(&context, kGetProject, grpc::StubOptions(), &request, &answer, [&](grpc::Status s) {
      std::lock_guard<std::mutex> lock(mu);
      status = s;
      done = true;
      cv.notify_all();
    });
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] { return done; });
    if (!status.ok()) {
      std::fprintf(stderr, "GetProject through the gateway failed: %s\n", status.error_message().c_str());
      return 1;
    }
  }
  auto body = client.Get(path.c_str(), {{"Authorization", "Bearer " + token}});
  if (!body || body->status != 200) {
    std::fprintf(stderr, "GET %s failed\n", path.c_str());
    return 1;
  }

  EchoService echo(answer);
  grpc::ServerBuilder builder;
  int echo_port = 0;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &echo_port);
  builder.RegisterCallbackGenericService(&echo);
  std::unique_ptr<grpc::Server> echo_server = builder.BuildAndStart();
  auto echo_channel = saima::MakePublicChannel(absl::StrCat("127.0.0.1:", echo_port), "");

  httplib::Server bare_http;
  const std::string json_body = body->body;
  bare_http.set_tcp_nodelay(true);
  bare_http.new_task_queue = [concurrency] { return new httplib::ThreadPool(concurrency); };
  bare_http.Get(R"(/v1/projects/(\d+))", [&json_body](const httplib::Request&, httplib::Response& res) {
    res.set_content(json_body, "application/json");
  });
  const int bare_port = bare_http.bind_to_any_port("127.0.0.1");
  std::thread bare_thread([&bare_http] { bare_http.listen_after_bind(); });
  while (!bare_http.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(5));

  std::printf("网关基准测试: 每项 %.1f 秒, 并发 %d, 同一客户端; GetProject 应答 %zu 字节, JSON %zu 字节\n", seconds,
              concurrency, answer.Length(), json_body.size());
  auto with_token = [&token](grpc::ClientContext& context) { context.AddMetadata("authorization", "Bearer " + token); };
  const std::vector<std::pair<std::string, pid_t>> processes = {
      {"网关", system.process("gateway").pid()}, {"注册服务", system.process("registry").pid()}, {"客户端与裸服务", 0}};
  const Rate bare_grpc = DriveGrpc(echo_channel, request, with_token, seconds, concurrency);
  const CpuPerCall grpc_cpu(processes);
  const Rate gateway_grpc = DriveGrpc(gateway_channel, request, with_token, seconds, concurrency);
  Print("gRPC GetProject", gateway_grpc, bare_grpc, 0.25, grpc_cpu.Report(gateway_grpc.ok + gateway_grpc.failed));
  // For the reading of the figures: the registry alone, called as the gateway calls it (mutual TLS, the caller in
  // metadata), shows what of the gateway's figure is the registry's.
  absl::SetFlag(&FLAGS_tls_ca, system.tls_dir() + "/ca.crt");
  absl::SetFlag(&FLAGS_tls_cert, system.tls_dir() + "/gateway.crt");
  absl::SetFlag(&FLAGS_tls_key, system.tls_dir() + "/gateway.key");
  const saima::Caller staff("staff-1", "unit_staff", "331181001");
  const Rate registry_grpc = DriveGrpc(
      saima::MakeChannel(system.registry_address()), request,
      [&staff](grpc::ClientContext& context) { saima::AttachCaller(staff, "bench", context); }, seconds, concurrency);
  std::printf("%-34s 注册服务直连 %9.0f 次/秒 (网关之后的部分)\n", "", registry_grpc.per_second());
  const Rate bare_rest = DriveHttp(bare_port, path, token, seconds, concurrency);
  const CpuPerCall http_cpu(processes);
  const Rate gateway_rest = DriveHttp(system.http_port(), path, token, seconds, concurrency);
  Print("HTTP GET /v1/projects/{id}", gateway_rest, bare_rest, 0.2,
        http_cpu.Report(gateway_rest.ok + gateway_rest.failed));

  bare_http.stop();
  bare_thread.join();
  echo_server->Shutdown();
  const bool failures = gateway_grpc.failed + bare_grpc.failed + gateway_rest.failed + bare_rest.failed > 0;
  return failures ? 1 : 0;
}
