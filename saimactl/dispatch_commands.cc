#include "saimactl/dispatch_commands.h"

#include <fstream>
#include <iostream>

#include "absl/flags/declare.h"
#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "common/digest.h"
#include "common/names.h"
#include "gateway/dispatch_export.h"
#include "google/protobuf/util/json_util.h"
#include "nlohmann/json.hpp"
#include "saimactl/table.h"
#include "services/registry/dispatch_rules.h"

ABSL_FLAG(int, quarter, 0, "analysis quarterly: the quarter, 1 to 4");
ABSL_DECLARE_FLAG(std::string, period);
ABSL_DECLARE_FLAG(std::string, out);
ABSL_DECLARE_FLAG(std::string, as_of);
ABSL_DECLARE_FLAG(std::string, format);
ABSL_DECLARE_FLAG(int, year);

namespace saima::ctl {
namespace {

// Resolves "projectCode" into "projectId" and parses the rest as `message`.
absl::Status FromItem(Client& client, nlohmann::json item, google::protobuf::Message* message) {
  if (item.contains("projectCode")) {
    reg::ListProjectsRequest request;
    request.mutable_filter()->set_project_code(item["projectCode"].get<std::string>());
    reg::ListProjectsResponse response;
    if (absl::Status s = client.Call(&reg::RegistryService::Stub::ListProjects, request, &response); !s.ok()) return s;
    if (response.projects_size() != 1) {
      return Refused("projectCode", absl::StrCat(item["projectCode"].get<std::string>(), " 未登记"));
    }
    item.erase("projectCode");
    item["projectId"] = std::to_string(response.projects(0).project_id());
  }
  auto status = google::protobuf::util::JsonStringToMessage(item.dump(), message);
  if (!status.ok()) return Refused("item", "不是有效的调度记录 JSON：" + std::string(status.message()));
  return absl::OkStatus();
}

int Load(Client& client, const std::string& path) {
  auto text = ReadFile(path);
  if (!text.ok()) return Fail(text.status());
  nlohmann::json doc = nlohmann::json::parse(*text, nullptr, false);
  if (!doc.is_object()) return Fail(Refused(path, "须为 JSON 对象"));
  int problems = 0, orders = 0, decisions = 0, n = 0;
  // The same item loaded again is a replay: its request id is the hash of its text.
  auto id_of = [](const nlohmann::json& item) { return "dispatch-file:" + Sha256Hex(item.dump()).substr(0, 40); };
  for (const auto& item : doc.value("problems", nlohmann::json::array())) {
    reg::OpenProblemRequest request;
    if (absl::Status s = FromItem(client, item, request.mutable_problem()); !s.ok()) return Fail(s);
    request.set_request_id(id_of(item));
    reg::OpenProblemResponse response;
    if (absl::Status s = client.Call(&reg::DispatchService::Stub::OpenProblem, request, &response); !s.ok()) {
      std::cerr << "problems[" << n << "]: ";
      return Fail(s);
    }
    ++problems;
    ++n;
  }
  for (const auto& item : doc.value("orders", nlohmann::json::array())) {
    reg::IssueOrderRequest request;
    if (absl::Status s = FromItem(client, item, request.mutable_order()); !s.ok()) return Fail(s);
    request.set_request_id(id_of(item));
    reg::IssueOrderResponse response;
    if (absl::Status s = client.Call(&reg::DispatchService::Stub::IssueOrder, request, &response); !s.ok()) {
      return Fail(s);
    }
    ++orders;
  }
  for (const auto& item : doc.value("decisions", nlohmann::json::array())) {
    reg::RecordDecisionRequest request;
    if (absl::Status s = FromItem(client, item, request.mutable_decision()); !s.ok()) return Fail(s);
    request.set_request_id(id_of(item));
    reg::RecordDecisionResponse response;
    if (absl::Status s = client.Call(&reg::DispatchService::Stub::RecordDecision, request, &response); !s.ok()) {
      return Fail(s);
    }
    ++decisions;
  }
  std::cout << "问题 " << problems << " 个, 督办 " << orders << " 件, 会议决定 " << decisions << " 条\n";
  return 0;
}

int WriteWorkbook(const std::vector<gateway::Table>& tables, const std::string& name) {
  if (absl::GetFlag(FLAGS_out).empty() || absl::GetFlag(FLAGS_out) == ".") return 0;
  auto xlsx = gateway::ToXlsx(tables);
  if (!xlsx.ok()) return Fail(xlsx.status());
  const std::string path = absl::GetFlag(FLAGS_out) + "/" + name;
  std::ofstream(path, std::ios::binary) << *xlsx;
  std::cout << "已写出 " << path << "\n";
  return 0;
}

void Print(const gateway::Table& table, size_t max_rows = 40) {
  Table printed(table.cells[0]);
  for (size_t r = 1; r < table.cells.size() && r <= max_rows; ++r) printed.AddRow(table.cells[r]);
  std::cout << "【" << table.name << "】 " << table.cells.size() - 1 << " 项\n";
  if (table.cells.size() > 1) std::cout << printed.Render();
}

int Agenda(Client& client) {
  gw::GetDispatchAgendaRequest request;
  request.set_period(absl::GetFlag(FLAGS_period));
  gw::GetDispatchAgendaResponse agenda;
  if (absl::Status s = client.Call(&gw::GatewayService::Stub::GetDispatchAgenda, request, &agenda); !s.ok()) {
    return Fail(s);
  }
  if (absl::GetFlag(FLAGS_format) == "json") return PrintJson(agenda);
  const auto tables = gateway::AgendaTables(agenda);
  std::cout << agenda.period() << " 月调度议程 (截至 " << agenda.as_of_date() << ")\n";
  // On the terminal: who is behind and what is done about it; the workbook has every section in full.
  Table behind({"项目", "单位", "状态", "上月", "连续(月)", "问题(逾期)", "督办"});
  for (const auto& p : agenda.behind()) {
    int overdue = 0;
    for (const auto& problem : p.problems()) overdue += problem.overdue() ? 1 : 0;
    std::string orders;
    for (const auto& o : p.orders()) {
      absl::StrAppend(&orders, orders.empty() ? "" : "、", DisplayNameOf(o.level()), "#", o.order_id());
    }
    behind.AddRow({p.project_name(), p.unit_name(), p.status(), p.previous_status().empty() ? "—" : p.previous_status(),
                   absl::StrCat(p.months_behind()), absl::StrCat(p.problems_size(), "(", overdue, ")"),
                   orders.empty() ? "—" : orders});
  }
  std::cout << "【预警滞后项目】 " << agenda.behind_size() << " 个\n" << behind.Render();
  for (size_t i = 1; i < tables.size(); ++i) {
    std::cout << "【" << tables[i].name << "】 " << tables[i].cells.size() - 1 << " 项\n";
  }
  return WriteWorkbook(tables, absl::StrCat("月调度议程-", agenda.period(), ".xlsx"));
}

int Quarterly(Client& client) {
  gw::GetQuarterlyAnalysisRequest request;
  request.set_year(absl::GetFlag(FLAGS_year));
  request.set_quarter(absl::GetFlag(FLAGS_quarter));
  gw::GetQuarterlyAnalysisResponse analysis;
  if (absl::Status s = client.Call(&gw::GatewayService::Stub::GetQuarterlyAnalysis, request, &analysis); !s.ok()) {
    return Fail(s);
  }
  if (absl::GetFlag(FLAGS_format) == "json") return PrintJson(analysis);
  const auto tables = gateway::QuarterlyTables(analysis);
  std::cout << analysis.year() << " 年第 " << analysis.quarter() << " 季度分析\n";
  Print(tables[0]);
  Print(tables[1]);
  Print(tables[3]);
  return WriteWorkbook(tables, absl::StrCat("季分析-", analysis.year(), "Q", analysis.quarter(), ".xlsx"));
}

int Annual(Client& client) {
  gw::GetAnnualSummaryRequest request;
  request.set_year(absl::GetFlag(FLAGS_year));
  request.set_period(absl::GetFlag(FLAGS_period));
  gw::GetAnnualSummaryResponse summary;
  if (absl::Status s = client.Call(&gw::GatewayService::Stub::GetAnnualSummary, request, &summary); !s.ok()) {
    return Fail(s);
  }
  if (absl::GetFlag(FLAGS_format) == "json") return PrintJson(summary);
  const auto tables = gateway::AnnualTables(summary);
  std::cout << summary.year() << " 年度总结 (截至 " << summary.period() << ")\n";
  Print(tables[0]);
  Print(tables[1], 60);
  return WriteWorkbook(tables, absl::StrCat("年总结-", summary.year(), ".xlsx"));
}

}  // namespace

int Dispatch(Client& client, const std::vector<std::string>& words) {
  const std::string verb = words.size() > 1 ? words[1] : "";
  if (verb == "load" && words.size() == 3) return Load(client, words[2]);
  if (verb == "agenda") return Agenda(client);
  if (verb == "escalate") {
    reg::EscalateOrdersRequest request;
    request.set_as_of_date(absl::GetFlag(FLAGS_as_of));
    reg::EscalateOrdersResponse response;
    if (absl::Status s = client.Call(&reg::DispatchService::Stub::EscalateOrders, request, &response); !s.ok()) {
      return Fail(s);
    }
    std::cout << "升级督办 " << response.escalated_size() << " 件\n";
    return 0;
  }
  return Fail(Refused("dispatch", "须为 load/escalate/agenda 之一"));
}

int Analysis(Client& client, const std::vector<std::string>& words) {
  const std::string verb = words.size() > 1 ? words[1] : "";
  if (verb == "quarterly") return Quarterly(client);
  if (verb == "annual") return Annual(client);
  return Fail(Refused("analysis", "须为 quarterly/annual 之一"));
}

}  // namespace saima::ctl
