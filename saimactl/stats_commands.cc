#include "saimactl/stats_commands.h"

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>

#include "absl/flags/flag.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "common/format.h"
#include "common/names.h"
#include "common/status.h"
#include "gateway/provincial_package.h"
#include "google/protobuf/util/json_util.h"
#include "saimactl/csv_import.h"
#include "saimactl/table.h"
#include "services/registry/ruku_rules.h"
#include "services/stats/indicators.h"
#include "services/stats/package_digest.h"

ABSL_FLAG(std::string, period, "", "report period YYYY-MM");
ABSL_FLAG(std::string, format, "text", "report format: text or json");
ABSL_FLAG(
    std::string, region, "",
    "report regions: a GB/T 2260 code of 2, 4 or 6 digits (a province, prefecture or county), empty: the country; "
    "report provincial: a county-level division's 6 digits, empty: the whole package");
ABSL_FLAG(std::string, scope, "city", "indicators: city, unit:<id>, tier:<ProjectTier>, category:<Category>");
ABSL_FLAG(std::string, out, ".", "report provincial: the folder to write the package to");
ABSL_FLAG(bool, stream, false,
          "report provincial: receive the package row by row into its ZIP of CSV files (no row limit, no XLSX)");
ABSL_FLAG(std::string, as_of, "", "ruku missing: as-of date YYYY-MM-DD (default today)");
ABSL_FLAG(std::string, dept, "", "ruku: the reviewing department (主管部门) unit id");
ABSL_FLAG(std::string, reason, "", "ruku step: the reason of a return or rejection");
ABSL_FLAG(std::string, effective_date, "", "ruku step: the 入库 date when recording an earlier approval");
ABSL_FLAG(std::string, state, "", "ruku list: only applications in this state");
ABSL_FLAG(bool, import_valid_rows, false, "import monthly: import the good rows even when some rows are bad");

namespace saima::ctl {
namespace {

// 项目代码 → project id, from the registry through the gateway.
absl::StatusOr<std::map<std::string, int64_t>> ProjectIdsByCode(Client& client) {
  std::map<std::string, int64_t> ids;
  reg::ListProjectsRequest request;
  request.set_page_size(1000);
  do {
    reg::ListProjectsResponse response;
    if (absl::Status s = client.Call(&reg::RegistryService::Stub::ListProjects, request, &response); !s.ok()) return s;
    for (const auto& p : response.projects()) {
      if (!p.project_code().empty()) ids[p.project_code()] = p.project_id();
    }
    request.set_page_token(response.next_page_token());
  } while (!request.page_token().empty());
  return ids;
}

// Prints the summary and every refused row; returns the exit code.
int Report(const char* what, size_t total, size_t imported, std::vector<RowError> errors) {
  std::sort(errors.begin(), errors.end(), [](const RowError& a, const RowError& b) { return a.line < b.line; });
  std::cout << absl::StrFormat("导入%s: 共 %d 行, 成功 %d 行, 失败 %d 行\n", what, total, imported,
                               errors.empty() ? 0 : total - imported);
  for (const auto& e : errors) std::cout << absl::StrFormat("  第%d行 [%s] %s\n", e.line, e.column, e.rule);
  return errors.empty() ? 0 : 1;
}

template <typename T>
bool Resolve(const std::map<std::string, int64_t>& ids, ParsedRow<T>& row, const std::string& code, int64_t* id) {
  auto it = ids.find(code);
  if (it == ids.end()) {
    row.errors.push_back({row.line, "项目代码", absl::StrCat("项目代码 ", code, " 未在项目库中登记")});
    return false;
  }
  *id = it->second;
  return true;
}

// Drives one 入库 application from wherever it stands to the row's target state along the one path the state
// machine allows for the project's size (registry::RukuPath): no step is tried and refused on the way, and a return
// or rejection carries the reason the file gives. A target the path cannot reach is refused, naming both states.
absl::Status DriveWorkflow(Client& client, int64_t project_id, const RukuRow& row, const std::string& request_id) {
  reg::GetProjectRequest get;
  get.set_project_id(project_id);
  reg::GetProjectResponse project;
  if (absl::Status s = client.Call(&reg::RegistryService::Stub::GetProject, get, &project); !s.ok()) return s;
  reg::CreateRukuApplicationRequest create;
  create.mutable_application()->set_project_id(project_id);
  create.mutable_application()->set_reviewing_department_id(row.reviewing_department_id);
  create.set_request_id(request_id);
  reg::CreateRukuApplicationResponse created;
  if (absl::Status s = client.Call(&reg::RegistryService::Stub::CreateRukuApplication, create, &created); !s.ok()) {
    return s;
  }
  reg::RukuApplication app = created.application();
  bool reachable = false;
  const auto path =
      registry::RukuPath(app.state(), row.target, project.project().planned_total_investment_yuan(), &reachable);
  if (!reachable) {
    return Error(
        absl::StatusCode::kFailedPrecondition,
        absl::StrCat("no path from ", reg::RukuState_Name(app.state()), " to ", reg::RukuState_Name(row.target)),
        absl::StrCat("入库申请当前为“", DisplayNameOf(app.state()), "”，按项目规模无法转为“", DisplayNameOf(row.target),
                     "”"));
  }
  for (reg::RukuState to : path) {
    reg::TransitionRukuApplicationRequest t;
    t.set_application_id(app.application_id());
    t.set_to_state(to);
    t.set_expected_state(app.state());
    if (to == reg::RUKU_STATE_APPROVED) t.set_effective_date(row.ruku_date);
    if (to == reg::RUKU_STATE_RETURNED || to == reg::RUKU_STATE_REJECTED) t.set_reason(row.reason);
    t.set_request_id(absl::StrCat(request_id, "-", static_cast<int>(app.state()), "-", static_cast<int>(to)));
    reg::TransitionRukuApplicationResponse moved;
    if (absl::Status s = client.Call(&reg::RegistryService::Stub::TransitionRukuApplication, t, &moved); !s.ok()) {
      return s;
    }
    app = moved.application();
  }
  return absl::OkStatus();
}

// Sends each row that names a registered project with `send(row, project_id)`; a refusal is reported under
// `column`. Prints the progress bar and the report; returns the exit code.
template <typename T, typename Send>
int SendEachRow(Client& client, std::vector<ParsedRow<T>>& rows, const char* what, const char* column, Send send) {
  auto ids = ProjectIdsByCode(client);
  if (!ids.ok()) return Fail(ids.status());
  std::vector<RowError> errors;
  size_t imported = 0;
  for (size_t i = 0; i < rows.size(); ++i) {
    auto& row = rows[i];
    int64_t id = 0;
    if (row.errors.empty() && Resolve(*ids, row, row.value.project_code, &id)) {
      if (absl::Status s = send(row, id); s.ok()) {
        ++imported;
      } else {
        row.errors.push_back({row.line, column, ChineseMessageOf(s)});
      }
    }
    errors.insert(errors.end(), row.errors.begin(), row.errors.end());
    Progress(i + 1, rows.size());
  }
  return Report(what, rows.size(), imported, errors);
}

int ImportRuku(Client& client, const std::vector<CsvRow>& table) {
  auto rows = ParseRukuCsv(table);
  if (!rows.ok()) return Fail(rows.status());
  return SendEachRow(client, *rows, "入库记录", "入库", [&client](const ParsedRow<RukuRow>& row, int64_t id) {
    return DriveWorkflow(client, id, row.value, "ruku-" + row.fingerprint);
  });
}

int ImportDocuments(Client& client, const std::vector<CsvRow>& table) {
  auto rows = ParseDocumentsCsv(table);
  if (!rows.ok()) return Fail(rows.status());
  return SendEachRow(client, *rows, "材料", "材料类型", [&client](const ParsedRow<DocumentRow>& row, int64_t id) {
    reg::AddDocumentRequest request;
    *request.mutable_document() = row.value.document;
    request.mutable_document()->set_project_id(id);
    request.set_request_id("document-" + row.fingerprint);
    reg::AddDocumentResponse response;
    return client.Call(&reg::RegistryService::Stub::AddDocument, request, &response);
  });
}

int ImportPlans(Client& client, const std::vector<CsvRow>& table) {
  auto rows = ParsePlansCsv(table);
  if (!rows.ok()) return Fail(rows.status());
  return SendEachRow(client, *rows, "年度计划", "年度计划投资(元)",
                     [&client](const ParsedRow<PlanRow>& row, int64_t id) {
                       st::SetAnnualPlanRequest request;
                       *request.mutable_plan() = row.value.plan;
                       request.mutable_plan()->set_project_id(id);
                       st::SetAnnualPlanResponse response;
                       return client.Call(&st::StatsService::Stub::SetAnnualPlan, request, &response);
                     });
}

// Streams the rows to stats through the gateway; one bad row imports nothing unless --import_valid_rows.
int ImportMonthly(Client& client, const std::vector<CsvRow>& table) {
  auto ids = ProjectIdsByCode(client);
  if (!ids.ok()) return Fail(ids.status());
  auto context = client.Context(std::chrono::seconds(600));
  auto result =
      ImportMonthlyTable(client.stats(), context.get(), table, *ids, absl::GetFlag(FLAGS_import_valid_rows), Progress);
  if (!result.ok()) return Fail(result.status());
  if (result->local_errors && !absl::GetFlag(FLAGS_import_valid_rows) && result->imported > 0) {
    std::cerr << "注意: 本地校验失败的行未发送\n";
  }
  return Report("月报", result->rows, result->imported, result->errors);
}

int ImportPeers(Client& client, const std::vector<CsvRow>& table) {
  auto rows = ParsePeersCsv(table);
  if (!rows.ok()) return Fail(rows.status());
  std::vector<RowError> errors;
  st::SetPeerFiguresRequest request;
  for (auto& row : *rows) {
    if (row.errors.empty()) *request.add_figures() = row.value;
    errors.insert(errors.end(), row.errors.begin(), row.errors.end());
  }
  if (!errors.empty()) return Report("周边县市数据", rows->size(), 0, errors);
  st::SetPeerFiguresResponse response;
  if (absl::Status s = client.Call(&st::StatsService::Stub::SetPeerFigures, request, &response); !s.ok()) {
    return Fail(s);
  }
  return Report("周边县市数据", rows->size(), response.stored(), errors);
}

std::string PeriodTitle(const std::string& period) {
  const int month = std::stoi(period.substr(5, 2));
  return absl::StrCat(period.substr(0, 4), "年1-", month, "月");
}

std::string RateText(const st::Rate& rate) { return Percent(rate.numerator(), rate.denominator()); }

std::string RankText(const st::Indicator& indicator) {
  if (indicator.prefecture_rank() == 0) return "";
  return absl::StrCat(" (丽水市第", indicator.prefecture_rank(), "/", indicator.prefecture_size(), ")");
}

}  // namespace

int ImportStatistics(Client& client, const std::string& kind, const std::string& path) {
  auto table = ReadTable(path);
  if (!table.ok()) return Fail(table.status());
  if (kind == "ruku") return ImportRuku(client, *table);
  if (kind == "documents") return ImportDocuments(client, *table);
  if (kind == "plans") return ImportPlans(client, *table);
  if (kind == "monthly") return ImportMonthly(client, *table);
  if (kind == "peers") return ImportPeers(client, *table);
  return Fail(Refused("import", "须为 units/projects/documents/ruku/plans/monthly/peers 之一"));
}

int LockPeriod(Client& client, const std::string& period) {
  st::LockPeriodRequest request;
  request.set_period(period);
  st::LockPeriodResponse response;
  if (absl::Status s = client.Call(&st::StatsService::Stub::LockPeriod, request, &response); !s.ok()) return Fail(s);
  std::cout << "报告期 " << response.period() << " 已锁定 (操作人 " << response.actor() << ")\n";
  if (!response.package_sha256().empty()) {
    std::cout << "省级报表包已封存 (第 1 版), 指纹 SHA-256: " << response.package_sha256() << "\n";
  }
  return 0;
}

int PublishPeriod(Client& client, const std::string& period) {
  st::PublishPeriodRequest request;
  request.set_period(period);
  st::PublishPeriodResponse response;
  if (absl::Status s = client.Call(&st::StatsService::Stub::PublishPeriod, request, &response); !s.ok()) return Fail(s);
  std::cout << "报告期 " << response.period() << " 已发布 (操作人 " << response.actor() << ")\n";
  return 0;
}

int Indicators(Client& client) {
  st::GetIndicatorsRequest request;
  request.set_period(absl::GetFlag(FLAGS_period));
  request.mutable_scope()->set_name(absl::GetFlag(FLAGS_scope));
  st::GetIndicatorsResponse response;
  if (absl::Status s = client.Call(&st::StatsService::Stub::GetIndicators, request, &response); !s.ok()) {
    return Fail(s);
  }
  if (absl::GetFlag(FLAGS_format) == "json") return PrintJson(response);
  std::cout << PeriodTitle(response.period()) << " 指标 (范围 " << response.scope().name() << ", "
            << response.project_count() << " 个入库项目" << (response.provisional() ? ", 初步数" : "") << ")\n";
  Table table({"指标", "本年累计(万元)", "上年同期(万元)", "同比增长", "丽水排名"});
  auto add = [&table](const std::string& name, const st::Indicator& i) {
    table.AddRow({name, Wan(i.ytd_yuan()), Wan(i.ytd_last_year_yuan()),
                  Growth(i.yoy_growth().numerator(), i.yoy_growth().denominator()),
                  i.prefecture_rank() ? absl::StrCat(i.prefecture_rank(), "/", i.prefecture_size()) : "—"});
  };
  add("固定资产投资", response.total());
  for (const auto& c : response.categories()) add(DisplayNameOf(c.category()), c);
  std::cout << table.Render();
  std::cout << "年度计划 " << Wan(response.annual_plan_yuan()) << " 万元, 完成率 "
            << RateText(response.completion_rate()) << ", 序时进度 " << RateText(response.time_progress()) << "\n";
  return 0;
}

namespace {

// What a CSV package holds: its version, its tables, and whether the forms add up (a county's to its own summary,
// the whole package to the city report).
void PrintPackage(const gw::GetProvincialPackageResponse& response, const std::string& region) {
  std::cout << "封存版本 第 " << response.version() << " 版 (" << response.reason()
            << "), 指纹 SHA-256: " << response.snapshot_sha256() << "\n";
  Table table({"表", "行数", "自年初累计(元)", "本月(元)", "SHA-256"});
  for (const auto& t : response.tables()) {
    table.AddRow({t.name(), absl::StrCat(t.rows()), absl::StrCat(t.total_ytd_yuan()),
                  absl::StrCat(t.total_month_yuan()), t.sha256().substr(0, 16) + "…"});
  }
  std::cout << table.Render();
  int64_t city_total = response.city_total_ytd_yuan();
  int64_t forms = 0;
  for (const auto& t : response.tables()) {
    if (t.name() != "汇总") {
      forms += t.total_ytd_yuan();
    } else if (!region.empty()) {
      city_total = t.total_ytd_yuan();
    }
  }
  std::cout << "206-1 与 206-2 合计 " << forms << " 元; " << (region.empty() ? "城市报告 " : region + " 汇总 ")
            << city_total << " 元" << (forms == city_total ? " (一致)" : " (不一致!)") << "\n";
}

// --stream: the package received from stats row by row and written into its ZIP of CSV files as the rows arrive
// (the gateway's own writer, so the same bytes as its file), the whole package's SHA-256 checked as they pass: no
// row limit, the memory of one message. No XLSX: a sheet holds 1,048,576 rows at most.
int StreamedPackage(Client& client) {
  st::StreamProvincialPackageRequest request;
  request.set_period(absl::GetFlag(FLAGS_period));
  request.set_region(absl::GetFlag(FLAGS_region));
  auto context = client.Context(std::chrono::seconds(600));
  auto reader = client.stats().StreamProvincialPackage(context.get(), request);
  st::GetProvincialPackageResponse head;
  std::optional<gateway::CsvPackageWriter> writer;
  std::optional<stats::PackageDigest> digest;
  absl::Status written;
  size_t rows = 0, expected = 0;
  for (st::StreamProvincialPackageResponse message; reader->Read(&message);) {
    if (!writer) {
      head = message.part();
      writer.emplace(head);
      digest.emplace(head.period());
      expected = static_cast<size_t>(request.region().empty() ? head.city().project_count()
                                                              : head.region_total().project_count());
      continue;
    }
    for (const auto& row : message.part().rows()) {
      if (written.ok()) written = writer->Add(row);
      digest->AddRow(stats::DeterministicBytes(row));
      if (++rows % 10000 == 0 && rows < expected) Progress(rows, expected);
    }
  }
  if (absl::Status s = FromGrpcStatus(reader->Finish()); !s.ok()) return Fail(s);
  if (!written.ok()) return Fail(written);
  if (!writer) return Fail(absl::InternalError("the package stream ended without its head"));
  Progress(rows, rows);
  if (request.region().empty() && digest->Sha256(head.city(), head.snapshot_time()) != head.snapshot_sha256()) {
    return Fail(Error(absl::StatusCode::kDataLoss, "the streamed rows do not hash to the version's SHA-256",
                      "收到的报表包与封存版本的指纹不符，请重新导出"));
  }
  // Written beside its name and renamed when whole: no half-written package under the package's name.
  const std::string dir = absl::GetFlag(FLAGS_out);
  const std::string partial = absl::StrCat(dir, "/.provincial-", getpid(), ".partial");
  auto package = writer->Finish(partial);
  if (!package.ok()) {
    std::remove(partial.c_str());
    return Fail(package.status());
  }
  const std::string path = dir + "/" + package->file().file_name();
  if (std::rename(partial.c_str(), path.c_str()) != 0) {
    std::remove(partial.c_str());
    return Fail(absl::UnavailableError("无法写入 " + path));
  }
  std::cout << "已写入 " << path << " (" << rows << " 个项目，逐行接收)\n";
  PrintPackage(*package, request.region());
  return 0;
}

}  // namespace

int ProvincialPackage(Client& client) {
  if (absl::GetFlag(FLAGS_stream)) return StreamedPackage(client);
  const std::string dir = absl::GetFlag(FLAGS_out);
  for (const char* format : {"csv", "xlsx"}) {
    gw::GetProvincialPackageRequest request;
    request.set_period(absl::GetFlag(FLAGS_period));
    request.set_format(format);
    request.set_region(absl::GetFlag(FLAGS_region));
    gw::GetProvincialPackageResponse response;
    if (absl::Status s = client.Call(&gw::GatewayService::Stub::GetProvincialPackage, request, &response); !s.ok()) {
      return Fail(s);
    }
    const std::string path = dir + "/" + response.file().file_name();
    std::ofstream out(path, std::ios::binary);
    out << response.file().content();
    if (!out) return Fail(absl::UnavailableError("无法写入 " + path));
    std::cout << "已写入 " << path << "\n";
    if (std::string(format) == "csv") PrintPackage(response, absl::GetFlag(FLAGS_region));
  }
  return 0;
}

namespace {

bool ParseRukuState(const std::string& text, reg::RukuState* out) {
  if (reg::RukuState_Parse(text, out)) return true;
  for (int s = reg::RUKU_STATE_DRAFT; s <= reg::RUKU_STATE_REJECTED; ++s) {
    if (text == DisplayNameOf(static_cast<reg::RukuState>(s))) {
      *out = static_cast<reg::RukuState>(s);
      return true;
    }
  }
  return false;
}

void PrintApplication(const reg::RukuApplication& app) {
  std::cout << "入库申请 " << app.application_id() << ": 项目 " << app.project_id() << ", 单位 " << app.unit_id()
            << ", 主管部门 " << app.reviewing_department_id() << ", 状态 " << DisplayNameOf(app.state()) << "\n";
  for (const auto& flag : app.consistency_flags()) std::cout << "  一致性提示: " << flag << "\n";
  Table table({"从", "到", "操作人", "角色", "原因"});
  for (const auto& t : app.history()) {
    table.AddRow({DisplayNameOf(t.from_state()), DisplayNameOf(t.to_state()), t.actor(), t.actor_role(),
                  t.reason().empty() ? "—" : t.reason()});
  }
  if (app.history_size() > 0) std::cout << table.Render();
}

}  // namespace

int Ruku(Client& client, const std::vector<std::string>& words) {
  const std::string& verb = words.size() > 1 ? words[1] : "";
  if (verb == "apply" && words.size() == 3) {
    reg::CreateRukuApplicationRequest request;
    int64_t project = 0;
    if (!absl::SimpleAtoi(words[2], &project)) return Fail(Refused("PROJECT_ID", "须为项目编号"));
    request.mutable_application()->set_project_id(project);
    request.mutable_application()->set_reviewing_department_id(absl::GetFlag(FLAGS_dept));
    reg::CreateRukuApplicationResponse response;
    if (absl::Status s = client.Call(&reg::RegistryService::Stub::CreateRukuApplication, request, &response); !s.ok()) {
      return Fail(s);
    }
    PrintApplication(response.application());
    return 0;
  }
  if (verb == "step" && words.size() == 4) {
    reg::TransitionRukuApplicationRequest request;
    int64_t id = 0;
    reg::RukuState to;
    if (!absl::SimpleAtoi(words[2], &id)) return Fail(Refused("APPLICATION_ID", "须为申请编号"));
    if (!ParseRukuState(words[3], &to)) return Fail(Refused("STATE", "须为 已提交/主管部门已审核/统计局审核中 等"));
    request.set_application_id(id);
    request.set_to_state(to);
    request.set_reason(absl::GetFlag(FLAGS_reason));
    request.set_effective_date(absl::GetFlag(FLAGS_effective_date));
    reg::TransitionRukuApplicationResponse response;
    if (absl::Status s = client.Call(&reg::RegistryService::Stub::TransitionRukuApplication, request, &response);
        !s.ok()) {
      return Fail(s);
    }
    PrintApplication(response.application());
    return 0;
  }
  if (verb == "show" && words.size() == 3) {
    reg::GetRukuApplicationRequest request;
    int64_t id = 0;
    if (!absl::SimpleAtoi(words[2], &id)) return Fail(Refused("APPLICATION_ID", "须为申请编号"));
    request.set_application_id(id);
    reg::GetRukuApplicationResponse response;
    if (absl::Status s = client.Call(&reg::RegistryService::Stub::GetRukuApplication, request, &response); !s.ok()) {
      return Fail(s);
    }
    PrintApplication(response.application());
    return 0;
  }
  if (verb == "list") {
    reg::ListRukuApplicationsRequest request;
    if (!absl::GetFlag(FLAGS_state).empty()) {
      reg::RukuState state;
      if (!ParseRukuState(absl::GetFlag(FLAGS_state), &state)) {
        return Fail(Refused("--state", "须为 草稿/已提交/主管部门已审核 等"));
      }
      request.set_state(state);
    }
    request.set_reviewing_department_id(absl::GetFlag(FLAGS_dept));
    reg::ListRukuApplicationsResponse response;
    if (absl::Status s = client.Call(&reg::RegistryService::Stub::ListRukuApplications, request, &response); !s.ok()) {
      return Fail(s);
    }
    Table table({"申请编号", "项目", "单位", "主管部门", "状态"});
    for (const auto& a : response.applications()) {
      table.AddRow({absl::StrCat(a.application_id()), absl::StrCat(a.project_id()), a.unit_id(),
                    a.reviewing_department_id(), DisplayNameOf(a.state())});
    }
    std::cout << table.Render() << "共 " << response.applications_size() << " 件\n";
    return 0;
  }
  if (verb == "missing") return RukuMissing(client);
  std::cerr << "用法: saimactl ruku apply PROJECT_ID --dept=D01 | step APPLICATION_ID STATE [--reason=] "
               "[--effective_date=] | show APPLICATION_ID | list [--state=] [--dept=] | missing [--as_of=]\n";
  return 2;
}

namespace {

// Unit id → name (empty when the caller may not list units: the id is shown instead).
std::map<std::string, std::string> UnitNamesOf(Client& client) {
  reg::ListUnitsResponse units;
  (void)client.Call(&reg::RegistryService::Stub::ListUnits, reg::ListUnitsRequest(), &units);
  std::map<std::string, std::string> names;
  for (const auto& u : units.units()) names[u.unit_id()] = u.name();
  return names;
}

}  // namespace

int RukuMissing(Client& client) {
  reg::ListMissingRukuRequest request;
  request.set_as_of_date(absl::GetFlag(FLAGS_as_of));
  reg::ListMissingRukuResponse response;
  if (absl::Status s = client.Call(&reg::RegistryService::Stub::ListMissingRuku, request, &response); !s.ok()) {
    return Fail(s);
  }
  std::map<std::string, std::string> names = UnitNamesOf(client);
  std::map<std::string, std::pair<int, int>> by_unit;  // unit → (黄, 红)
  for (const auto& [unit, n] : response.yellow_by_unit()) by_unit[unit].first = n;
  for (const auto& [unit, n] : response.red_by_unit()) by_unit[unit].second = n;
  int yellow = 0, red = 0;
  Table table({"单位", "黄(≥1个月)", "红(≥2个月)"});
  for (const auto& [unit, counts] : by_unit) {
    table.AddRow({names.count(unit) ? names[unit] : unit, absl::StrCat(counts.first), absl::StrCat(counts.second)});
    yellow += counts.first;
    red += counts.second;
  }
  std::cout << "应统尽统 (截至 " << response.as_of_date() << "): 已开工、计划总投资500万元以上未入库项目 "
            << response.entries_size() << " 个, 其中黄灯 " << yellow << " 个, 红灯 " << red << " 个\n"
            << table.Render();
  return 0;
}

int Forecast(Client& client) {
  st::GetForecastRequest request;
  request.set_period(absl::GetFlag(FLAGS_period));
  st::GetForecastResponse response;
  if (absl::Status s = client.Call(&st::StatsService::Stub::GetForecast, request, &response); !s.ok()) return Fail(s);
  if (absl::GetFlag(FLAGS_format) == "json") return PrintJson(response);
  std::cout << "全年预计 (" << PeriodTitle(response.period()) << ", 增长目标 "
            << RoundedDecimal(response.growth_target_milli_percent(), 1000, 10, 1)
            << "%)\n\n全市: " << response.city().summary() << "\n\n分类:\n";
  for (const auto& c : response.categories()) std::cout << "  " << c.name() << ": " << c.summary() << "\n";
  auto misses = [](const st::Forecast& f) { return f.verdict() == st::FORECAST_VERDICT_UNLIKELY; };
  Table units({"单位", "已完成(万元)", "预计全年(万元)", "区间(万元)", "年度计划(万元)", "达成目标"});
  for (const auto& u : response.units()) {
    units.AddRow({u.name(), Wan(u.ytd_yuan()), Wan(u.forecast_yuan()),
                  absl::StrCat(Wan(u.low_yuan()), "—", Wan(u.high_yuan())),
                  u.target_yuan() ? Wan(u.target_yuan()) : "—", DisplayNameOf(u.verdict())});
  }
  std::cout << "\n单位:\n";
  std::cout << units.Render();
  std::cout << "\n预计难以完成年度计划的重点项目:\n";
  int shown = 0;
  for (const auto& p : response.key_projects()) {
    if (misses(p)) std::cout << "  " << ++shown << ". " << p.name() << ": " << p.summary() << "\n";
  }
  if (shown == 0) std::cout << "  无\n";
  return 0;
}

// "HS04" → its rule.
bool ParseRuleId(const std::string& text, st::VerificationRule* out) {
  int number = 0;
  if (text.size() != 4 || !absl::StartsWith(text, "HS") || !absl::SimpleAtoi(text.substr(2), &number)) return false;
  if (number <= 0 || !st::VerificationRule_IsValid(number)) return false;
  *out = static_cast<st::VerificationRule>(number);
  return true;
}

int Flags(Client& client, const std::vector<std::string>& words) {
  if (words.size() >= 2 && words[1] == "dismiss") {
    // saimactl flags dismiss PROJECT_ID|项目代码|unit:ID RULE --period= --reason=
    if (words.size() != 4)
      return Fail(
          Refused("flags dismiss", "用法: flags dismiss 项目编号|项目代码|unit:单位编码 规则 --period= --reason="));
    st::DismissVerificationFlagRequest q;
    q.set_period(absl::GetFlag(FLAGS_period));
    q.set_reason(absl::GetFlag(FLAGS_reason));
    st::VerificationRule rule;
    if (!ParseDisplayName(words[3], &rule) && !ParseRuleId(words[3], &rule)) {
      return Fail(Refused("规则", "须为 HS01…HS07 或规则名称"));
    }
    q.set_rule(rule);
    if (absl::StartsWith(words[2], "unit:")) {
      q.set_unit_id(words[2].substr(5));
    } else if (int64_t id = 0; absl::SimpleAtoi(words[2], &id)) {
      q.set_project_id(id);
    } else {  // a 项目代码
      auto ids = ProjectIdsByCode(client);
      if (!ids.ok()) return Fail(ids.status());
      auto it = ids->find(words[2]);
      if (it == ids->end()) return Fail(Refused("项目", "须为项目编号、项目代码或 unit:单位编码"));
      q.set_project_id(it->second);
    }
    st::DismissVerificationFlagResponse r;
    if (absl::Status s = client.Call(&st::StatsService::Stub::DismissVerificationFlag, q, &r); !s.ok()) return Fail(s);
    std::cout << "已排除: " << r.flag().rule_id() << " " << DisplayNameOf(r.flag().rule()) << " ("
              << r.flag().dismissed_by() << ": " << r.flag().dismiss_reason() << ")\n";
    return 0;
  }
  if (words.size() >= 2 && words[1] != "list") return Fail(Refused("flags", "须为 list 或 dismiss"));
  st::ListVerificationFlagsRequest q;
  q.set_period(absl::GetFlag(FLAGS_period));
  st::ListVerificationFlagsResponse r;
  if (absl::Status s = client.Call(&st::StatsService::Stub::ListVerificationFlags, q, &r); !s.ok()) return Fail(s);
  if (absl::GetFlag(FLAGS_format) == "json") return PrintJson(r);
  Table table({"规则", "单位", "项目", "疑点", "说明", "状态"});
  const std::map<std::string, std::string> names = UnitNamesOf(client);
  for (const auto& f : r.flags()) {
    auto name = names.find(f.unit_id());
    table.AddRow({absl::StrCat(f.rule_id(), " ", DisplayNameOf(f.rule())),
                  name == names.end() ? f.unit_id() : name->second,
                  f.project_id() ? absl::StrCat(f.project_id(), " ", f.project_name()) : "—", f.evidence(),
                  f.explanation().empty() ? "—" : f.explanation(),
                  f.dismissed() ? absl::StrCat("已排除(", f.dismiss_reason(), ")") : "待核实"});
  }
  std::cout << "核实性审核疑点 (" << PeriodTitle(r.period()) << "): " << r.flags_size() << " 条\n";
  std::cout << table.Render();
  return 0;
}

int RegionReport(Client& client) {
  st::GetRegionReportRequest request;
  request.set_period(absl::GetFlag(FLAGS_period));
  request.set_region(absl::GetFlag(FLAGS_region));
  st::GetRegionReportResponse response;
  if (absl::Status s = client.Call(&st::StatsService::Stub::GetRegionReport, request, &response); !s.ok()) {
    return Fail(s);
  }
  if (absl::GetFlag(FLAGS_format) == "json") return PrintJson(response);
  const std::string name = response.region_name().empty() ? response.region() : response.region_name();
  std::cout << name << "固定资产投资 (" << PeriodTitle(response.period()) << ", 统计局已锁定)\n";
  Table table({"地区代码", "地区", "入库项目", "本年累计(万元)", "上年同期(万元)", "同比增长"});
  auto add = [&table](const std::string& code, const std::string& region, const st::GetIndicatorsResponse& i) {
    table.AddRow({code, region, absl::StrCat(i.project_count()), Wan(i.total().ytd_yuan()),
                  Wan(i.total().ytd_last_year_yuan()),
                  Growth(i.total().yoy_growth().numerator(), i.total().yoy_growth().denominator())});
  };
  for (const auto& part : response.parts()) add(part.region(), part.name(), part.indicators());
  add(response.region(), "合计", response.total());
  std::cout << table.Render();
  return 0;
}

int CityReport(Client& client) {
  st::GetCityReportRequest request;
  request.set_period(absl::GetFlag(FLAGS_period));
  st::GetCityReportResponse response;
  if (absl::Status s = client.Call(&st::StatsService::Stub::GetCityReport, request, &response); !s.ok()) {
    return Fail(s);
  }
  if (absl::GetFlag(FLAGS_format) == "json") return PrintJson(response);
  const auto& report = response.report();
  const auto& ind = report.indicators();
  std::cout << "龙泉市固定资产投资月度报告 (" << PeriodTitle(ind.period()) << ")"
            << (ind.provisional() ? "  [初步数, 统计局尚未锁定]" : "  [统计局已锁定]") << "\n\n";
  const auto& total = ind.total();
  std::cout << "一、总体情况\n  固定资产投资完成 " << Yi(total.ytd_yuan()) << " 亿元, 同比增长 "
            << Growth(total.yoy_growth().numerator(), total.yoy_growth().denominator()) << RankText(total)
            << "; 上年同期 " << Yi(total.ytd_last_year_yuan()) << " 亿元。\n";
  std::cout << "  年度计划 " << Yi(ind.annual_plan_yuan()) << " 亿元, 完成率 " << RateText(ind.completion_rate())
            << ", 序时进度 " << RateText(ind.time_progress()) << "。\n\n二、分类增长\n";
  for (const auto& c : ind.categories()) {
    std::cout << "  " << DisplayNameOf(c.category()) << ": " << Yi(c.ytd_yuan()) << " 亿元, 同比 "
              << Growth(c.yoy_growth().numerator(), c.yoy_growth().denominator()) << RankText(c) << "\n";
  }
  const auto& key = report.key_projects();
  auto count = [&key](st::ProgressStatus s) {
    auto it = key.count_by_status().find(st::ProgressStatus_Name(s));
    return it == key.count_by_status().end() ? 0 : it->second;
  };
  std::cout << "\n三、重点项目\n  " << key.statuses_size() << " 个重点项目完成年度计划投资的 "
            << RateText(report.key_projects_completion_rate()) << "; 较快 " << count(st::PROGRESS_STATUS_AHEAD)
            << " 个, 正常 " << count(st::PROGRESS_STATUS_NORMAL) << " 个, 预警 " << count(st::PROGRESS_STATUS_WARNING)
            << " 个, 滞后 " << count(st::PROGRESS_STATUS_LAGGING) << " 个。\n";
  for (st::ProgressStatus s : {st::PROGRESS_STATUS_AHEAD, st::PROGRESS_STATUS_LAGGING}) {
    std::vector<std::string> names;
    for (const auto& p : key.statuses()) {
      if (p.status() == s) names.push_back(absl::StrCat(p.project_name(), "(", RateText(p.completion_rate()), ")"));
    }
    std::cout << "  " << DisplayNameOf(s) << ": " << absl::StrJoin(names, "、") << "\n";
  }
  std::cout << "\n四、年计划投资5000万元以上单位中完成率最低的单位\n";
  int shown = 0;
  for (const auto& u : report.lowest_units().units()) {
    if (++shown > 5) break;
    std::cout << "  " << u.rank() << ". " << u.unit_name() << " " << RateText(u.completion_rate()) << " (计划 "
              << Wan(u.annual_plan_yuan()) << " 万元, 完成 " << Wan(u.ytd_yuan()) << " 万元)\n";
  }
  std::cout << "\n五、新开工重大项目\n  一、二季度新开工重大项目 " << report.new_major_starts() << " 个, 其中进度落后 "
            << report.new_major_starts_behind() << " 个。\n";
  return 0;
}

}  // namespace saima::ctl
