#include "gateway/edge.h"

#include <arpa/inet.h>

#include <algorithm>
#include <atomic>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "common/policy.h"
#include "common/status.h"
#include "gateway/gateway.h"
#include "google/protobuf/message.h"
#include "grpcpp/support/proto_buffer_reader.h"
#include "grpcpp/support/proto_buffer_writer.h"

namespace saima::gateway {
namespace {

using google::protobuf::Message;

Admission Anonymous(const Rpc* rpc, const std::string& request_id, const std::string& client, absl::Time deadline) {
  Admission out;
  out.rpc = rpc;
  out.call.identity.caller.client = client;
  out.call.request_id = request_id;
  out.call.deadline = deadline;
  return out;
}

absl::StatusOr<Admission> Complete(const Rpc* rpc, absl::StatusOr<Identity> identity, const std::string& request_id,
                                   absl::Time deadline) {
  if (!identity.ok()) return identity.status();
  if (rpc->access.actions_size() > 0) {
    if (absl::Status allowed = AuthorizeAny(identity->caller, rpc->actions); !allowed.ok()) return allowed;
  }
  Admission out;
  out.rpc = rpc;
  out.call.identity = *std::move(identity);
  out.call.request_id = request_id;
  out.call.deadline = deadline;
  return out;
}

absl::Status CheckRequestId(const std::string& request_id) {
  if (request_id.empty() || IsValidRequestId(request_id)) return absl::OkStatus();
  return InvalidField("X-Request-Id", "must be 1 to 64 characters of A-Z a-z 0-9 - _ . :",
                      "X-Request-Id 应为 1 至 64 个字母、数字或 - _ . : 字符");
}

bool ToByteBuffer(const Message& message, grpc::ByteBuffer* out) {
  bool own = false;
  return grpc::SerializationTraits<Message>::Serialize(message, out, &own).ok();
}

bool FromByteBuffer(const grpc::ByteBuffer& buffer, Message* message) {
  grpc::ByteBuffer copy(buffer);
  return grpc::SerializationTraits<Message>::Deserialize(&copy, message).ok();
}

absl::Status RunLocal(const EdgeParts& parts, const Admission& admission, const grpc::ByteBuffer& request,
                      grpc::ByteBuffer* response) {
  const LocalMethods::Handler* handler = parts.local->Find(admission.rpc->grpc_path);
  if (handler == nullptr) {
    return Error(absl::StatusCode::kUnimplemented, absl::StrCat(admission.rpc->grpc_path, " is not implemented"),
                 "网关未实现此操作");
  }
  auto* factory = google::protobuf::MessageFactory::generated_factory();
  std::unique_ptr<Message> in(factory->GetPrototype(admission.rpc->method->input_type())->New());
  std::unique_ptr<Message> out(factory->GetPrototype(admission.rpc->method->output_type())->New());
  if (!FromByteBuffer(request, in.get())) {
    return Error(absl::StatusCode::kInvalidArgument, "the request message cannot be parsed", "请求消息无法解析");
  }
  if (absl::Status s = (*handler)(admission.call, *in, out.get()); !s.ok()) return s;
  if (!ToByteBuffer(*out, response)) return absl::InternalError("the response cannot be serialized");
  return absl::OkStatus();
}

// One call on the gRPC side. Unary calls are forwarded with one generic unary call (or run locally on the work
// pool); streaming calls are piped message by message to the backend in both directions.
class EdgeCall final : public grpc::ServerGenericBidiReactor {
 public:
  EdgeCall(const EdgeParts& parts, grpc::GenericCallbackServerContext* context) : parts_(parts), context_(context) {
    rpc_ = parts_.routes->FindPublicRpc(context_->method());
    if (rpc_ == nullptr) {
      Finish(ToGrpcStatus(Error(absl::StatusCode::kUnimplemented, absl::StrCat("unknown method ", context_->method()),
                                "不存在此接口")));
      return;
    }
    std::string request_id = Metadata("x-request-id");
    if (absl::Status valid = CheckRequestId(request_id); !valid.ok()) {
      Finish(ToGrpcStatus(valid));
      return;
    }
    if (request_id.empty()) request_id = NewRequestId();
    const std::string authorization = Metadata("authorization");
    const absl::Time deadline = context_->deadline() == std::chrono::system_clock::time_point::max()
                                    ? absl::InfiniteFuture()
                                    : absl::FromChrono(context_->deadline());
    const std::string client = ClientAddress(context_->peer(), Metadata("x-real-ip"), parts_.trusted_proxies);
    auto admitted = TryAdmit(parts_, rpc_, authorization, request_id, client, deadline);
    if (admitted.has_value()) {
      Proceed(*std::move(admitted));
    } else {
      parts_.pool->Schedule([this, authorization, request_id, client, deadline] {
        Proceed(Admit(parts_, rpc_, authorization, request_id, client, deadline));
      });
    }
  }

  void OnReadDone(bool ok) override {
    if (streaming_) {
      if (ok) {
        pipe_.StartWrite(&up_);
      } else {
        pipe_.StartWritesDone();
        ReleaseWriteHold();
      }
      return;
    }
    if (!ok) {
      Finish(ToGrpcStatus(Error(absl::StatusCode::kInvalidArgument, "no request message", "缺少请求消息")));
      return;
    }
    if (rpc_->backend == "gateway") {
      parts_.pool->Schedule([this] {
        absl::Status s = RunLocal(parts_, admission_, up_, &down_);
        if (!s.ok()) return Finish(ToGrpcStatus(s));
        StartWriteAndFinish(&down_, grpc::WriteOptions(), grpc::Status::OK);
      });
      return;
    }
    {
      std::lock_guard<std::mutex> lock(client_mu_);
      client_context_ = ForwardContext(admission_, absl::Seconds(30));
      if (cancelled_.load()) client_context_->TryCancel();
    }
    grpc::GenericStub* stub = parts_.backends->stub(rpc_->backend);
    stub->UnaryCall(client_context_.get(), rpc_->grpc_path, grpc::StubOptions(), &up_, &down_,
                    [this](grpc::Status status) {
                      if (!status.ok()) return Finish(ToGrpcStatus(BackendStatus(rpc_->backend, status)));
                      StartWriteAndFinish(&down_, grpc::WriteOptions(), grpc::Status::OK);
                    });
  }

  void OnWriteDone(bool ok) override {
    if (!streaming_) return;
    if (ok) {
      pipe_.StartRead(&down_);
    } else {
      ReleaseReadHold();  // the client is gone: no more reads from the backend
    }
  }

  void OnCancel() override {
    cancelled_.store(true);
    std::lock_guard<std::mutex> lock(client_mu_);
    if (client_context_ != nullptr) client_context_->TryCancel();
  }

  void OnDone() override { Unref(); }

 private:
  // The backend's side of a streaming call.
  class Pipe final : public grpc::ClientBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer> {
   public:
    explicit Pipe(EdgeCall* call) : call_(call) {}
    void OnWriteDone(bool ok) override {
      if (ok) {
        call_->StartRead(&call_->up_);
      } else {
        call_->ReleaseWriteHold();  // the backend ended the call; its status follows in OnDone
      }
    }
    void OnReadDone(bool ok) override {
      if (ok) {
        call_->StartWrite(&call_->down_);
      } else {
        call_->ReleaseReadHold();
      }
    }
    void OnDone(const grpc::Status& status) override {
      EdgeCall* call = call_;
      call->Finish(status.ok() ? status : ToGrpcStatus(BackendStatus(call->rpc_->backend, status)));
      call->Unref();
    }

   private:
    EdgeCall* call_;
  };

  std::string Metadata(const char* key) const {
    auto it = context_->client_metadata().find(key);
    return it == context_->client_metadata().end() ? "" : std::string(it->second.data(), it->second.size());
  }

  void Proceed(absl::StatusOr<Admission> admitted) {
    if (!admitted.ok()) return Finish(ToGrpcStatus(admitted.status()));
    admission_ = *std::move(admitted);
    if (!rpc_->method->client_streaming() && !rpc_->method->server_streaming()) {
      StartRead(&up_);
      return;
    }
    if (rpc_->backend == "gateway") {
      return Finish(ToGrpcStatus(Error(absl::StatusCode::kUnimplemented, "streaming at the gateway", "不支持此操作")));
    }
    streaming_ = true;
    refs_.fetch_add(1);
    {
      std::lock_guard<std::mutex> lock(client_mu_);
      // An import may take minutes.
      client_context_ = ForwardContext(admission_, absl::Minutes(10));
      if (cancelled_.load()) client_context_->TryCancel();
    }
    parts_.backends->stub(rpc_->backend)
        ->PrepareBidiStreamingCall(client_context_.get(), rpc_->grpc_path, grpc::StubOptions(), &pipe_);
    // The pipe's writes are started from the client side's reads and its reads from the client side's writes,
    // outside the pipe's own reactions: each flow holds the pipe (and with it the backend call's context) until it
    // has ended, so that the pipe is not done while the other side may still start an operation on it.
    pipe_.AddMultipleHolds(2);
    pipe_.StartRead(&down_);
    pipe_.StartCall();
    StartRead(&up_);
  }

  // The call is deleted when the client's side and, for streams, the backend's side are both done.
  void Unref() {
    if (refs_.fetch_sub(1) == 1) delete this;
  }

  void ReleaseWriteHold() {
    if (!write_hold_released_.exchange(true)) pipe_.RemoveHold();
  }
  void ReleaseReadHold() {
    if (!read_hold_released_.exchange(true)) pipe_.RemoveHold();
  }

  const EdgeParts parts_;
  grpc::GenericCallbackServerContext* context_;
  const Rpc* rpc_ = nullptr;
  Admission admission_;
  grpc::ByteBuffer up_;
  grpc::ByteBuffer down_;
  bool streaming_ = false;
  std::atomic<bool> cancelled_{false};
  std::atomic<bool> write_hold_released_{false};
  std::atomic<bool> read_hold_released_{false};
  std::atomic<int> refs_{1};
  std::mutex client_mu_;
  std::unique_ptr<grpc::ClientContext> client_context_;
  Pipe pipe_{this};
};

}  // namespace

std::optional<absl::StatusOr<Admission>> TryAdmit(const EdgeParts& parts, const Rpc* rpc,
                                                  const std::string& authorization, const std::string& request_id,
                                                  const std::string& client, absl::Time deadline) {
  if (absl::Status valid = CheckRequestId(request_id); !valid.ok()) return absl::StatusOr<Admission>(valid);
  const std::string id = request_id.empty() ? NewRequestId() : request_id;
  if (rpc->access.anonymous()) return absl::StatusOr<Admission>(Anonymous(rpc, id, client, deadline));
  auto identity = parts.identities->TryLocal(authorization, client);
  if (!identity.has_value()) return std::nullopt;
  return Complete(rpc, *std::move(identity), id, deadline);
}

namespace {

bool IsIpAddress(const std::string& text) {
  in6_addr v6;
  in_addr v4;
  return inet_pton(AF_INET, text.c_str(), &v4) == 1 || inet_pton(AF_INET6, text.c_str(), &v6) == 1;
}

// "ipv4:10.0.0.7:51234" → "10.0.0.7", "ipv6:[::1]:51234" → "::1", "10.0.0.7" → "10.0.0.7".
std::string PeerIp(const std::string& peer) {
  absl::string_view text = peer;
  if (absl::ConsumePrefix(&text, "ipv4:")) {
    const auto colon = text.rfind(':');
    return std::string(colon == absl::string_view::npos ? text : text.substr(0, colon));
  }
  if (absl::ConsumePrefix(&text, "ipv6:")) {
    if (absl::ConsumePrefix(&text, "[")) {
      const auto close = text.find(']');
      return std::string(close == absl::string_view::npos ? text : text.substr(0, close));
    }
    return std::string(text);
  }
  return std::string(text);
}

}  // namespace

// Whether `address` is `trusted`: an address, or a network written address/prefix-length (10.0.0.0/8, fd00::/8).
bool Matches(const std::string& address, const std::string& trusted) {
  const auto slash = trusted.find('/');
  if (slash == std::string::npos) return address == trusted;
  int bits = 0;
  if (!absl::SimpleAtoi(trusted.substr(slash + 1), &bits) || bits < 0) return false;
  unsigned char a[16], n[16];
  const bool v4 = trusted.find(':') == std::string::npos;
  const int family = v4 ? AF_INET : AF_INET6;
  if (inet_pton(family, address.c_str(), a) != 1 || inet_pton(family, trusted.substr(0, slash).c_str(), n) != 1) {
    return false;
  }
  if (bits > (v4 ? 32 : 128)) return false;
  for (int i = 0; i < bits; ++i) {
    const int mask = 0x80 >> (i % 8);
    if ((a[i / 8] & mask) != (n[i / 8] & mask)) return false;
  }
  return true;
}

std::string ClientAddress(const std::string& peer, const std::string& real_ip,
                          const std::vector<std::string>& trusted_proxies) {
  std::string address = PeerIp(peer);
  if (!real_ip.empty() && IsIpAddress(real_ip) &&
      std::any_of(trusted_proxies.begin(), trusted_proxies.end(),
                  [&address](const std::string& trusted) { return Matches(address, trusted); })) {
    return real_ip;
  }
  return address;
}

absl::Status CheckServed(const RouteTable& routes, const LocalMethods& local, const Backends& backends) {
  for (const Rpc& rpc : routes.rpcs()) {
    if (rpc.backend == "gateway" && local.Find(rpc.grpc_path) == nullptr) {
      return absl::FailedPreconditionError(
          absl::StrCat(rpc.grpc_path, " is the gateway's own but has no implementation"));
    }
    if (rpc.backend != "gateway" && backends.channel(rpc.backend) == nullptr) {
      return absl::FailedPreconditionError(
          absl::StrCat(rpc.grpc_path, " names backend '", rpc.backend, "', which the gateway does not know"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<Admission> Admit(const EdgeParts& parts, const Rpc* rpc, const std::string& authorization,
                                const std::string& request_id, const std::string& client, absl::Time deadline) {
  if (absl::Status valid = CheckRequestId(request_id); !valid.ok()) return valid;
  const std::string id = request_id.empty() ? NewRequestId() : request_id;
  if (rpc->access.anonymous()) return Anonymous(rpc, id, client, deadline);
  return Complete(rpc, parts.identities->Authenticate(authorization, client), id, deadline);
}

std::unique_ptr<grpc::ClientContext> ForwardContext(const Admission& admission, absl::Duration max) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(absl::ToChronoTime(std::min(admission.call.deadline, absl::Now() + max)));
  if (admission.rpc->access.anonymous()) {
    Caller anonymous;
    anonymous.client = admission.call.identity.caller.client;
    // Only the address and the request id travel: an anonymous call asserts nobody.
    if (!anonymous.client.empty()) context->AddMetadata("x-saima-client-bin", anonymous.client);
    if (IsValidRequestId(admission.call.request_id)) context->AddMetadata("x-request-id", admission.call.request_id);
  } else {
    AttachCaller(admission.call.identity.caller, admission.call.request_id, *context);
  }
  return context;
}

absl::StatusOr<grpc::ByteBuffer> RunUnary(const EdgeParts& parts, const Admission& admission,
                                          const grpc::ByteBuffer& request) {
  if (admission.rpc->backend == "gateway") {
    grpc::ByteBuffer response;
    if (absl::Status s = RunLocal(parts, admission, request, &response); !s.ok()) return s;
    return response;
  }
  auto context = ForwardContext(admission, absl::Seconds(30));
  return parts.backends->CallUnary(admission.rpc->backend, admission.rpc->grpc_path, *context, request);
}

grpc::ServerGenericBidiReactor* GrpcEdge::CreateReactor(grpc::GenericCallbackServerContext* context) {
  return new EdgeCall(parts_, context);
}

}  // namespace saima::gateway
