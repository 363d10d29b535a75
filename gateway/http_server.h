#ifndef SAIMA_GATEWAY_HTTP_SERVER_H_
#define SAIMA_GATEWAY_HTTP_SERVER_H_

// The gateway's HTTP server, on GNU libmicrohttpd: event-driven (epoll), so a slow or idle client holds a
// connection slot and never a thread; limits on connections (total and per address), idle time and body size;
// a request's headers are judged before its body is read (an unauthenticated or oversized body is refused
// without reading it). Handlers run on the server's thread pool and may block.

#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "gateway/transcode.h"

namespace saima::gateway {

struct HttpServerOptions {
  // host:port; port 0 picks a free one.
  std::string listen = "127.0.0.1:8080";
  // Threads serving requests (each multiplexes its connections).
  int threads = 16;
  // Connections at once, in all and from one address.
  int max_connections = 1024;
  int max_connections_per_address = 256;
  // A connection idle this long is closed.
  int idle_timeout_seconds = 30;
  size_t max_body_bytes = 32 << 20;
  // PEM contents; both set: HTTPS.
  std::string tls_cert_pem;
  std::string tls_key_pem;
};

class HttpServer {
 public:
  // Called with the headers only (HttpRequest::body is empty): return true with `response` filled to answer
  // without reading the body; false to go on (it may leave what it decided in request->edge_state).
  using Precheck = std::function<bool(HttpRequest* request, HttpResponse* response)>;
  using Handler = std::function<void(const HttpRequest& request, HttpResponse* response)>;

  static absl::StatusOr<std::unique_ptr<HttpServer>> Start(const HttpServerOptions& options, Precheck precheck,
                                                           Handler handler);
  ~HttpServer();
  int port() const { return port_; }
  // Stops accepting, finishes the requests being served.
  void Stop();

  struct Impl;  // the server's state, shared with the request callbacks

 private:
  HttpServer() = default;
  std::unique_ptr<Impl> impl_;
  int port_ = 0;
};

}  // namespace saima::gateway

#endif  // SAIMA_GATEWAY_HTTP_SERVER_H_
