#include "gateway/http_server.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdarg>
#include <cstring>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "spdlog/spdlog.h"

namespace saima::gateway {

struct HttpServer::Impl {
  HttpServerOptions options;
  Precheck precheck;
  Handler handler;
  MHD_Daemon* daemon = nullptr;
};

namespace {

// One request while MHD reads it.
struct Pending {
  HttpRequest request;
  bool answered = false;
  bool too_large = false;
};

std::string AddressOf(MHD_Connection* connection) {
  const MHD_ConnectionInfo* info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
  if (info == nullptr || info->client_addr == nullptr) return "";
  char text[INET6_ADDRSTRLEN] = {0};
  const sockaddr* address = info->client_addr;
  if (address->sa_family == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(address)->sin_addr, text, sizeof text);
  } else if (address->sa_family == AF_INET6) {
    inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(address)->sin6_addr, text, sizeof text);
  }
  return text;
}

MHD_Result Collect(void* cls, MHD_ValueKind kind, const char* key, const char* value) {
  auto* request = static_cast<HttpRequest*>(cls);
  if (key == nullptr) return MHD_YES;
  if (kind == MHD_HEADER_KIND) {
    std::string name = absl::AsciiStrToLower(key);
    std::string& slot = request->headers[name];
    slot = slot.empty() ? (value ? value : "") : absl::StrCat(slot, ", ", value ? value : "");
  } else if (kind == MHD_GET_ARGUMENT_KIND) {
    request->query.emplace_back(key, value ? value : "");
  }
  return MHD_YES;
}

MHD_Result Send(MHD_Connection* connection, const HttpResponse& response) {
  MHD_Response* r = MHD_create_response_from_buffer(response.body.size(), const_cast<char*>(response.body.data()),
                                                    MHD_RESPMEM_MUST_COPY);
  if (r == nullptr) return MHD_NO;
  if (!response.content_type.empty()) MHD_add_response_header(r, "Content-Type", response.content_type.c_str());
  for (const auto& [name, value] : response.headers) MHD_add_response_header(r, name.c_str(), value.c_str());
  const MHD_Result result = MHD_queue_response(connection, static_cast<unsigned>(response.status), r);
  MHD_destroy_response(r);
  return result;
}

MHD_Result OnRequest(void* cls, MHD_Connection* connection, const char* url, const char* method, const char*,
                     const char* upload_data, size_t* upload_data_size, void** state) {
  auto* impl = static_cast<HttpServer::Impl*>(cls);
  auto* pending = static_cast<Pending*>(*state);
  if (pending == nullptr) {
    pending = new Pending;
    *state = pending;
    HttpRequest& request = pending->request;
    request.method = method;
    request.path = url;
    request.remote_address = AddressOf(connection);
    MHD_get_connection_values(connection, MHD_HEADER_KIND, &Collect, &request);
    MHD_get_connection_values(connection, MHD_GET_ARGUMENT_KIND, &Collect, &request);
    HttpResponse response;
    uint64_t declared = 0;
    const std::string length = request.Header("content-length");
    if (!length.empty() && (!absl::SimpleAtoi(length, &declared) || declared > impl->options.max_body_bytes)) {
      WriteError(Error(absl::StatusCode::kResourceExhausted,
                       absl::StrCat("request body larger than ", impl->options.max_body_bytes, " bytes"),
                       absl::StrCat("请求体超过上限(", impl->options.max_body_bytes / (1 << 20), " MB)")),
                 &response);
      response.status = 413;
      pending->answered = true;
      return Send(connection, response);
    }
    if (impl->precheck && impl->precheck(&request, &response)) {
      pending->answered = true;
      return Send(connection, response);
    }
    return MHD_YES;
  }
  if (*upload_data_size > 0) {
    if (!pending->answered) {
      if (pending->request.body.size() + *upload_data_size > impl->options.max_body_bytes) {
        pending->too_large = true;
      } else if (!pending->too_large) {
        pending->request.body.append(upload_data, *upload_data_size);
      }
    }
    *upload_data_size = 0;
    return MHD_YES;
  }
  if (pending->answered) return MHD_YES;
  pending->answered = true;
  HttpResponse response;
  if (pending->too_large) {
    WriteError(Error(absl::StatusCode::kResourceExhausted,
                     absl::StrCat("request body larger than ", impl->options.max_body_bytes, " bytes"),
                     absl::StrCat("请求体超过上限(", impl->options.max_body_bytes / (1 << 20), " MB)")),
               &response);
    response.status = 413;
    return Send(connection, response);
  }
  impl->handler(pending->request, &response);
  return Send(connection, response);
}

void OnCompleted(void*, MHD_Connection*, void** state, MHD_RequestTerminationCode) {
  delete static_cast<Pending*>(*state);
  *state = nullptr;
}

void OnLog(void*, const char* format, va_list args) {
  char text[512];
  vsnprintf(text, sizeof text, format, args);
  std::string line(text);
  while (!line.empty() && line.back() == '\n') line.pop_back();
  spdlog::warn("http: {}", line);
}

}  // namespace

absl::StatusOr<std::unique_ptr<HttpServer>> HttpServer::Start(const HttpServerOptions& options, Precheck precheck,
                                                              Handler handler) {
  const auto colon = options.listen.rfind(':');
  int port = 0;
  if (colon == std::string::npos || !absl::SimpleAtoi(options.listen.substr(colon + 1), &port) || port < 0 ||
      port > 65535) {
    return absl::InvalidArgumentError(absl::StrCat("HTTP listen address '", options.listen, "' is not host:port"));
  }
  std::string host = options.listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  sockaddr_storage address{};
  socklen_t address_length = 0;
  unsigned int flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG;
  if (host.find(':') != std::string::npos) {
    auto* v6 = reinterpret_cast<sockaddr_in6*>(&address);
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(static_cast<uint16_t>(port));
    if (inet_pton(AF_INET6, host.c_str(), &v6->sin6_addr) != 1) {
      return absl::InvalidArgumentError(absl::StrCat("'", host, "' is not an IP address"));
    }
    address_length = sizeof(sockaddr_in6);
    flags |= MHD_USE_IPv6;
  } else {
    auto* v4 = reinterpret_cast<sockaddr_in*>(&address);
    v4->sin_family = AF_INET;
    v4->sin_port = htons(static_cast<uint16_t>(port));
    if (inet_pton(AF_INET, host.empty() ? "0.0.0.0" : host.c_str(), &v4->sin_addr) != 1) {
      return absl::InvalidArgumentError(absl::StrCat("'", host, "' is not an IP address"));
    }
    address_length = sizeof(sockaddr_in);
  }
  (void)address_length;
  auto server = std::unique_ptr<HttpServer>(new HttpServer);
  server->impl_ = std::make_unique<Impl>();
  server->impl_->options = options;
  server->impl_->precheck = std::move(precheck);
  server->impl_->handler = std::move(handler);
  const bool tls = !options.tls_cert_pem.empty() && !options.tls_key_pem.empty();
  if (tls) flags |= MHD_USE_TLS;
  MHD_OptionItem items[16];
  int n = 0;
  items[n++] = {MHD_OPTION_EXTERNAL_LOGGER, reinterpret_cast<intptr_t>(&OnLog), nullptr};
  items[n++] = {MHD_OPTION_SOCK_ADDR, 0, &address};
  items[n++] = {MHD_OPTION_THREAD_POOL_SIZE, options.threads, nullptr};
  items[n++] = {MHD_OPTION_CONNECTION_LIMIT, options.max_connections, nullptr};
  items[n++] = {MHD_OPTION_PER_IP_CONNECTION_LIMIT, options.max_connections_per_address, nullptr};
  items[n++] = {MHD_OPTION_CONNECTION_TIMEOUT, options.idle_timeout_seconds, nullptr};
  items[n++] = {MHD_OPTION_NOTIFY_COMPLETED, reinterpret_cast<intptr_t>(&OnCompleted), nullptr};
  items[n++] = {MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024, nullptr};
  if (tls) {
    items[n++] = {MHD_OPTION_HTTPS_MEM_CERT, 0, const_cast<char*>(server->impl_->options.tls_cert_pem.c_str())};
    items[n++] = {MHD_OPTION_HTTPS_MEM_KEY, 0, const_cast<char*>(server->impl_->options.tls_key_pem.c_str())};
  }
  items[n++] = {MHD_OPTION_END, 0, nullptr};
  server->impl_->daemon = MHD_start_daemon(flags, static_cast<uint16_t>(port), nullptr, nullptr, &OnRequest,
                                           server->impl_.get(), MHD_OPTION_ARRAY, items, MHD_OPTION_END);
  if (server->impl_->daemon == nullptr) {
    return absl::UnavailableError(absl::StrCat("cannot serve HTTP on ", options.listen));
  }
  const MHD_DaemonInfo* info = MHD_get_daemon_info(server->impl_->daemon, MHD_DAEMON_INFO_BIND_PORT);
  server->port_ = info != nullptr ? info->port : port;
  return server;
}

void HttpServer::Stop() {
  if (impl_ != nullptr && impl_->daemon != nullptr) {
    MHD_stop_daemon(impl_->daemon);
    impl_->daemon = nullptr;
  }
}

HttpServer::~HttpServer() { Stop(); }

}  // namespace saima::gateway
