// The web application's upload of a month's figures: the file officials keep, read with saimactl's rules
// (saimactl/csv_import) and streamed to stats under the caller's identity, so that stats' rules and rights apply
// as to any import.
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "gateway/gateway.h"
#include "saimactl/csv_import.h"

namespace saima::gateway {

absl::StatusOr<gw::ImportMonthlyReportsFileResponse> Gateway::ImportMonthlyReportsFile(
    const CallInfo& call, const gw::ImportMonthlyReportsFileRequest& request) {
  const std::string& name = request.file().file_name();
  if (!absl::EndsWithIgnoreCase(name, ".csv") && !absl::EndsWithIgnoreCase(name, ".xlsx")) {
    return InvalidField("file.file_name", "must end in .csv or .xlsx", "只能导入 .csv 或 .xlsx 文件");
  }
  if (request.file().content().empty()) return InvalidField("file.content", "is empty", "文件为空");
  bool converted = false;
  auto table = ctl::ReadTableBytes(request.file().content(), name, &converted);
  if (!table.ok()) return table.status();
  // 项目代码 → id, of the projects the caller may see (a unit's staff: their unit's).
  std::map<std::string, int64_t> ids;
  auto projects = ReadableProjects(call);
  if (!projects.ok()) return projects.status();
  for (const auto& p : *projects) {
    if (!p.project_code().empty()) ids[p.project_code()] = p.project_id();
  }
  CallInfo import_call = call;
  if (!request.request_id().empty()) import_call.request_id = request.request_id();
  auto context = Downstream(import_call, std::chrono::seconds(120));
  auto imported = ctl::ImportMonthlyTable(*stats_, context.get(), *table, ids, request.import_valid_rows());
  if (!imported.ok()) return imported.status();
  gw::ImportMonthlyReportsFileResponse response;
  response.set_rows_received(static_cast<int64_t>(imported->rows));
  response.set_rows_imported(imported->imported);
  for (const auto& e : imported->errors) {
    auto* error = response.add_errors();
    error->set_line(e.line);
    error->set_column(e.column);
    error->set_reason(e.rule);
  }
  return response;
}

}  // namespace saima::gateway
