#include "gateway/http_edge.h"

#include <algorithm>
#include <fstream>
#include <optional>
#include <tuple>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "common/ops.h"
#include "common/period.h"
#include "common/policy.h"
#include "common/status.h"
#include "gateway/sdmx.h"
#include "gateway/sdmx_structure.h"
#include "gateway/web_session.h"
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
    const std::string& method = route.rpc->method->full_name();
    const bool cookie_session = UsesCookieSession(request, method);
    if (cookie_session) TakeRefreshCookie(request, method, in.get());
    grpc::ByteBuffer bytes;
    bool own = false;
    (void)grpc::SerializationTraits<Message>::Serialize(*in, &bytes, &own);
    auto answer = RunUnary(parts_, state.admission, bytes);
    if (!answer.ok()) {
      if (cookie_session) AnswerRefreshCookie(method, false, nullptr, response);
      return WriteError(answer.status(), response);
    }
    std::unique_ptr<Message> out(factory->GetPrototype(route.rpc->method->output_type())->New());
    if (!grpc::SerializationTraits<Message>::Deserialize(&*answer, out.get()).ok()) {
      return WriteError(Error(absl::StatusCode::kInternal, "the service's answer cannot be parsed", "系统内部错误"),
                        response);
    }
    if (cookie_session) AnswerRefreshCookie(method, true, out.get(), response);
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
    return HandleSdmxStructure(request, response);
  }
  if (absl::StartsWith(request.path, kSdmxData) && request.method == "GET") {
    // Without a token, only when the city publishes its statistics (--sdmx_public_key_file): then the call is
    // made with that read-only key, and only published periods are served.
    std::string authorization = request.Header("authorization");
    std::string public_key;
    if (authorization.empty() && !sdmx_public_key_file_.empty()) {
      std::ifstream in(sdmx_public_key_file_);
      std::getline(in, public_key);
    }
    const bool anonymous = !public_key.empty();
    if (anonymous) authorization = "Bearer " + public_key;
    auto admitted = Admit(parts_, &SdmxRpc(), authorization, request.Header("x-request-id"),
                          ClientAddress(request.remote_address, request.Header("x-real-ip"), parts_.trusted_proxies),
                          DeadlineOf(request));
    if (!admitted.ok()) return Refuse(admitted.status(), response);
    return HandleSdmx(request, *admitted, anonymous, response);
  }
  if (files_ != nullptr && files_->Serve(request, response)) return;
  NotFound(request, response);
}

namespace {

// A refusal of the Accept header: 406 with the error body.
void NotAcceptable(const absl::Status& status, HttpResponse* response) {
  WriteError(status, response);
  response->status = 406;
}

// The language of names (labels=name|both): en when the client prefers English, else zh.
std::string LanguageOf(const HttpRequest& request) {
  const std::string languages = absl::AsciiStrToLower(request.Header("accept-language"));
  return absl::StartsWith(languages, "en") ? "en" : "zh";
}

// The month of a period's reporting (YYYY-MM, 02–12), from a month bound of a query: January belongs to the
// 1–2月 report, so a lower bound in January starts at February and an upper bound in January ends at the
// previous December.
std::optional<Period> LowerPeriod(const std::string& month) {
  if (absl::EndsWith(month, "-01")) return Period::Parse(month.substr(0, 5) + "02");
  return Period::Parse(month);
}
std::optional<Period> UpperPeriod(const std::string& month) {
  if (absl::EndsWith(month, "-01")) {
    int year = 0;
    if (!absl::SimpleAtoi(month.substr(0, 4), &year)) return std::nullopt;
    return Period::Parse(absl::StrCat(year - 1, "-12"));
  }
  return Period::Parse(month);
}

constexpr size_t kMaxPeriods = 120;  // ten years of months in one query
constexpr int kEmptyRunToStop = 24;  // going back without a lower bound: stop after two empty years

}  // namespace

// SDMX names the city by its division code: without one configured there is nothing to publish.
absl::Status SdmxConfigured(const sdmx::Settings& settings) {
  if (!settings.region_code.empty()) return absl::OkStatus();
  return Error(absl::StatusCode::kUnavailable, "SDMX is not configured: the gateway needs --region_code",
               "未配置本市行政区划代码 (--region_code)，SDMX 暂不可用");
}

void HttpEdge::HandleSdmx(const HttpRequest& request, const Admission& admission, bool anonymous,
                          HttpResponse* response) {
  if (auto s = SdmxConfigured(sdmx_); !s.ok()) return WriteError(s, response);
  auto format = sdmx::NegotiateCsv(request.Header("accept"));
  if (!format.ok()) return NotAcceptable(format.status(), response);
  // /sdmx/data/{context}/{agency}/{flow}/{version}[/{key}]
  std::vector<std::string> parts = absl::StrSplit(request.path.substr(std::string(kSdmxData).size()), '/');
  if (parts.size() < 4 || parts.size() > 5) return NotFound(request, response);
  auto query =
      sdmx::ParseDataQuery(parts[0], parts[1], parts[2], parts[3], parts.size() == 5 ? parts[4] : "", request.query);
  if (!query.ok()) return WriteError(query.status(), response);
  const std::string now = absl::FormatTime("%Y-%m", absl::Now(), absl::FixedTimeZone(8 * 3600));
  auto upper = UpperPeriod(query->to && *query->to < now ? *query->to : now);
  auto lower = query->from ? LowerPeriod(*query->from) : std::nullopt;
  std::vector<sdmx::Observation> observations;
  auto take = [&](const Period& period, bool* had_data) -> absl::Status {
    auto city = gateway_.CityIndicators(admission.call, period.ToString());
    if (!city.ok()) return city.status();
    *had_data = city->reported_count() > 0;
    // No figure for that period: nothing to publish, never zeros. Without a token, only what the bureau published.
    if (!*had_data || (anonymous && !city->published())) return absl::OkStatus();
    if (query->updated_after && city->updated_time().seconds() <= *query->updated_after) return absl::OkStatus();
    for (auto& o : sdmx::ObservationsOf(sdmx_, *city)) {
      if (query->Matches(o)) observations.push_back(std::move(o));
    }
    return absl::OkStatus();
  };
  if (upper && lower) {
    std::vector<Period> periods;
    for (Period p = *lower; !(*upper < p); p = p.Next()) {
      if (periods.size() == kMaxPeriods) {
        return WriteError(InvalidField("c[TIME_PERIOD]", "may span at most 120 periods", "时间范围最多 120 个月"),
                          response);
      }
      periods.push_back(p);
    }
    for (const Period& p : periods) {
      bool had_data = false;
      if (auto s = take(p, &had_data); !s.ok()) return WriteError(s, response);
    }
  } else if (upper) {
    // No lower bound: back from the upper one, until two years without data once data was found, or ten years.
    bool found = false;
    int empty_run = 0;
    Period p = *upper;
    for (size_t i = 0; i < kMaxPeriods && !(found && empty_run >= kEmptyRunToStop); ++i, p = p.Previous()) {
      bool had_data = false;
      if (auto s = take(p, &had_data); !s.ok()) return WriteError(s, response);
      found = found || had_data;
      empty_run = had_data ? 0 : empty_run + 1;
    }
  }
  observations = sdmx::KeepFirstLast(*query, std::move(observations));
  if (observations.empty()) {
    response->status = 204;
    return;
  }
  std::stable_sort(observations.begin(), observations.end(), [](const auto& a, const auto& b) {
    return std::tie(a.freq, a.ref_area, a.indicator, a.time_period) <
           std::tie(b.freq, b.ref_area, b.indicator, b.time_period);
  });
  response->status = 200;
  std::string media_type = sdmx::kCsvMediaType;
  if (format->labels != "id") absl::StrAppend(&media_type, ";labels=", format->labels);
  if (format->keys != "none") absl::StrAppend(&media_type, ";keys=", format->keys);
  response->content_type = media_type + ";charset=utf-8";
  response->body = sdmx::ToCsv(observations, query->columns, *format, sdmx_, LanguageOf(request));
}

void HttpEdge::HandleSdmxStructure(const HttpRequest& request, HttpResponse* response) {
  if (auto s = SdmxConfigured(sdmx_); !s.ok()) return WriteError(s, response);
  auto format = sdmx::NegotiateStructure(request.Header("accept"));
  if (!format.ok()) return NotAcceptable(format.status(), response);
  std::vector<std::string> parts =
      absl::StrSplit(request.path.substr(std::string(kSdmxStructure).size()), '/', absl::SkipEmpty());
  auto query = sdmx::ParseStructureQuery(parts, request.query);
  if (!query.ok()) return WriteError(query.status(), response);
  auto message = sdmx::StructureMessage(sdmx_, *query, *format, absl::Now());
  if (!message.ok()) return WriteError(message.status(), response);
  response->status = 200;
  response->content_type = absl::StrCat(sdmx::MediaTypeOf(*format), ";charset=utf-8");
  response->body = *std::move(message);
}

}  // namespace saima::gateway
