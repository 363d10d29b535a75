#ifndef SAIMA_GATEWAY_HTTP_EDGE_H_
#define SAIMA_GATEWAY_HTTP_EDGE_H_

// The HTTP side of the edge: the routes of the contracts' google.api.http bindings (transcoded, admitted,
// forwarded or run locally exactly as over gRPC), plus what is not an RPC: /healthz, the SDMX REST endpoints,
// /metrics and the web application's static files (with /openapi.json and /docs). Unknown paths get 404 and a
// known path with another method 405 with Allow, both with the JSON error body.

#include <string>
#include <utility>

#include "gateway/edge.h"
#include "gateway/gateway.h"
#include "gateway/sdmx.h"
#include "gateway/static_files.h"
#include "gateway/transcode.h"

namespace saima::gateway {

class HttpEdge {
 public:
  // `files` may be null (no web application). `sdmx_public_key_file`, when not empty, names the file holding the
  // read-only API key SDMX data requests without a token are made with (then only published periods are served);
  // it is read at each such request, so that the key can be issued, rotated or withdrawn without a restart.
  HttpEdge(EdgeParts parts, Gateway& gateway, const StaticFiles* files, sdmx::Settings sdmx,
           std::string sdmx_public_key_file)
      : parts_(parts),
        gateway_(gateway),
        files_(files),
        sdmx_(std::move(sdmx)),
        sdmx_public_key_file_(std::move(sdmx_public_key_file)) {}

  // Before the body is read: refuses unknown routes, missing or refused credentials and bad request ids.
  bool Precheck(HttpRequest* request, HttpResponse* response);
  void Handle(const HttpRequest& request, HttpResponse* response);

  // The label a request is counted under in metrics: the route's template, never the raw path.
  static std::string RouteLabel(const HttpRequest& request);

 private:
  void HandleSdmx(const HttpRequest& request, const Admission& admission, bool anonymous, HttpResponse* response);
  void HandleSdmxStructure(const HttpRequest& request, HttpResponse* response);

  EdgeParts parts_;
  Gateway& gateway_;
  const StaticFiles* files_;
  const sdmx::Settings sdmx_;
  const std::string sdmx_public_key_file_;
};

}  // namespace saima::gateway

#endif  // SAIMA_GATEWAY_HTTP_EDGE_H_
