#include "services/stats/stats_service.h"

#include "common/serve.h"

namespace saima::stats {

#define SAIMA_SERVE(Method)                                                                                          \
  grpc::Status StatsService::Method(grpc::ServerContext* c, const pb::Method##Request* q, pb::Method##Response* r) { \
    return Serve(c, q, r, [this](const Caller& caller, const pb::Method##Request& request, absl::Time d) {           \
      return stats_.Method(caller, request, d);                                                                      \
    });                                                                                                              \
  }
SAIMA_SERVE(SetAnnualPlan)
SAIMA_SERVE(GetAnnualPlan)
SAIMA_SERVE(SubmitMonthlyReport)
SAIMA_SERVE(VerifyMonthlyReport)
SAIMA_SERVE(GetMonthlyReport)
SAIMA_SERVE(ListMonthlyReportVersions)
SAIMA_SERVE(ProveMonthlyReport)
SAIMA_SERVE(ListProjectFigures)
SAIMA_SERVE(ListLatestFigures)
SAIMA_SERVE(CorrectMonthlyReport)
SAIMA_SERVE(GetIndicators)
SAIMA_SERVE(ListProjectStatuses)
SAIMA_SERVE(ListStatusHistory)
SAIMA_SERVE(RankUnits)
SAIMA_SERVE(SetPeerFigures)
SAIMA_SERVE(GetCityReport)
SAIMA_SERVE(GetRegionReport)
SAIMA_SERVE(GetProvincialPackage)
SAIMA_SERVE(LockPeriod)
SAIMA_SERVE(PublishPeriod)
SAIMA_SERVE(GetForecast)
SAIMA_SERVE(ListVerificationFlags)
SAIMA_SERVE(DismissVerificationFlag)
#undef SAIMA_SERVE

grpc::Status StatsService::ImportMonthlyReports(grpc::ServerContext* c,
                                                grpc::ServerReader<pb::ImportMonthlyReportsRequest>* reader,
                                                pb::ImportMonthlyReportsResponse* r) {
  auto caller = CallerFromContext(*c);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  ScopedWriteContext writes(WriteContextOf(*caller, *c));
  // The first message carries the options; rows are passed on as they arrive.
  pb::ImportMonthlyReportsRequest message;
  const bool any = reader->Read(&message);
  const bool import_valid_rows = any && message.import_valid_rows();
  int position = 0;
  bool more = any;
  auto next = [&](pb::MonthlyReport* row) {
    while (more && position >= message.reports_size()) {
      more = reader->Read(&message);
      position = 0;
    }
    if (!more) return false;
    row->Swap(message.mutable_reports(position++));
    return true;
  };
  // An import may take longer than a single call: at least a minute, whatever the client's deadline says.
  const absl::Time deadline = std::max(DeadlineOf(*c), absl::Now() + absl::Minutes(1));
  auto result = stats_.ImportMonthlyReports(*caller, next, import_valid_rows, deadline);
  if (!result.ok()) return ToGrpcStatus(result.status());
  *r = *std::move(result);
  return grpc::Status::OK;
}

grpc::Status StatsService::StreamProvincialPackage(grpc::ServerContext* c, const pb::StreamProvincialPackageRequest* q,
                                                   grpc::ServerWriter<pb::StreamProvincialPackageResponse>* writer) {
  auto caller = CallerFromContext(*c);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  // As in Serve: a package frozen at this first read is audited as the caller's, and a replica read waits for the
  // caller's own writes.
  ScopedWriteContext writes(WriteContextOf(*caller, *c));
  Violations text;
  CheckText(*q, text);
  if (!text.ok()) return ToGrpcStatus(text.ToStatus());
  pb::GetProvincialPackageRequest request;
  request.set_period(q->period());
  request.set_version(q->version());
  request.set_region(q->region());
  // A whole country's package takes longer than a single call: up to ten minutes, or the client's deadline.
  const absl::Time deadline = c->deadline() == std::chrono::system_clock::time_point::max()
                                  ? absl::Now() + absl::Minutes(10)
                                  : absl::FromChrono(c->deadline());
  pb::StreamProvincialPackageResponse message;
  return ToGrpcStatus(stats_.StreamProvincialPackage(
      *caller, request,
      [&](const pb::GetProvincialPackageResponse& part) {
        // Copied into the one message kept for the call (a part is at most a thousand rows).
        *message.mutable_part() = part;
        return writer->Write(message);
      },
      deadline));
}

}  // namespace saima::stats
