#include "gateway/http_api.h"

#include <httplib.h>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/ops.h"
#include "common/status.h"
#include "gateway/contest_export.h"
#include "gateway/dispatch_export.h"
#include "gateway/sdmx.h"
#include "google/protobuf/util/json_util.h"
#include "nlohmann/json.hpp"
#include "spdlog/spdlog.h"

namespace saima::gateway {
namespace {

namespace reg = ::saima::registry::v1;
namespace st = ::saima::stats::v1;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

constexpr char kJson[] = "application/json; charset=utf-8";

void WriteError(httplib::Response& res, const absl::Status& status) {
  res.status = HttpStatusOf(status.code());
  res.set_content(StatusToJson(status), kJson);
}

void WriteMessage(httplib::Response& res, const Message& message) {
  std::string json;
  google::protobuf::util::JsonPrintOptions options;
  options.always_print_primitive_fields = true;
  (void)google::protobuf::util::MessageToJsonString(message, &json, options);
  res.status = 200;
  res.set_content(json, kJson);
}

template <typename T>
void Reply(httplib::Response& res, const absl::StatusOr<T>& result) {
  if (result.ok()) {
    WriteMessage(res, *result);
  } else {
    WriteError(res, result.status());
  }
}

// Finds a field by its JSON name (camelCase) or its proto name (snake_case).
const FieldDescriptor* FindField(const google::protobuf::Descriptor* d, const std::string& name) {
  if (const auto* f = d->FindFieldByName(name)) return f;
  for (int i = 0; i < d->field_count(); ++i) {
    if (d->field(i)->json_name() == name) return d->field(i);
  }
  return nullptr;
}

// Sets one field of `message` from a query parameter's text, through the JSON mapping so that enum names,
// numbers and 64-bit integers follow the same rules as bodies. Violations name the parameter.
void SetFromQuery(Message& message, const FieldDescriptor* field, const std::string& param, const std::string& value,
                  Violations& v) {
  std::string json_value;
  const bool numeric = !value.empty() && value.find_first_not_of("0123456789-") == std::string::npos;
  if (field->type() == FieldDescriptor::TYPE_STRING || !numeric) {
    json_value = nlohmann::json(value).dump();
  } else {
    json_value = value;
  }
  std::unique_ptr<Message> one(message.New());
  auto status = google::protobuf::util::JsonStringToMessage(
      absl::StrCat("{\"", field->json_name(), "\":", json_value, "}"), one.get());
  if (!status.ok()) {
    v.Add(param, absl::StrCat("invalid value '", value, "' for ", field->json_name()));
    return;
  }
  message.MergeFrom(*one);
}

// Fills a ProjectFilter and (optionally) paging fields from the query string.
absl::Status ParseProjectQuery(const httplib::Request& req, reg::ProjectFilter& filter, int32_t* page_size,
                               std::string* page_token) {
  Violations v;
  for (const auto& [key, value] : req.params) {
    if (page_size != nullptr && (key == "pageSize" || key == "page_size")) {
      if (!absl::SimpleAtoi(value, page_size)) v.Add(key, "must be a whole number");
    } else if (page_token != nullptr && (key == "pageToken" || key == "page_token")) {
      *page_token = value;
    } else if (const auto* field = FindField(reg::ProjectFilter::descriptor(), key)) {
      SetFromQuery(filter, field, key, value, v);
    } else {
      v.Add(key, "is not a known query parameter");
    }
  }
  return v.ToStatus();
}

// Fills the scalar and enum fields of a request from the query string; unknown parameters are refused.
absl::Status ParseQuery(const httplib::Request& req, Message& message) {
  Violations v;
  for (const auto& [key, value] : req.params) {
    const auto* field = FindField(message.GetDescriptor(), key);
    if (field == nullptr || field->type() == FieldDescriptor::TYPE_MESSAGE) {
      v.Add(key, "is not a known query parameter");
    } else {
      SetFromQuery(message, field, key, value, v);
    }
  }
  return v.ToStatus();
}

absl::Status ParseBody(const std::string& body, Message& message) {
  if (body.empty()) return InvalidField("body", "must be a JSON object");
  google::protobuf::util::JsonParseOptions options;
  auto status = google::protobuf::util::JsonStringToMessage(body, &message, options);
  if (!status.ok()) {
    return InvalidField("body", absl::StrCat("is not a valid ", message.GetDescriptor()->name(),
                                             " in JSON: ", std::string(status.message())));
  }
  return absl::OkStatus();
}

absl::StatusOr<int64_t> PathId(const httplib::Request& req) {
  int64_t id = 0;
  if (!absl::SimpleAtoi(req.matches[1].str(), &id) || id <= 0)
    return InvalidField("project_id", "must be a positive id");
  return id;
}

// Builds the UpdateProjectRequest of a PATCH: the body's keys are the fields to change, its "revision" the
// revision the client read.
absl::StatusOr<gw::UpdateProjectRequest> ParsePatch(const httplib::Request& req, int64_t project_id) {
  gw::UpdateProjectRequest update;
  update.set_project_id(project_id);
  nlohmann::json body = nlohmann::json::parse(req.body, nullptr, /*allow_exceptions=*/false);
  if (!body.is_object()) return InvalidField("body", "must be a JSON object");
  Violations v;
  if (req.has_header("If-Match")) {
    int64_t revision = 0;
    if (!absl::SimpleAtoi(req.get_header_value("If-Match"), &revision)) v.Add("If-Match", "must be a revision number");
    update.set_expected_revision(revision);
  }
  if (body.contains("revision")) {
    const auto& r = body["revision"];
    int64_t revision = 0;
    if ((r.is_string() && absl::SimpleAtoi(r.get<std::string>(), &revision)) || r.is_number_integer()) {
      update.set_expected_revision(r.is_string() ? revision : r.get<int64_t>());
    } else {
      v.Add("revision", "must be the revision number read");
    }
    body.erase("revision");
  }
  if (req.has_param("updateMask")) {
    for (absl::string_view path : absl::StrSplit(req.get_param_value("updateMask"), ',', absl::SkipEmpty())) {
      const auto* field = FindField(reg::Project::descriptor(), std::string(path));
      update.mutable_update_mask()->add_paths(field ? field->name() : std::string(path));
    }
  } else {
    for (const auto& item : body.items()) {
      const auto* field = FindField(reg::Project::descriptor(), item.key());
      if (field == nullptr) {
        v.Add(absl::StrCat("body.", item.key()), "is not a field of Project");
      } else {
        update.mutable_update_mask()->add_paths(field->name());
      }
    }
  }
  if (!v.ok()) return v.ToStatus();
  if (absl::Status s = ParseBody(body.dump(), *update.mutable_project()); !s.ok()) return s;
  return update;
}

}  // namespace

std::string RouteOf(const std::string& path) {
  // Ids, periods and names in a path become placeholders, so that the routes' label values stay few.
  std::vector<std::string> parts = absl::StrSplit(path, '/');
  for (size_t i = 0; i < parts.size(); ++i) {
    std::string& part = parts[i];
    const auto colon = part.find(':');
    std::string head = part.substr(0, colon);
    const std::string tail = colon == std::string::npos ? "" : part.substr(colon);
    if (i > 0 && parts[i - 1] == "sheets" && i + 1 < parts.size()) {
      part = "{judge}";
      parts[i + 1] = "{unit}" + parts[i + 1].substr(std::min(parts[i + 1].find(':'), parts[i + 1].size()));
      ++i;
      continue;
    }
    if (!head.empty() && head.find_first_not_of("0123456789") == std::string::npos) {
      head = "{id}";
    } else if (head.size() == 7 && head[4] == '-' && head.find_first_not_of("0123456789-") == std::string::npos) {
      head = "{period}";
    } else if (parts.size() == 2 && head != "healthz" && head != "metrics" && !head.empty()) {
      head = "{file}";  // the dashboard's static files
    }
    part = head + tail;
  }
  if (absl::StartsWith(path, "/sdmx/")) return parts.size() > 3 ? absl::StrCat("/sdmx/", parts[2], "/…") : path;
  return absl::StrJoin(parts, "/");
}

template <typename Handler>
std::function<void(const httplib::Request&, httplib::Response&)> HttpApi::Authed(Handler handler) {
  // Authenticates, assigns the request id, and passes a CallInfo.
  return [this, handler](const httplib::Request& req, httplib::Response& res) {
    std::string request_id = req.get_header_value("X-Request-Id");
    if (request_id.empty()) request_id = NewRequestId();
    res.set_header("X-Request-Id", request_id);
    auto identity = tokens_.Authenticate(req.get_header_value("Authorization"), req.remote_addr);
    if (absl::IsResourceExhausted(identity.status())) {
      res.set_header("Retry-After", std::to_string(tokens_.RetryAfterSeconds()));
    }
    if (!identity.ok()) return WriteError(res, identity.status());
    handler(CallInfo{*std::move(identity), request_id, nullptr}, req, res);
  };
}

template <typename Request, typename Method>
void HttpApi::Query(httplib::Server& server, const char* path, Method method) {
  server.Get(path, Authed([this, method](const CallInfo& call, const httplib::Request& req, httplib::Response& res) {
               Request request;
               if (absl::Status s = ParseQuery(req, request); !s.ok()) return WriteError(res, s);
               Reply(res, (gateway_.*method)(call, request));
             }));
}

template <typename Request, typename Method, typename Tables>
void HttpApi::Report(httplib::Server& server, const char* path, Method method, Tables tables, const char* file) {
  server.Get(path, Authed([this, method, tables, file](const CallInfo& call, const httplib::Request& req,
                                                       httplib::Response& res) {
               httplib::Request rest = req;
               const std::string format = req.get_param_value("format");
               rest.params.erase("format");
               if (!format.empty() && format != "json" && format != "xlsx") {
                 return WriteError(res, InvalidField("format", "must be json or xlsx"));
               }
               Request request;
               if (absl::Status s = ParseQuery(rest, request); !s.ok()) return WriteError(res, s);
               auto report = (gateway_.*method)(call, request);
               if (!report.ok() || format != "xlsx") return Reply(res, report);
               auto xlsx = ToXlsx(tables(*report));
               if (!xlsx.ok()) return WriteError(res, xlsx.status());
               res.set_header("Content-Disposition", absl::StrCat("attachment; filename=\"", file, ".xlsx\""));
               res.set_content(*xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
             }));
}

void HttpApi::Register(httplib::Server& server) {
  auto authed = [this](auto handler) { return Authed(handler); };

  server.Get("/healthz", [this](const httplib::Request&, httplib::Response& res) {
    nlohmann::json body;
    bool all_serving = true;
    for (const auto& [name, state] : gateway_.BackendHealth()) {
      body["backends"][name] = state;
      all_serving = all_serving && state == "SERVING";
    }
    body["gateway"] = "SERVING";
    body["status"] = all_serving ? "SERVING" : "DEGRADED";
    res.status = all_serving ? 200 : 503;
    res.set_content(body.dump(), kJson);
  });

  server.Get("/v1/whoami", authed([this](const CallInfo& call, const httplib::Request&, httplib::Response& res) {
               Reply(res, gateway_.WhoAmI(call, gw::WhoAmIRequest()));
             }));

  server.Get("/v1/units", authed([this](const CallInfo& call, const httplib::Request& req, httplib::Response& res) {
               gw::ListUnitsRequest request;
               Violations v;
               for (const auto& [key, value] : req.params) {
                 if (const auto* field = FindField(gw::ListUnitsRequest::descriptor(), key)) {
                   SetFromQuery(request, field, key, value, v);
                 } else {
                   v.Add(key, "is not a known query parameter");
                 }
               }
               if (!v.ok()) return WriteError(res, v.ToStatus());
               Reply(res, gateway_.ListUnits(call, request));
             }));

  server.Post("/v1/units", authed([this](const CallInfo& call, const httplib::Request& req, httplib::Response& res) {
                gw::CreateUnitRequest request;
                if (absl::Status s = ParseBody(req.body, *request.mutable_unit()); !s.ok()) return WriteError(res, s);
                Reply(res, gateway_.CreateUnit(call, request));
              }));

  server.Get("/v1/projects", authed([this](const CallInfo& call, const httplib::Request& req, httplib::Response& res) {
               gw::ListProjectsRequest request;
               int32_t page_size = 0;
               std::string page_token;
               if (absl::Status s = ParseProjectQuery(req, *request.mutable_filter(), &page_size, &page_token);
                   !s.ok()) {
                 return WriteError(res, s);
               }
               request.set_page_size(page_size);
               request.set_page_token(page_token);
               Reply(res, gateway_.ListProjects(call, request));
             }));

  server.Get("/v1/projects:summary",
             authed([this](const CallInfo& call, const httplib::Request& req, httplib::Response& res) {
               gw::SummarizeProjectsRequest request;
               if (absl::Status s = ParseProjectQuery(req, *request.mutable_filter(), nullptr, nullptr); !s.ok()) {
                 return WriteError(res, s);
               }
               Reply(res, gateway_.SummarizeProjects(call, request));
             }));

  server.Post("/v1/projects", authed([this](const CallInfo& call, const httplib::Request& req, httplib::Response& res) {
                gw::CreateProjectRequest request;
                if (absl::Status s = ParseBody(req.body, *request.mutable_project()); !s.ok())
                  return WriteError(res, s);
                request.set_request_id(req.get_header_value("Idempotency-Key"));
                Reply(res, gateway_.CreateProject(call, request));
              }));

  server.Get(R"(/v1/projects/(\d+))",
             authed([this](const CallInfo& call, const httplib::Request& req, httplib::Response& res) {
               auto id = PathId(req);
               if (!id.ok()) return WriteError(res, id.status());
               gw::GetProjectRequest request;
               request.set_project_id(*id);
               Reply(res, gateway_.GetProject(call, request));
             }));

  server.Get(R"(/v1/projects/(\d+)/history)",
             authed([this](const CallInfo& call, const httplib::Request& req, httplib::Response& res) {
               auto id = PathId(req);
               if (!id.ok()) return WriteError(res, id.status());
               gw::ListProjectHistoryRequest request;
               request.set_project_id(*id);
               Reply(res, gateway_.ListProjectHistory(call, request));
             }));

  server.Get(R"(/v1/projects/(\d+)/figures)",
             authed([this](const CallInfo& call, const httplib::Request& req, httplib::Response& res) {
               auto id = PathId(req);
               if (!id.ok()) return WriteError(res, id.status());
               gw::ListProjectFiguresRequest request;
               if (absl::Status s = ParseQuery(req, request); !s.ok()) return WriteError(res, s);
               request.set_project_id(*id);
               Reply(res, gateway_.ListProjectFigures(call, request));
             }));

  server.Get(R"(/v1/projects/(\d+)/oc4ids)",
             authed([this](const CallInfo& call, const httplib::Request& req, httplib::Response& res) {
               auto id = PathId(req);
               if (!id.ok()) return WriteError(res, id.status());
               auto dossier = gateway_.ProjectDossier(call, *id);
               if (!dossier.ok()) return WriteError(res, dossier.status());
               const std::string today = absl::FormatTime("%Y-%m-%d", absl::Now(), absl::LocalTimeZone());
               res.status = 200;
               res.set_content(oc4ids::ToProjectJson(*dossier, oc4ids_prefix_, today), kJson);
             }));

  server.Patch(R"(/v1/projects/(\d+))",
               authed([this](const CallInfo& call, const httplib::Request& req, httplib::Response& res) {
                 auto id = PathId(req);
                 if (!id.ok()) return WriteError(res, id.status());
                 auto request = ParsePatch(req, *id);
                 if (!request.ok()) return WriteError(res, request.status());
                 Reply(res, gateway_.UpdateProject(call, *request));
               }));

  // Statistics. Query strings fill the request's scalar fields; "scope" is the Scope's name.
  server.Get("/v1/indicators",
             authed([this](const CallInfo& call, const httplib::Request& req, httplib::Response& res) {
               gw::GetIndicatorsRequest request;
               httplib::Request rest = req;
               if (auto it = rest.params.find("scope"); it != rest.params.end()) {
                 request.mutable_scope()->set_name(it->second);
                 rest.params.erase(it);
               }
               if (absl::Status s = ParseQuery(rest, request); !s.ok()) return WriteError(res, s);
               Reply(res, gateway_.GetIndicators(call, request));
             }));
  Query<gw::GetCityReportRequest>(server, "/v1/reports/city", &Gateway::GetCityReport);
  server.Get("/v1/reports/provincial",
             authed([this](const CallInfo& call, const httplib::Request& req, httplib::Response& res) {
               gw::GetProvincialPackageRequest request;
               if (absl::Status s = ParseQuery(req, request); !s.ok()) return WriteError(res, s);
               auto package = gateway_.GetProvincialPackage(call, request);
               if (!package.ok()) return WriteError(res, package.status());
               res.status = 200;
               res.set_header("Content-Disposition", "attachment; filename=\"" + package->file_name() + "\"");
               res.set_content(package->content(), package->content_type().c_str());
             }));
  Query<gw::ListProjectStatusesRequest>(server, "/v1/project-statuses", &Gateway::ListProjectStatuses);
  Query<gw::RankUnitsRequest>(server, "/v1/unit-rankings", &Gateway::RankUnits);
  Query<gw::ListRukuApplicationsRequest>(server, "/v1/ruku/applications", &Gateway::ListRukuApplications);
  Query<gw::ListMissingRukuRequest>(server, "/v1/ruku/missing", &Gateway::ListMissingRuku);

  server.Put("/v1/plans", authed([this](const CallInfo& call, const httplib::Request& req, httplib::Response& res) {
               gw::SetAnnualPlanRequest request;
               if (absl::Status s = ParseBody(req.body, *request.mutable_plan()); !s.ok()) return WriteError(res, s);
               request.set_request_id(req.get_header_value("Idempotency-Key"));
               Reply(res, gateway_.SetAnnualPlan(call, request));
             }));
  server.Post("/v1/monthly-reports",
              authed([this](const CallInfo& call, const httplib::Request& req, httplib::Response& res) {
                gw::SubmitMonthlyReportRequest request;
                if (absl::Status s = ParseBody(req.body, *request.mutable_report()); !s.ok()) return WriteError(res, s);
                request.set_request_id(req.get_header_value("Idempotency-Key"));
                Reply(res, gateway_.SubmitMonthlyReport(call, request));
              }));
  server.Post("/v1/monthly-reports:verify",
              authed([this](const CallInfo& call, const httplib::Request& req, httplib::Response& res) {
                gw::VerifyMonthlyReportRequest request;
                if (absl::Status s = ParseBody(req.body, *request.mutable_report()); !s.ok()) return WriteError(res, s);
                request.set_request_id(req.get_header_value("Idempotency-Key"));
                Reply(res, gateway_.VerifyMonthlyReport(call, request));
              }));
  server.Post("/v1/monthly-reports:correct",
              authed([this](const CallInfo& call, const httplib::Request& req, httplib::Response& res) {
                gw::CorrectMonthlyReportRequest request;
                if (absl::Status s = ParseBody(req.body, request); !s.ok()) return WriteError(res, s);
                request.set_request_id(req.get_header_value("Idempotency-Key"));
                Reply(res, gateway_.CorrectMonthlyReport(call, request));
              }));
  server.Get(R"(/v1/monthly-reports/(\d+)/(\d{4}-\d{2}))",
             authed([this](const CallInfo& call, const httplib::Request& req, httplib::Response& res) {
               gw::GetMonthlyReportRequest request;
               request.set_project_id(std::stoll(req.matches[1].str()));
               request.set_period(req.matches[2].str());
               Reply(res, gateway_.GetMonthlyReport(call, request));
             }));
  server.Get(R"(/v1/monthly-reports/(\d+)/(\d{4}-\d{2})/versions)",
             authed([this](const CallInfo& call, const httplib::Request& req, httplib::Response& res) {
               gw::ListMonthlyReportVersionsRequest request;
               request.set_project_id(std::stoll(req.matches[1].str()));
               request.set_period(req.matches[2].str());
               Reply(res, gateway_.ListMonthlyReportVersions(call, request));
             }));
  server.Post(R"(/v1/periods/(\d{4}-\d{2}):lock)",
              authed([this](const CallInfo& call, const httplib::Request& req, httplib::Response& res) {
                gw::LockPeriodRequest request;
                request.set_period(req.matches[1].str());
                Reply(res, gateway_.LockPeriod(call, request));
              }));
  server.Post("/v1/peer-figures",
              authed([this](const CallInfo& call, const httplib::Request& req, httplib::Response& res) {
                gw::SetPeerFiguresRequest request;
                if (absl::Status s = ParseBody(req.body, request); !s.ok()) return WriteError(res, s);
                Reply(res, gateway_.SetPeerFigures(call, request));
              }));

  // SDMX: the city indicators as the dataflow SAIMA:FAI(1.0) in SDMX-CSV 2.0 (see gateway/sdmx.h).
  server.Get(
      R"(/sdmx/data/dataflow/([^/]+)/([^/]+)/([^/]+)(?:/([^/]*))?)",
      authed([this](const CallInfo& call, const httplib::Request& req, httplib::Response& res) {
        const std::string accept = req.get_header_value("Accept");
        if (!accept.empty() && accept.find("csv") == std::string::npos && accept.find("*/*") == std::string::npos) {
          res.status = 406;
          res.set_content(StatusToJson(absl::InvalidArgumentError(
                              "only SDMX-CSV 2.0 (application/vnd.sdmx.data+csv;version=2.0.0) is served")),
                          kJson);
          return;
        }
        auto query = sdmx::ParseDataQuery(req.matches[1].str(), req.matches[2].str(), req.matches[3].str(),
                                          req.matches[4].str(), req.get_param_value("c[TIME_PERIOD]"));
        if (!query.ok()) return WriteError(res, query.status());
        std::string body = sdmx::CsvHeader() + "\n";
        int rows = 0;
        // Reporting periods from February 2000 to the current month.
        const std::string now = absl::FormatTime("%Y-%m", absl::Now(), absl::LocalTimeZone());
        const auto periods = sdmx::PeriodsOf(*query, query->from.value_or(now), query->to.value_or(now));
        if (periods.size() > 120) {
          return WriteError(res, InvalidField("c[TIME_PERIOD]", "may span at most 120 periods"));
        }
        for (const std::string& period : periods) {
          gw::GetIndicatorsRequest request;
          request.set_period(period);
          auto indicators = gateway_.GetIndicators(call, request);
          if (!indicators.ok()) return WriteError(res, indicators.status());
          st::GetIndicatorsResponse city;
          city.ParseFromString(indicators->SerializeAsString());
          if (city.project_count() == 0) continue;  // no data for that period
          for (const std::string& row : sdmx::CsvRows(*query, "331181", city)) {
            body += row + "\n";
            ++rows;
          }
        }
        if (rows == 0) {
          res.status = 204;
          return;
        }
        res.status = 200;
        res.set_content(body, sdmx::kMediaType);
      }));
  server.Get(R"(/sdmx/structure/codelist/SAIMA/(CL_INDICATOR|CL_FREQ|all)(?:/[^/]*)?)",
             [](const httplib::Request&, httplib::Response& res) {
               res.set_content(sdmx::IndicatorCodelistJson(), "application/vnd.sdmx.structure+json;version=2.0.0");
             });

  // Milestones and documents of a project.
  server.Post(R"(/v1/projects/(\d+)/milestones)",
              authed([this](const CallInfo& call, const httplib::Request& req, httplib::Response& res) {
                gw::AddMilestoneRequest request;
                if (absl::Status s = ParseBody(req.body, *request.mutable_milestone()); !s.ok())
                  return WriteError(res, s);
                request.mutable_milestone()->set_project_id(std::stoll(req.matches[1].str()));
                request.set_request_id(req.get_header_value("Idempotency-Key"));
                Reply(res, gateway_.AddMilestone(call, request));
              }));
  server.Get(R"(/v1/projects/(\d+)/milestones)",
             authed([this](const CallInfo& call, const httplib::Request& req, httplib::Response& res) {
               gw::ListMilestonesRequest request;
               request.set_project_id(std::stoll(req.matches[1].str()));
               Reply(res, gateway_.ListMilestones(call, request));
             }));
  server.Patch(R"(/v1/milestones/(\d+))",
               authed([this](const CallInfo& call, const httplib::Request& req, httplib::Response& res) {
                 gw::UpdateMilestoneRequest request;
                 nlohmann::json body = nlohmann::json::parse(req.body, nullptr, false);
                 if (!body.is_object()) return WriteError(res, InvalidField("body", "must be a JSON object"));
                 for (const auto& item : body.items()) {
                   const auto* field = FindField(reg::Milestone::descriptor(), item.key());
                   request.mutable_update_mask()->add_paths(field ? field->name() : item.key());
                 }
                 if (absl::Status s = ParseBody(req.body, *request.mutable_milestone()); !s.ok())
                   return WriteError(res, s);
                 request.mutable_milestone()->set_milestone_id(std::stoll(req.matches[1].str()));
                 Reply(res, gateway_.UpdateMilestone(call, request));
               }));
  server.Post(R"(/v1/projects/(\d+)/documents)",
              authed([this](const CallInfo& call, const httplib::Request& req, httplib::Response& res) {
                gw::AddDocumentRequest request;
                if (absl::Status s = ParseBody(req.body, *request.mutable_document()); !s.ok())
                  return WriteError(res, s);
                request.mutable_document()->set_project_id(std::stoll(req.matches[1].str()));
                request.set_request_id(req.get_header_value("Idempotency-Key"));
                Reply(res, gateway_.AddDocument(call, request));
              }));
  server.Get(R"(/v1/projects/(\d+)/documents)",
             authed([this](const CallInfo& call, const httplib::Request& req, httplib::Response& res) {
               gw::ListDocumentsRequest request;
               request.set_project_id(std::stoll(req.matches[1].str()));
               Reply(res, gateway_.ListDocuments(call, request));
             }));

  // 入库 applications.
  server.Post("/v1/ruku/applications",
              authed([this](const CallInfo& call, const httplib::Request& req, httplib::Response& res) {
                gw::CreateRukuApplicationRequest request;
                if (absl::Status s = ParseBody(req.body, *request.mutable_application()); !s.ok())
                  return WriteError(res, s);
                request.set_request_id(req.get_header_value("Idempotency-Key"));
                Reply(res, gateway_.CreateRukuApplication(call, request));
              }));
  server.Get(R"(/v1/ruku/applications/(\d+))",
             authed([this](const CallInfo& call, const httplib::Request& req, httplib::Response& res) {
               gw::GetRukuApplicationRequest request;
               request.set_application_id(std::stoll(req.matches[1].str()));
               Reply(res, gateway_.GetRukuApplication(call, request));
             }));
  server.Post(R"(/v1/ruku/applications/(\d+):transition)",
              authed([this](const CallInfo& call, const httplib::Request& req, httplib::Response& res) {
                gw::TransitionRukuApplicationRequest request;
                if (absl::Status s = ParseBody(req.body, request); !s.ok()) return WriteError(res, s);
                request.set_application_id(std::stoll(req.matches[1].str()));
                request.set_request_id(req.get_header_value("Idempotency-Key"));
                Reply(res, gateway_.TransitionRukuApplication(call, request));
              }));

  // The contest (互看互学·互比互评).
  server.Post("/v1/campaigns",
              authed([this](const CallInfo& call, const httplib::Request& req, httplib::Response& res) {
                gw::CreateCampaignRequest request;
                if (absl::Status s = ParseBody(req.body, *request.mutable_campaign()); !s.ok())
                  return WriteError(res, s);
                request.set_request_id(req.get_header_value("Idempotency-Key"));
                Reply(res, gateway_.CreateCampaign(call, request));
              }));
  Query<gw::ListCampaignsRequest>(server, "/v1/campaigns", &Gateway::ListCampaigns);
  Query<gw::GetLookBackRequest>(server, "/v1/look-back", &Gateway::GetLookBack);
  // Sign-in, refresh, sign-out; accounts and API keys (system administrators).
  namespace auth_pb = ::saima::auth::v1;
  server.Post("/v1/auth/sign-in", [this](const httplib::Request& req, httplib::Response& res) {
    auth_pb::SignInRequest request;
    if (absl::Status s = ParseBody(req.body, request); !s.ok()) return WriteError(res, s);
    Reply(res, tokens_.Forward(&auth_pb::AuthService::Stub::SignIn, nullptr, req.remote_addr, request));
  });
  server.Post("/v1/auth/refresh", [this](const httplib::Request& req, httplib::Response& res) {
    auth_pb::RefreshRequest request;
    if (absl::Status s = ParseBody(req.body, request); !s.ok()) return WriteError(res, s);
    Reply(res, tokens_.Forward(&auth_pb::AuthService::Stub::Refresh, nullptr, req.remote_addr, request));
  });
  server.Post(
      "/v1/auth/sign-out", authed([this](const CallInfo& call, const httplib::Request& req, httplib::Response& res) {
        auth_pb::SignOutRequest request;
        if (!req.body.empty()) {
          if (absl::Status s = ParseBody(req.body, request); !s.ok()) return WriteError(res, s);
        }
        Reply(res,
              tokens_.Forward(&auth_pb::AuthService::Stub::SignOut, &call.identity.caller, req.remote_addr, request));
      }));
  server.Get("/v1/users", authed([this](const CallInfo& call, const httplib::Request& req, httplib::Response& res) {
               Reply(res, tokens_.Forward(&auth_pb::AuthService::Stub::ListUsers, &call.identity.caller,
                                          req.remote_addr, auth_pb::ListUsersRequest()));
             }));
  server.Post("/v1/users", authed([this](const CallInfo& call, const httplib::Request& req, httplib::Response& res) {
                auth_pb::CreateUserRequest request;
                if (absl::Status s = ParseBody(req.body, request); !s.ok()) return WriteError(res, s);
                Reply(res, tokens_.Forward(&auth_pb::AuthService::Stub::CreateUser, &call.identity.caller,
                                           req.remote_addr, request));
              }));
  server.Get("/v1/api-keys", authed([this](const CallInfo& call, const httplib::Request& req, httplib::Response& res) {
               Reply(res, tokens_.Forward(&auth_pb::AuthService::Stub::ListApiKeys, &call.identity.caller,
                                          req.remote_addr, auth_pb::ListApiKeysRequest()));
             }));
  server.Post("/v1/api-keys", authed([this](const CallInfo& call, const httplib::Request& req, httplib::Response& res) {
                auth_pb::CreateApiKeyRequest request;
                if (absl::Status s = ParseBody(req.body, *request.mutable_key()); !s.ok()) return WriteError(res, s);
                request.set_request_id(req.get_header_value("Idempotency-Key"));
                Reply(res, tokens_.Forward(&auth_pb::AuthService::Stub::CreateApiKey, &call.identity.caller,
                                           req.remote_addr, request));
              }));
  server.Post(R"(/v1/api-keys/([0-9a-f]+):revoke)",
              authed([this](const CallInfo& call, const httplib::Request& req, httplib::Response& res) {
                auth_pb::RevokeApiKeyRequest request;
                request.set_key_id(req.matches[1].str());
                Reply(res, tokens_.Forward(&auth_pb::AuthService::Stub::RevokeApiKey, &call.identity.caller,
                                           req.remote_addr, request));
              }));

  // The audit: verify the chains, list the entries of a service (who changed this row, what was it before).
  Query<saima::audit::v1::VerifyAuditRequest>(server, "/v1/audit:verify", &Gateway::VerifyAudit);
  Query<saima::audit::v1::ListAuditEntriesRequest>(server, "/v1/audit/entries", &Gateway::ListAuditEntries);
  server.Get(R"(/v1/campaigns/(\d+))",
             authed([this](const CallInfo& call, const httplib::Request& req, httplib::Response& res) {
               gw::GetCampaignRequest request;
               request.set_campaign_id(std::stoll(req.matches[1].str()));
               Reply(res, gateway_.GetCampaign(call, request));
             }));
  server.Post(R"(/v1/campaigns/(\d+)/judges)",
              authed([this](const CallInfo& call, const httplib::Request& req, httplib::Response& res) {
                gw::AddJudgeRequest request;
                if (absl::Status s = ParseBody(req.body, *request.mutable_judge()); !s.ok()) return WriteError(res, s);
                request.set_campaign_id(std::stoll(req.matches[1].str()));
                Reply(res, gateway_.AddJudge(call, request));
              }));
  server.Post(R"(/v1/campaigns/(\d+)/nominations)",
              authed([this](const CallInfo& call, const httplib::Request& req, httplib::Response& res) {
                gw::NominateProjectRequest request;
                if (absl::Status s = ParseBody(req.body, request); !s.ok()) return WriteError(res, s);
                request.set_campaign_id(std::stoll(req.matches[1].str()));
                request.set_request_id(req.get_header_value("Idempotency-Key"));
                Reply(res, gateway_.NominateProject(call, request));
              }));
  server.Get(R"(/v1/campaigns/(\d+)/nominations)",
             authed([this](const CallInfo& call, const httplib::Request& req, httplib::Response& res) {
               gw::ListNominationsRequest request;
               request.set_campaign_id(std::stoll(req.matches[1].str()));
               Reply(res, gateway_.ListNominations(call, request));
             }));
  server.Post(R"(/v1/nominations/(\d+):review)",
              authed([this](const CallInfo& call, const httplib::Request& req, httplib::Response& res) {
                gw::ReviewNominationRequest request;
                if (absl::Status s = ParseBody(req.body, request); !s.ok()) return WriteError(res, s);
                request.set_nomination_id(std::stoll(req.matches[1].str()));
                Reply(res, gateway_.ReviewNomination(call, request));
              }));
  server.Post(R"(/v1/campaigns/(\d+):finalizeSelection)",
              authed([this](const CallInfo& call, const httplib::Request& req, httplib::Response& res) {
                gw::FinalizeSelectionRequest request;
                if (absl::Status s = ParseBody(req.body, request); !s.ok()) return WriteError(res, s);
                request.set_campaign_id(std::stoll(req.matches[1].str()));
                Reply(res, gateway_.FinalizeSelection(call, request));
              }));
  server.Put(R"(/v1/campaigns/(\d+)/sheets/([^/]+)/([^/:]+))",
             authed([this](const CallInfo& call, const httplib::Request& req, httplib::Response& res) {
               gw::SaveScoreSheetRequest request;
               if (absl::Status s = ParseBody(req.body, *request.mutable_sheet()); !s.ok()) return WriteError(res, s);
               request.mutable_sheet()->set_campaign_id(std::stoll(req.matches[1].str()));
               request.mutable_sheet()->set_judge_id(req.matches[2].str());
               request.mutable_sheet()->set_unit_id(req.matches[3].str());
               Reply(res, gateway_.SaveScoreSheet(call, request));
             }));
  server.Post(R"(/v1/campaigns/(\d+)/sheets/([^/]+)/([^/:]+):submit)",
              authed([this](const CallInfo& call, const httplib::Request& req, httplib::Response& res) {
                gw::SubmitScoreSheetRequest request;
                request.set_campaign_id(std::stoll(req.matches[1].str()));
                request.set_judge_id(req.matches[2].str());
                request.set_unit_id(req.matches[3].str());
                Reply(res, gateway_.SubmitScoreSheet(call, request));
              }));
  server.Get(R"(/v1/campaigns/(\d+)/sheets)",
             authed([this](const CallInfo& call, const httplib::Request& req, httplib::Response& res) {
               gw::ListScoreSheetsRequest request;
               request.set_campaign_id(std::stoll(req.matches[1].str()));
               Reply(res, gateway_.ListScoreSheets(call, request));
             }));
  server.Post(R"(/v1/campaigns/(\d+):compute)",
              authed([this](const CallInfo& call, const httplib::Request& req, httplib::Response& res) {
                gw::ComputeResultsRequest request;
                request.set_campaign_id(std::stoll(req.matches[1].str()));
                Reply(res, gateway_.ComputeResults(call, request));
              }));
  server.Post(R"(/v1/campaigns/(\d+):publish)",
              authed([this](const CallInfo& call, const httplib::Request& req, httplib::Response& res) {
                gw::PublishResultsRequest request;
                request.set_campaign_id(std::stoll(req.matches[1].str()));
                Reply(res, gateway_.PublishResults(call, request));
              }));
  server.Get(R"(/v1/campaigns/(\d+)/results)",
             authed([this](const CallInfo& call, const httplib::Request& req, httplib::Response& res) {
               gw::GetResultsRequest request;
               request.set_campaign_id(std::stoll(req.matches[1].str()));
               const std::string format = req.get_param_value("format");
               if (!format.empty() && format != "json" && format != "csv" && format != "xlsx") {
                 return WriteError(res, InvalidField("format", "must be json, csv or xlsx"));
               }
               auto results = gateway_.GetResults(call, request);
               if (!results.ok() || format.empty() || format == "json") return Reply(res, results);
               const Table table = ResultsTable(results->campaign(), results->results());
               const std::string name = absl::StrCat("campaign-", request.campaign_id(), "-results.", format);
               res.set_header("Content-Disposition", "attachment; filename=\"" + name + "\"");
               if (format == "csv") {
                 res.set_content("\xEF\xBB\xBF" + ToCsv(table), "text/csv; charset=utf-8");
                 return;
               }
               auto xlsx = ToXlsx({table});
               if (!xlsx.ok()) return WriteError(res, xlsx.status());
               res.set_content(*xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
             }));

  // 月调度: problems, supervision orders, decisions; the agenda, the quarterly analysis and the annual summary.
  server.Post("/v1/problems", authed([this](const CallInfo& call, const httplib::Request& req, httplib::Response& res) {
                gw::OpenProblemRequest request;
                if (absl::Status s = ParseBody(req.body, *request.mutable_problem()); !s.ok())
                  return WriteError(res, s);
                request.set_request_id(req.get_header_value("Idempotency-Key"));
                Reply(res, gateway_.OpenProblem(call, request));
              }));
  server.Post(R"(/v1/problems/(\d+):update)",
              authed([this](const CallInfo& call, const httplib::Request& req, httplib::Response& res) {
                gw::UpdateProblemRequest request;
                if (absl::Status s = ParseBody(req.body, request); !s.ok()) return WriteError(res, s);
                request.set_problem_id(std::stoll(req.matches[1].str()));
                request.set_request_id(req.get_header_value("Idempotency-Key"));
                Reply(res, gateway_.UpdateProblem(call, request));
              }));
  Query<gw::ListProblemsRequest>(server, "/v1/problems", &Gateway::ListProblems);
  server.Post("/v1/orders", authed([this](const CallInfo& call, const httplib::Request& req, httplib::Response& res) {
                gw::IssueOrderRequest request;
                if (absl::Status s = ParseBody(req.body, *request.mutable_order()); !s.ok()) return WriteError(res, s);
                request.set_request_id(req.get_header_value("Idempotency-Key"));
                Reply(res, gateway_.IssueOrder(call, request));
              }));
  server.Post(R"(/v1/orders/(\d+):respond)",
              authed([this](const CallInfo& call, const httplib::Request& req, httplib::Response& res) {
                gw::RespondToOrderRequest request;
                if (absl::Status s = ParseBody(req.body, request); !s.ok()) return WriteError(res, s);
                request.set_order_id(std::stoll(req.matches[1].str()));
                request.set_request_id(req.get_header_value("Idempotency-Key"));
                Reply(res, gateway_.RespondToOrder(call, request));
              }));
  server.Post(R"(/v1/orders/(\d+):close)",
              authed([this](const CallInfo& call, const httplib::Request& req, httplib::Response& res) {
                gw::CloseOrderRequest request;
                if (absl::Status s = ParseBody(req.body, request); !s.ok()) return WriteError(res, s);
                request.set_order_id(std::stoll(req.matches[1].str()));
                request.set_request_id(req.get_header_value("Idempotency-Key"));
                Reply(res, gateway_.CloseOrder(call, request));
              }));
  server.Post("/v1/orders:escalate",
              authed([this](const CallInfo& call, const httplib::Request& req, httplib::Response& res) {
                gw::EscalateOrdersRequest request;
                if (!req.body.empty()) {
                  if (absl::Status s = ParseBody(req.body, request); !s.ok()) return WriteError(res, s);
                }
                Reply(res, gateway_.EscalateOrders(call, request));
              }));
  Query<gw::ListOrdersRequest>(server, "/v1/orders", &Gateway::ListOrders);
  server.Post("/v1/decisions",
              authed([this](const CallInfo& call, const httplib::Request& req, httplib::Response& res) {
                gw::RecordDecisionRequest request;
                if (absl::Status s = ParseBody(req.body, *request.mutable_decision()); !s.ok())
                  return WriteError(res, s);
                request.set_request_id(req.get_header_value("Idempotency-Key"));
                Reply(res, gateway_.RecordDecision(call, request));
              }));
  Query<gw::ListDecisionsRequest>(server, "/v1/decisions", &Gateway::ListDecisions);
  Report<gw::GetDispatchAgendaRequest>(server, "/v1/dispatch/agenda", &Gateway::GetDispatchAgenda, &AgendaTables,
                                       "dispatch-agenda");
  Report<gw::GetQuarterlyAnalysisRequest>(server, "/v1/analysis/quarterly", &Gateway::GetQuarterlyAnalysis,
                                          &QuarterlyTables, "quarterly-analysis");
  Report<gw::GetAnnualSummaryRequest>(server, "/v1/analysis/annual", &Gateway::GetAnnualSummary, &AnnualTables,
                                      "annual-summary");

  server.Get("/metrics", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(MetricsText(), "text/plain; version=0.0.4; charset=utf-8");
  });

  // Every request is timed on the worker thread that serves it, from routing to the log line.
  static thread_local absl::Time started;
  server.set_pre_routing_handler([](const httplib::Request&, httplib::Response&) {
    started = absl::Now();
    return httplib::Server::HandlerResponse::Unhandled;
  });
  server.set_logger([](const httplib::Request& req, const httplib::Response& res) {
    const std::string route = RouteOf(req.path);
    HttpRequests().Add({{"route", route}, {"status", std::to_string(res.status)}}).Increment();
    HttpDuration().Add({{"route", route}}, LatencyBuckets()).Observe(absl::ToDoubleSeconds(absl::Now() - started));
    spdlog::info("http method={} path={} status={} request_id={}", req.method, req.path, res.status,
                 res.get_header_value("X-Request-Id"));
  });
}

}  // namespace saima::gateway
