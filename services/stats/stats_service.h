#ifndef SAIMA_SERVICES_STATS_STATS_SERVICE_H_
#define SAIMA_SERVICES_STATS_STATS_SERVICE_H_

#include "saima/stats/v1/stats.grpc.pb.h"
#include "services/stats/stats.h"

namespace saima::stats {

// The gRPC adapter of Stats.
class StatsService final : public pb::StatsService::Service {
 public:
  explicit StatsService(Stats& stats) : stats_(stats) {}

#define SAIMA_DECLARE(Method) \
  grpc::Status Method(grpc::ServerContext* c, const pb::Method##Request* q, pb::Method##Response* r) override;
  SAIMA_DECLARE(SetAnnualPlan)
  SAIMA_DECLARE(GetAnnualPlan)
  SAIMA_DECLARE(SubmitMonthlyReport)
  SAIMA_DECLARE(VerifyMonthlyReport)
  SAIMA_DECLARE(GetMonthlyReport)
  SAIMA_DECLARE(ListMonthlyReportVersions)
  SAIMA_DECLARE(ProveMonthlyReport)
  SAIMA_DECLARE(ListProjectFigures)
  SAIMA_DECLARE(ListLatestFigures)
  SAIMA_DECLARE(CorrectMonthlyReport)
  SAIMA_DECLARE(GetIndicators)
  SAIMA_DECLARE(ListProjectStatuses)
  SAIMA_DECLARE(ListStatusHistory)
  SAIMA_DECLARE(RankUnits)
  SAIMA_DECLARE(SetPeerFigures)
  SAIMA_DECLARE(GetCityReport)
  SAIMA_DECLARE(GetRegionReport)
  SAIMA_DECLARE(GetProvincialPackage)
  SAIMA_DECLARE(GetForecast)
  SAIMA_DECLARE(ListVerificationFlags)
  SAIMA_DECLARE(DismissVerificationFlag)
#undef SAIMA_DECLARE
  grpc::Status LockPeriod(grpc::ServerContext* c, const pb::LockPeriodRequest* q, pb::LockPeriodResponse* r) override;
  grpc::Status PublishPeriod(grpc::ServerContext* c, const pb::PublishPeriodRequest* q,
                             pb::PublishPeriodResponse* r) override;
  grpc::Status ImportMonthlyReports(grpc::ServerContext* c, grpc::ServerReader<pb::ImportMonthlyReportsRequest>* reader,
                                    pb::ImportMonthlyReportsResponse* r) override;
  grpc::Status StreamProvincialPackage(grpc::ServerContext* c, const pb::StreamProvincialPackageRequest* q,
                                       grpc::ServerWriter<pb::StreamProvincialPackageResponse>* writer) override;

 private:
  Stats& stats_;
};

}  // namespace saima::stats

#endif  // SAIMA_SERVICES_STATS_STATS_SERVICE_H_
