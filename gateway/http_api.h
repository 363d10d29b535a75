#ifndef SAIMA_GATEWAY_HTTP_API_H_
#define SAIMA_GATEWAY_HTTP_API_H_

// The HTTP/JSON face of the gateway. Bodies and responses use protobuf's JSON mapping; errors are
// google.rpc.Status in JSON with the HTTP status derived from the gRPC code (common/status.h).
//
//   GET  /healthz                      each backend's health (200 when all serve, 503 otherwise)
//   GET  /v1/whoami
//   GET  /v1/units[?type=]             POST /v1/units   (body: Unit)
//   GET  /v1/projects?unitId=&tier=&stage=&sector=&planningYear=&nameContains=&unitType=&rukuState=
//                     &pageSize=&pageToken=
//   GET  /v1/projects:summary?<the same filters>
//   POST /v1/projects                  body: Project; header Idempotency-Key makes retries safe
//   GET  /v1/projects/{id}             GET /v1/projects/{id}/history
//   PATCH /v1/projects/{id}            body: the fields to change plus "revision" (the one read), or header
//                                      If-Match: <revision>; ?updateMask= overrides the fields taken from the body
//   GET  /v1/indicators?period=&scope=            GET /v1/reports/city?period=
//   GET  /v1/project-statuses?period=&tier=       GET /v1/unit-rankings?period=&minAnnualPlanYuan=&ascending=
//   PUT  /v1/plans                                POST /v1/monthly-reports[:verify|:correct]
//   GET  /v1/monthly-reports/{id}/{period}[/versions]    POST /v1/periods/{period}:lock   POST /v1/peer-figures
//   POST /v1/ruku/applications   GET /v1/ruku/applications[/{id}]   POST /v1/ruku/applications/{id}:transition
//   the contest: /v1/campaigns[/{id}[/judges|/nominations|/sheets/{judge}/{unit}[:submit]|/results]|:compute|
//   :publish|:finalizeSelection], POST /v1/nominations/{id}:review, GET /v1/look-back?year=&period=
//   月调度: /v1/problems[/{id}:update], /v1/orders[/{id}:respond|:close], POST /v1/orders:escalate, /v1/decisions,
//   GET /v1/dispatch/agenda?period=, /v1/analysis/quarterly?year=&quarter=, /v1/analysis/annual?year=&period=
//   (each also ?format=xlsx)
//   GET  /v1/projects/{id}/figures?fromPeriod=&toPeriod=   GET /v1/projects/{id}/oc4ids (OC4IDS project JSON)

#include <functional>
#include <string>
#include <utility>

#include "gateway/auth.h"
#include "gateway/gateway.h"

namespace httplib {
class Server;
struct Request;
struct Response;
}  // namespace httplib

namespace saima::gateway {

// The route a path belongs to, for metrics: "/v1/projects/42/oc4ids" → "/v1/projects/{id}/oc4ids".
std::string RouteOf(const std::string& path);

class HttpApi {
 public:
  // `oc4ids_prefix` is the publisher's OC4IDS project identifier prefix.
  HttpApi(Gateway& gateway, const Authenticator& tokens, std::string oc4ids_prefix)
      : gateway_(gateway), tokens_(tokens), oc4ids_prefix_(std::move(oc4ids_prefix)) {}
  // Registers the routes; the server must not outlive this object.
  void Register(httplib::Server& server);

 private:
  template <typename Handler>
  std::function<void(const httplib::Request&, httplib::Response&)> Authed(Handler handler);
  // A GET whose request's scalar fields come from the query string.
  template <typename Request, typename Method>
  void Query(httplib::Server& server, const char* path, Method method);
  // A GET report, as JSON or, with ?format=xlsx, as the workbook `tables` makes of it.
  template <typename Request, typename Method, typename Tables>
  void Report(httplib::Server& server, const char* path, Method method, Tables tables, const char* file);

  Gateway& gateway_;
  const Authenticator& tokens_;
  const std::string oc4ids_prefix_;
};

}  // namespace saima::gateway

#endif  // SAIMA_GATEWAY_HTTP_API_H_
