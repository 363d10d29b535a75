#include "gateway/backends.h"

#include <condition_variable>
#include <mutex>

#include "absl/strings/str_cat.h"
#include "common/client.h"
#include "common/status.h"
#include "grpc/health/v1/health.grpc.pb.h"

namespace saima::gateway {

absl::Status BackendStatus(const std::string& backend, const grpc::Status& status) {
  if (status.ok()) return absl::OkStatus();
  if (status.error_code() == grpc::StatusCode::UNAVAILABLE) {
    return Error(absl::StatusCode::kUnavailable, absl::StrCat(backend, " is unavailable; retry shortly"),
                 absl::StrCat("后台服务(", backend, ")暂不可用，请稍后重试"));
  }
  if (status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED) {
    return Error(absl::StatusCode::kDeadlineExceeded, absl::StrCat(backend, " did not answer before the deadline"),
                 absl::StrCat("后台服务(", backend, ")响应超时，请稍后重试"));
  }
  return FromGrpcStatus(status);
}

Backends::Backends(const std::map<std::string, std::string>& addresses) {
  for (const auto& [name, address] : addresses) {
    Backend backend;
    backend.channel = MakeChannel(address);
    backend.stub = std::make_unique<grpc::GenericStub>(backend.channel);
    backends_.emplace(name, std::move(backend));
  }
}

std::shared_ptr<grpc::Channel> Backends::channel(const std::string& backend) const {
  auto it = backends_.find(backend);
  return it == backends_.end() ? nullptr : it->second.channel;
}

grpc::GenericStub* Backends::stub(const std::string& backend) const {
  auto it = backends_.find(backend);
  return it == backends_.end() ? nullptr : it->second.stub.get();
}

std::vector<std::string> Backends::names() const {
  std::vector<std::string> out;
  for (const auto& [name, backend] : backends_) out.push_back(name);
  return out;
}

absl::StatusOr<grpc::ByteBuffer> Backends::CallUnary(const std::string& backend, const std::string& grpc_path,
                                                     grpc::ClientContext& context,
                                                     const grpc::ByteBuffer& request) const {
  grpc::GenericStub* generic = stub(backend);
  if (generic == nullptr) {
    return Error(absl::StatusCode::kInternal, absl::StrCat("no backend named ", backend), "网关配置有误");
  }
  grpc::ByteBuffer response;
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
  grpc::Status status;
  generic->UnaryCall(&context, grpc_path, grpc::StubOptions(), &request, &response, [&](grpc::Status s) {
    std::lock_guard<std::mutex> lock(mu);
    status = std::move(s);
    done = true;
    cv.notify_one();
  });
  std::unique_lock<std::mutex> lock(mu);
  cv.wait(lock, [&] { return done; });
  if (!status.ok()) return BackendStatus(backend, status);
  return response;
}

std::map<std::string, std::string> Backends::Health() const {
  std::map<std::string, std::string> out;
  for (const auto& [name, backend] : backends_) {
    auto stub = grpc::health::v1::Health::NewStub(backend.channel);
    auto context = CallContext(std::chrono::milliseconds(1000));
    grpc::health::v1::HealthCheckRequest request;
    grpc::health::v1::HealthCheckResponse response;
    grpc::Status status = stub->Check(context.get(), request, &response);
    out[name] =
        status.ok() ? grpc::health::v1::HealthCheckResponse::ServingStatus_Name(response.status()) : "UNAVAILABLE";
  }
  return out;
}

}  // namespace saima::gateway
