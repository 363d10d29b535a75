#include "gateway/http_edge.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "common/ops.h"
#include "common/policy.h"
#include "common/status.h"
#include "gateway/sdmx.h"
#include "grpcpp/support/proto_buffer_reader.h"
#include "nlohmann/json.hpp"

namespace saima::gateway {
namespace {

using google::protobuf::Message;

constexpr char kJson[] = "application/json; charset=utf-8";
constexpr char kSdmxData[] = "/sdmx/data/";
constexpr char kSdmxStructure[] = "/sdmx/structure/";

// What Precheck decided for a route of the contracts.
struct RouteState {
  RouteTable::Resolution resolution;
  Admission admission;
};

// The SDMX data endpoint needs the reports action; it is not an RPC, so its access is stated here.
const Rpc& SdmxRpc() {
  static const Rpc* rpc = [] {
    auto* r = new Rpc;
    r->grpc_path = "GET /sdmx/data";
    r->backend = "gateway";
    r->access.add_actions(saima::api::v1::ACTION_READ_REPORTS);
    r->actions = {Action::ACTION_READ_REPORTS};
    return r;
  }();
  return *rpc;
}

void NotFound(const HttpRequest& request, HttpResponse* response) {
  WriteError(Error(absl::StatusCode::kNotFound, absl::StrCat("no route ", request.method, " ", request.path),
                   absl::StrCat("不存在此接口：", request.method, " ", request.path)),
             response);
}

void MethodNotAllowed(const HttpRequest& request, const std::vector<std::string>& allowed, HttpResponse* response) {
  WriteError(Error(absl::StatusCode::kInvalidArgument,
                   absl::StrCat(request.method, " is not allowed on ", request.path,
                                "; allowed: ", absl::StrJoin(allowed, ", ")),
                   absl::StrCat("此接口不支持 ", request.method, " 方法，可用：", absl::StrJoin(allowed, "、"))),
             response);
  response->status = 405;
  response->headers.emplace_back("Allow", absl::StrJoin(allowed, ", "));
}

// Refusals carry Retry-After when the status says when to retry (a rate limit).
void Refuse(const absl::Status& status, HttpResponse* response) {
  WriteError(status, response);
  if (auto delay = RetryAfterOf(status)) {
    response->headers.emplace_back("Retry-After", std::to_string(std::max<int64_t>(1, absl::ToInt64Seconds(*delay))));
  }
}

absl::Time DeadlineOf(const HttpRequest&) { return absl::Now() + absl::Seconds(30); }

}  // namespace

std::string HttpEdge::RouteLabel(const HttpRequest& request) {
  if (request.edge_state != nullptr) {
    const auto* state = static_cast<const RouteState*>(request.edge_state.get());
    if (state->resolution.route != nullptr) return state->resolution.route->path.text();
  }
  if (request.path == "/healthz" || request.path == "/metrics") return request.path;
  if (absl::StartsWith(request.path, kSdmxData)) return "/sdmx/data/…";
  if (absl::StartsWith(request.path, kSdmxStructure)) return "/sdmx/structure/…";
  if (absl::StartsWith(request.path, "/v1/")) return "unmatched";
  return "static";
}

bool HttpEdge::Precheck(HttpRequest* request, HttpResponse* response) {
  const std::string request_id = request->Header("x-request-id");
  if (!request_id.empty() && !IsValidRequestId(request_id)) {
    WriteError(InvalidField("X-Request-Id", "must be 1 to 64 characters of A-Z a-z 0-9 - _ . :",
                            "X-Request-Id 应为 1 至 64 个字母、数字或 - _ . : 字符"),
               response);
    return true;
  }
  const bool has_body = !request->Header("content-length").empty() || !request->Header("transfer-encoding").empty();
  RouteTable::Resolution resolution = parts_.routes->Resolve(request->method, request->path);
  if (resolution.route == nullptr) {
    if (!resolution.allowed_methods.empty()) {
      MethodNotAllowed(*request, resolution.allowed_methods, response);
      return true;
    }
    // Not an RPC: only reads, never a body.
    if (has_body && request->Header("content-length") != "0") {
      NotFound(*request, response);
      return true;
    }
    return false;
  }
  // The caller is decided before the body is read: no credential, no body.
  auto admitted = Admit(parts_, resolution.route->rpc, request->Header("authorization"), request_id,
                        ClientAddress(request->remote_address, request->Header("x-real-ip"), parts_.trusted_proxies),
                        DeadlineOf(*request));
  if (!admitted.ok()) {
    Refuse(admitted.status(), response);
    return true;
  }
  auto state = std::make_shared<RouteState>();
  state->resolution = std::move(resolution);
  state->admission = *std::move(admitted);
  request->edge_state = std::move(state);
  return false;
}

void HttpEdge::Handle(const HttpRequest& request, HttpResponse* response) {
  if (request.edge_state != nullptr) {
    const auto& state = *static_cast<const RouteState*>(request.edge_state.get());
    const Route& route = *state.resolution.route;
    response->headers.emplace_back("X-Request-Id", state.admission.call.request_id);
    auto* factory = google::protobuf::MessageFactory::generated_factory();
    std::unique_ptr<Message> in(factory->GetPrototype(route.rpc->method->input_type())->New());
    if (absl::Status s = BuildRequest(route, state.resolution.bindings, request, in.get()); !s.ok()) {
      return WriteError(s, response);
    }
    grpc::ByteBuffer bytes;
    bool own = false;
    (void)grpc::SerializationTraits<Message>::Serialize(*in, &bytes, &own);
    auto answer = RunUnary(parts_, state.admission, bytes);
    if (!answer.ok()) return WriteError(answer.status(), response);
    std::unique_ptr<Message> out(factory->GetPrototype(route.rpc->method->output_type())->New());
    if (!grpc::SerializationTraits<Message>::Deserialize(&*answer, out.get()).ok()) {
      return WriteError(Error(absl::StatusCode::kInternal, "the service's answer cannot be parsed", "系统内部错误"),
                        response);
    }
    return WriteResponse(route, *out, response);
  }
  if (request.path == "/healthz" && request.method == "GET") {
    nlohmann::json body;
    bool all_serving = true;
    for (const auto& [name, state] : parts_.backends->Health()) {
      body["backends"][name] = state;
      all_serving = all_serving && state == "SERVING";
    }
    body["gateway"] = "SERVING";
    body["identity"] = parts_.identities->in_sync() ? "LIVE" : "ASKING_REGISTRY";
    body["status"] = all_serving ? "SERVING" : "DEGRADED";
    response->status = all_serving ? 200 : 503;
    response->content_type = kJson;
    response->body = body.dump();
    return;
  }
  if (request.path == "/metrics" && request.method == "GET") {
    response->content_type = "text/plain; version=0.0.4; charset=utf-8";
    response->body = MetricsText();
    return;
  }
  if (absl::StartsWith(request.path, kSdmxStructure) && request.method == "GET") {
    response->content_type = "application/vnd.sdmx.structure+json;version=2.0.0";
    response->body = sdmx::IndicatorCodelistJson();
    return;
  }
  if (absl::StartsWith(request.path, kSdmxData) && request.method == "GET") {
    auto admitted = Admit(parts_, &SdmxRpc(), request.Header("authorization"), request.Header("x-request-id"),
                          ClientAddress(request.remote_address, request.Header("x-real-ip"), parts_.trusted_proxies),
                          DeadlineOf(request));
    if (!admitted.ok()) return Refuse(admitted.status(), response);
    return HandleSdmx(request, *admitted, response);
  }
  if (files_ != nullptr && files_->Serve(request, response)) return;
  NotFound(request, response);
}

void HttpEdge::HandleSdmx(const HttpRequest& request, const Admission& admission, HttpResponse* response) {
  const std::string accept = request.Header("accept");
  if (!accept.empty() && accept.find("csv") == std::string::npos && accept.find("*/*") == std::string::npos) {
    WriteError(
        Error(absl::StatusCode::kInvalidArgument,
              "only SDMX-CSV 2.0 (application/vnd.sdmx.data+csv;version=2.0.0) is served", "仅提供 SDMX-CSV 2.0 格式"),
        response);
    response->status = 406;
    return;
  }
  // /sdmx/data/dataflow/{agency}/{flow}/{version}[/{key}]
  std::vector<std::string> parts = absl::StrSplit(request.path.substr(std::string(kSdmxData).size()), '/');
  if (parts.size() < 4 || parts.size() > 5 || parts[0] != "dataflow") return NotFound(request, response);
  std::string time_filter;
  for (const auto& [name, value] : request.query) {
    if (name == "c[TIME_PERIOD]") time_filter = value;
  }
  auto query = sdmx::ParseDataQuery(parts[1], parts[2], parts[3], parts.size() == 5 ? parts[4] : "", time_filter);
  if (!query.ok()) return WriteError(query.status(), response);
  std::string body = sdmx::CsvHeader() + "\n";
  int rows = 0;
  // Reporting periods from February 2000 to the current month.
  const std::string now = absl::FormatTime("%Y-%m", absl::Now(), absl::FixedTimeZone(8 * 3600));
  const auto periods = sdmx::PeriodsOf(*query, query->from.value_or(now), query->to.value_or(now));
  if (periods.size() > 120) {
    return WriteError(InvalidField("c[TIME_PERIOD]", "may span at most 120 periods", "时间范围最多 120 个月"),
                      response);
  }
  for (const std::string& period : periods) {
    auto city = gateway_.CityIndicators(admission.call, period);
    if (!city.ok()) return WriteError(city.status(), response);
    if (city->reported_count() == 0) continue;  // no figure for that period: nothing to publish, not zeros
    for (const std::string& row : sdmx::CsvRows(*query, "331181", *city)) {
      body += row + "\n";
      ++rows;
    }
  }
  if (rows == 0) {
    response->status = 204;
    return;
  }
  response->status = 200;
  response->content_type = sdmx::kMediaType;
  response->body = std::move(body);
}

}  // namespace saima::gateway
