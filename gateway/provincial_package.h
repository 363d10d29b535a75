#ifndef SAIMA_GATEWAY_PROVINCIAL_PACKAGE_H_
#define SAIMA_GATEWAY_PROVINCIAL_PACKAGE_H_

// The provincial report package built from stats' snapshot of a locked period: the 206-1 form (projects of
// 5000万元 or more), the 206-2 form (500万 to 5000万元), the city summary, and a manifest with row counts, totals
// and checksums. Amounts are in 元 so that the tables' totals equal the city report's exactly.

#include <map>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "saima/gateway/v1/gateway.pb.h"
#include "saima/stats/v1/stats.pb.h"

namespace saima::gateway {

// `format` is "csv" (a ZIP of CSV files and manifest.json) or "xlsx" (one workbook). The same frozen snapshot
// gives the same bytes: the files are dated by the snapshot, and the manifest names its version and SHA-256.
// `city_unit` is the 填报单位 in the title blocks of the whole package; a county's package (snapshot.region set)
// is reported by the county's 统计局 and sums up the county's own indicators.
absl::StatusOr<::saima::gateway::v1::GetProvincialPackageResponse> BuildProvincialPackage(
    const ::saima::stats::v1::GetProvincialPackageResponse& snapshot, const std::string& format,
    const std::string& city_unit);

// The CSV package (the ZIP of BuildProvincialPackage's "csv") written from rows as they arrive, for a package too
// large to hold (StreamProvincialPackage): each form's file grows on disk with its SHA-256 and totals taken as it
// passes, so memory stays that of one row. BuildProvincialPackage makes its CSV package with it: the same rows
// give the same bytes either way.
class CsvPackageWriter {
 public:
  // `head`: the package without its rows (rows in it are not read). CSV files have no title block, so no 填报单位.
  explicit CsvPackageWriter(const ::saima::stats::v1::GetProvincialPackageResponse& head);
  ~CsvPackageWriter();  // removes its temporary files
  CsvPackageWriter(const CsvPackageWriter&) = delete;
  CsvPackageWriter& operator=(const CsvPackageWriter&) = delete;

  // The next row, in 项目代码 order.
  absl::Status Add(const ::saima::stats::v1::PackageRow& row);
  // Writes the ZIP to `zip_path`; returns the package's description (file name, type, tables, version) without
  // the file's content.
  absl::StatusOr<::saima::gateway::v1::GetProvincialPackageResponse> Finish(const std::string& zip_path);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace saima::gateway

#endif  // SAIMA_GATEWAY_PROVINCIAL_PACKAGE_H_
