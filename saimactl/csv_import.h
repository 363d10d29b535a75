#ifndef SAIMA_SAIMACTL_CSV_IMPORT_H_
#define SAIMA_SAIMACTL_CSV_IMPORT_H_

// Reading units, projects and statistics from the CSV or XLSX files officials keep (Chinese headers and values). Each
// data row becomes a request or a list of errors naming the row, the column and the rule.

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/csv.h"
#include "saima/registry/v1/registry.pb.h"
#include "saima/stats/v1/stats.grpc.pb.h"

namespace saima::ctl {

namespace pb = ::saima::registry::v1;

struct RowError {
  int line;  // 1-based line of the file (the header is line 1)
  std::string column;
  std::string rule;
};

template <typename T>
struct ParsedRow {
  int line;
  T value;
  std::string fingerprint;  // a hash of the row's text: the request id that makes re-imports replay
  std::vector<RowError> errors;
};

// Columns: 单位代码,单位名称,单位类型,行政区划代码[,主管行业]
absl::StatusOr<std::vector<ParsedRow<pb::Unit>>> ParseUnitsCsv(const std::vector<CsvRow>& table);

// Columns (any order, by header): 项目代码,项目名称,单位代码,行业代码,建设性质,控股情况,项目层级,项目阶段,谋划年度,
// 计划总投资(元),计划开工日期,实际开工日期,计划竣工日期,实际竣工日期,建设地点,行政区划代码,技改,事业单位,退出原因.
// 项目层级 holds tier names separated by '|'; 技改 and 事业单位 are 是/否.
absl::StatusOr<std::vector<ParsedRow<pb::Project>>> ParseProjectsCsv(const std::vector<CsvRow>& table);

// Statistics files refer to projects by 项目代码 (resolved through the registry before sending).
struct RukuRow {
  std::string project_code;
  std::string reviewing_department_id;
  std::string ruku_date;
  // Where the workflow stops (optional column 目标状态; 已入库 by default).
  ::saima::registry::v1::RukuState target = ::saima::registry::v1::RUKU_STATE_APPROVED;
  // Why it was returned or rejected (optional column 原因; required for 退回补正 and 不予入库, which record it).
  std::string reason;
};
struct PlanRow {
  std::string project_code;
  ::saima::stats::v1::AnnualPlan plan;
};
struct DocumentRow {
  std::string project_code;
  ::saima::registry::v1::Document document;
};
struct MonthlyRow {
  std::string project_code;
  ::saima::stats::v1::MonthlyReport report;
};

// 项目代码,主管部门,入库日期[,目标状态]
absl::StatusOr<std::vector<ParsedRow<RukuRow>>> ParseRukuCsv(const std::vector<CsvRow>& table);
// 项目代码,材料类型,文号,发文机关,日期,内容SHA256,存储位置,说明,拍摄时间,拍摄地点 (材料类型 in Chinese: 现场照片,
// 施工合同 …)
absl::StatusOr<std::vector<ParsedRow<DocumentRow>>> ParseDocumentsCsv(const std::vector<CsvRow>& table);
// 项目代码,年度,年度计划投资(元)
absl::StatusOr<std::vector<ParsedRow<PlanRow>>> ParsePlansCsv(const std::vector<CsvRow>& table);
// 项目代码,报告期,本月完成投资(元),自年初累计(元),建筑工程(元),安装工程(元),设备工器具购置(元),其他费用(元),
// 自开始建设累计(元)
absl::StatusOr<std::vector<ParsedRow<MonthlyRow>>> ParseMonthlyCsv(const std::vector<CsvRow>& table);
// 行政区划代码,报告期,指标,同比增速(%)  — 指标 is a Chinese category name (固定资产投资, 制造业投资, 建安投资 ...).
absl::StatusOr<std::vector<ParsedRow<::saima::stats::v1::PeerFigure>>> ParsePeersCsv(const std::vector<CsvRow>& table);

// "12.3" or "-3.5" (percent, up to three decimals) → thousandths of a percent; false when malformed.
bool ParsePercentMilli(const std::string& text, int64_t* out);

// The rows of a .csv or .xlsx file (by its name), first row the header.
absl::StatusOr<std::vector<CsvRow>> ReadTable(const std::string& path);
// The same for a file's bytes (an upload named `name`); *converted says a CSV was read as GB18030.
absl::StatusOr<std::vector<CsvRow>> ReadTableBytes(const std::string& bytes, const std::string& name, bool* converted);

// A monthly figures file imported through stats' ImportMonthlyReports stream (saimactl and the gateway's upload).
struct MonthlyImport {
  size_t rows = 0;               // data rows of the file
  int64_t imported = 0;          // rows stored
  std::vector<RowError> errors;  // by line
  bool local_errors = false;     // some rows were refused before sending (not sent)
};
// `ids` maps 项目代码 to project ids (the caller's view); `context` carries the caller. Refused rows (by the file's
// rules, an unknown code, or stats' rules) come back with their line and column; a failed call is the status.
absl::StatusOr<MonthlyImport> ImportMonthlyTable(::saima::stats::v1::StatsService::Stub& stats,
                                                 grpc::ClientContext* context, const std::vector<CsvRow>& table,
                                                 const std::map<std::string, int64_t>& ids, bool import_valid_rows,
                                                 const std::function<void(size_t, size_t)>& progress = nullptr);

// The header line of a projects file, for writing one.
std::string ProjectsCsvHeader();

}  // namespace saima::ctl

#endif  // SAIMA_SAIMACTL_CSV_IMPORT_H_
