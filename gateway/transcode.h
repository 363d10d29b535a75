#ifndef SAIMA_GATEWAY_TRANSCODE_H_
#define SAIMA_GATEWAY_TRANSCODE_H_

// HTTP/JSON ⇄ protobuf for a route of the contracts (AIP-127): path variables, query parameters and the body
// fill the request; the response (or its response_body field) is written in protobuf's JSON mapping, or as the
// file itself when it is a saima.api.v1.File. Errors are google.rpc.Status in JSON with the zh-CN message.

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "gateway/routes.h"
#include "google/protobuf/message.h"

namespace saima::gateway {

// An HTTP request as the edge sees it.
struct HttpRequest {
  std::string method;
  // Without the query string, percent-decoded.
  std::string path;
  // Decoded query parameters in order (a name may repeat).
  std::vector<std::pair<std::string, std::string>> query;
  // Header names in lower case.
  std::map<std::string, std::string> headers;
  std::string body;
  std::string remote_address;
  // What the edge decided from the headers, before the body was read (http_edge.cc).
  std::shared_ptr<void> edge_state;

  // The header's value, or "" when absent.
  std::string Header(const std::string& lower_case_name) const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

// Fills `request` (of the route's input type) from the path bindings, the query string and the body; the
// Idempotency-Key header fills a top-level `request_id`. For PATCH with a body field and an unset `update_mask`,
// the mask is the body's keys. INVALID_ARGUMENT names the parameter and the rule, in English and Chinese.
absl::Status BuildRequest(const Route& route, const std::vector<std::pair<std::string, std::string>>& bindings,
                          const HttpRequest& http, google::protobuf::Message* request);

// Sets one field named by a dotted path (proto or JSON names) from text, as a query parameter would.
absl::Status SetFieldFromText(google::protobuf::Message* message, const std::string& path, const std::string& text,
                              const std::string& parameter);

// The response as JSON (or the file), status 200.
void WriteResponse(const Route& route, const google::protobuf::Message& response, HttpResponse* out);
// A message as JSON, status 200.
void WriteJson(const google::protobuf::Message& message, HttpResponse* out);
// The error as JSON with its HTTP status (Retry-After on RESOURCE_EXHAUSTED is the caller's to add).
void WriteError(const absl::Status& status, HttpResponse* out);

}  // namespace saima::gateway

#endif  // SAIMA_GATEWAY_TRANSCODE_H_
