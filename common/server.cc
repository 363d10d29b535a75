#include "common/server.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <thread>

#include "absl/container/flat_hash_set.h"
#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "common/ops.h"
#include "common/reflection.h"
#include "common/tls.h"
#include "google/protobuf/descriptor.h"
#include "grpc/grpc.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/support/server_interceptor.h"
#include "spdlog/pattern_formatter.h"
#include "spdlog/sinks/base_sink.h"
#include "spdlog/sinks/stdout_color_sinks.h"
#include "spdlog/spdlog.h"

namespace saima {
namespace {

std::string MetadataValue(std::multimap<grpc::string_ref, grpc::string_ref>* metadata, const char* key) {
  if (metadata == nullptr) return "";
  auto it = metadata->find(key);
  if (it == metadata->end()) return "";
  return std::string(it->second.data(), it->second.size());
}

// Writes one access log line per call: method, status, duration, request id and caller.
class AccessLogInterceptor : public grpc::experimental::Interceptor {
 public:
  explicit AccessLogInterceptor(grpc::experimental::ServerRpcInfo* info)
      : method_(KnownMethod(info->method())), type_(TypeOf(info->type())), start_(absl::Now()) {}

  static const char* TypeOf(grpc::experimental::ServerRpcInfo::Type type) {
    switch (type) {
      case grpc::experimental::ServerRpcInfo::Type::CLIENT_STREAMING:
        return "client_stream";
      case grpc::experimental::ServerRpcInfo::Type::SERVER_STREAMING:
        return "server_stream";
      case grpc::experimental::ServerRpcInfo::Type::BIDI_STREAMING:
        return "bidi_stream";
      default:
        return "unary";
    }
  }

  // Metric labels are methods of the contracts only: a client naming a million methods adds one label.
  static std::string KnownMethod(const char* method) {
    static absl::Mutex mu;
    static auto* known = new absl::flat_hash_set<std::string>();  // methods of the contracts seen so far
    std::string name = method != nullptr ? method : "";
    {
      absl::ReaderMutexLock lock(&mu);
      if (known->contains(name)) return name;
    }
    if (name.size() > 1 && name[0] == '/') {
      std::string dotted = name.substr(1);
      const auto slash = dotted.find('/');
      if (slash != std::string::npos) dotted[slash] = '.';
      if (google::protobuf::DescriptorPool::generated_pool()->FindMethodByName(dotted) != nullptr) {
        absl::MutexLock lock(&mu);
        known->insert(name);
        return name;
      }
    }
    return "other";
  }

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    using grpc::experimental::InterceptionHookPoints;
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_INITIAL_METADATA)) {
      auto* metadata = methods->GetRecvInitialMetadata();
      request_id_ = MetadataValue(metadata, "x-request-id");
      user_ = MetadataValue(metadata, "x-saima-user-bin");
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS)) {
      const grpc::Status status = methods->GetSendStatus();
      const double seconds = absl::ToDoubleSeconds(absl::Now() - start_);
      RecordRpc(method_, type_, static_cast<int>(status.error_code()), seconds);
      spdlog::info("rpc method={} code={} ms={:.1f} request_id={} user={}{}", method_,
                   static_cast<int>(status.error_code()), absl::ToDoubleMilliseconds(absl::Now() - start_),
                   request_id_.empty() ? "-" : request_id_, user_.empty() ? "-" : user_,
                   status.ok() ? "" : absl::StrCat(" error=\"", status.error_message(), "\""));
    }
    methods->Proceed();
  }

 private:
  std::string method_;
  const char* type_;
  absl::Time start_;
  std::string request_id_;
  std::string user_;
};

class AccessLogFactory : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  grpc::experimental::Interceptor* CreateServerInterceptor(grpc::experimental::ServerRpcInfo* info) override {
    return new AccessLogInterceptor(info);
  }
};

// Shutdown is requested by a signal or by Shutdown(); one waiter acts on it.
std::mutex g_signal_mu;
std::condition_variable g_signal_cv;
std::atomic<bool> g_signalled{false};
std::atomic<bool> g_shutting_down{false};

extern "C" void OnSignal(int) {
  g_signalled.store(true);
  // notify_all is not async-signal-safe; the waiter polls g_signalled as well.
}

class RunningServerImpl : public RunningServer {
 public:
  RunningServerImpl(ServerOptions options, std::unique_ptr<grpc::Server> server, int port,
                    std::vector<std::unique_ptr<grpc::Service>> own_services)
      : options_(std::move(options)), own_services_(std::move(own_services)), server_(std::move(server)), port_(port) {
    health_thread_ = std::thread([this] { WatchHealth(); });
  }

  ~RunningServerImpl() override { Shutdown(); }

  int port() const override { return port_; }

  void WaitForShutdownSignal() override {
    std::signal(SIGTERM, OnSignal);
    std::signal(SIGINT, OnSignal);
    std::unique_lock<std::mutex> lock(g_signal_mu);
    while (!g_signalled.load() && !stopping_.load()) {
      g_signal_cv.wait_for(lock, std::chrono::milliseconds(200));
    }
    lock.unlock();
    spdlog::info("{} shutting down", options_.binary_name);
    Shutdown();
  }

  void Shutdown() override {
    if (stopping_.exchange(true)) {
      if (health_thread_.joinable() && health_thread_.get_id() != std::this_thread::get_id()) health_thread_.join();
      return;
    }
    g_signal_cv.notify_all();
    g_shutting_down.store(true);
    if (auto* health = server_->GetHealthCheckService()) health->Shutdown();
    server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(5));
    if (health_thread_.joinable()) health_thread_.join();
    spdlog::info("{} stopped", options_.binary_name);
  }

 private:
  void WatchHealth() {
    bool last_serving = true;
    bool first = true;
    std::map<std::string, bool> last_services;
    while (!stopping_.load()) {
      const bool serving = !options_.readiness_probe || options_.readiness_probe().ok();
      if (first || serving != last_serving) {
        if (auto* health = server_->GetHealthCheckService()) health->SetServingStatus(serving);
        if (!first || !serving) spdlog::info("health: {}", serving ? "SERVING" : "NOT_SERVING");
        last_serving = serving;
        first = false;
      }
      std::map<std::string, bool> services;
      if (options_.service_health) {
        services = options_.service_health();
      } else {
        for (const std::string& name : options_.service_names) services[name] = serving;
      }
      if (services != last_services) {
        if (auto* health = server_->GetHealthCheckService()) {
          for (const auto& [name, up] : services) health->SetServingStatus(name, up);
        }
        last_services = std::move(services);
      }
      std::unique_lock<std::mutex> lock(health_mu_);
      health_cv_.wait_for(lock, std::chrono::seconds(1), [this] { return stopping_.load(); });
    }
  }

  ServerOptions options_;
  // Declared before the server: destroyed after it.
  std::vector<std::unique_ptr<grpc::Service>> own_services_;
  std::unique_ptr<grpc::Server> server_;
  int port_;
  std::atomic<bool> stopping_{false};
  std::mutex health_mu_;
  std::condition_variable health_cv_;
  std::thread health_thread_;
};

}  // namespace

namespace {

// The message as a JSON string's contents; key=value pairs such as request_id=… stay readable in it, and the
// request id is also lifted into its own field by JsonRequestId.
class JsonMessage : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&, spdlog::memory_buf_t& dest) override {
    for (char c : std::string_view(msg.payload.data(), msg.payload.size())) {
      switch (c) {
        case '"':
          dest.append(std::string_view("\\\""));
          break;
        case '\\':
          dest.append(std::string_view("\\\\"));
          break;
        case '\n':
          dest.append(std::string_view("\\n"));
          break;
        default:
          if (static_cast<unsigned char>(c) < 0x20) {
            dest.append(std::string_view("?"));
          } else {
            dest.push_back(c);
          }
      }
    }
  }
  std::unique_ptr<custom_flag_formatter> clone() const override { return std::make_unique<JsonMessage>(); }
};

class JsonRequestId : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&, spdlog::memory_buf_t& dest) override {
    const std::string_view text(msg.payload.data(), msg.payload.size());
    const auto at = text.find("request_id=");
    std::string_view id = "-";
    if (at != std::string_view::npos) {
      id = text.substr(at + 11);
      id = id.substr(0, id.find(' '));
    }
    for (char c : id) {
      if (c != '"' && c != '\\' && static_cast<unsigned char>(c) >= 0x20) dest.push_back(c);
    }
  }
  std::unique_ptr<custom_flag_formatter> clone() const override { return std::make_unique<JsonRequestId>(); }
};

}  // namespace

namespace {

// stderr through stdio's buffer (spdlog's console sinks flush after every line).
class BufferedStderrSink final : public spdlog::sinks::base_sink<std::mutex> {
 protected:
  void sink_it_(const spdlog::details::log_msg& message) override {
    spdlog::memory_buf_t line;
    formatter_->format(message, line);
    std::fwrite(line.data(), 1, line.size(), stderr);
  }
  void flush_() override { std::fflush(stderr); }
};

}  // namespace

void InitLogging(const std::string& binary_name) {
  // The access log line of every call costs a copy into stderr's buffer, not a write: the buffer is written every
  // second, when full, and at once for warnings and errors.
  std::setvbuf(stderr, nullptr, _IOFBF, 1 << 16);
  auto logger = std::make_shared<spdlog::logger>(binary_name, std::make_shared<BufferedStderrSink>());
  logger->flush_on(spdlog::level::warn);
  spdlog::flush_every(std::chrono::seconds(1));
  std::atexit([] { spdlog::shutdown(); });
  // absl::Mutex's deadlock detection (on in Debian's build) costs a graph update per lock; tests keep it.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  if (absl::GetFlag(FLAGS_log_format) == "json") {
    auto formatter = std::make_unique<spdlog::pattern_formatter>();
    formatter->add_flag<JsonMessage>('*').add_flag<JsonRequestId>('&').set_pattern(
        R"({"time":"%Y-%m-%dT%H:%M:%S.%e%z","binary":"%n","level":"%l","request_id":"%&","msg":"%*"})");
    logger->set_formatter(std::move(formatter));
  } else {
    logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e%z %n %l %v");
  }
  spdlog::set_default_logger(logger);
}

absl::StatusOr<std::unique_ptr<RunningServer>> StartServer(const ServerOptions& options,
                                                           const std::vector<grpc::Service*>& services) {
  grpc::EnableDefaultHealthCheckService(true);
  grpc::ServerBuilder builder;
  // gRPC lets any process of the same user bind a port already served (SO_REUSEPORT) and then shares the
  // connections between them: a second process on a service's address would silently take part of its calls. A
  // taken address is refused instead ("cannot listen").
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  int port = 0;
  builder.AddListeningPort(options.listen_address,
                           options.public_side ? PublicServerCredentials() : PeerServerCredentials(), &port);
  grpc::ResourceQuota quota(options.binary_name);
  quota.SetMaxThreads(options.max_threads);
  builder.SetResourceQuota(quota);
  builder.SetMaxReceiveMessageSize(options.max_message_bytes);
  for (grpc::Service* service : services) builder.RegisterService(service);
  std::vector<std::string> listed = options.service_names;
  for (const char* name :
       {"grpc.health.v1.Health", "grpc.reflection.v1.ServerReflection", "grpc.reflection.v1alpha.ServerReflection"}) {
    listed.push_back(name);
  }
  auto own_services = MakeReflectionServices([listed] { return listed; });
  for (const auto& service : own_services) builder.RegisterService(service.get());
  if (options.generic_service != nullptr) builder.RegisterCallbackGenericService(options.generic_service);
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> interceptors;
  interceptors.push_back(std::make_unique<AccessLogFactory>());
  builder.experimental().SetInterceptorCreators(std::move(interceptors));
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || port == 0) {
    return absl::UnavailableError(absl::StrCat("cannot listen on ", options.listen_address));
  }
  spdlog::info("{} listening on port {}", options.binary_name, port);
  if (absl::Status s = StartMetricsServer(absl::GetFlag(FLAGS_metrics_listen)); !s.ok()) return s;
  return std::unique_ptr<RunningServer>(
      new RunningServerImpl(options, std::move(server), port, std::move(own_services)));
}

bool ShuttingDown() { return g_shutting_down.load(); }

}  // namespace saima
