// saimactl: the command-line client of the gateway, for officers and scripts.
//
//   saimactl units list
//   saimactl projects list [--unit=] [--planning_year=] [--stage=在建] [--page_size=]
//   saimactl projects show ID
//   saimactl projects summary [--planning_year=]
//   saimactl import units FILE.csv
//   saimactl import projects FILE.csv
//
// The gateway and token come from --gateway_grpc / --token or SAIMA_GATEWAY_GRPC / SAIMA_TOKEN.

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <set>
#include <sstream>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/client.h"
#include "common/flags.h"
#include "common/names.h"
#include "common/status.h"
#include "saima/gateway/v1/gateway.grpc.pb.h"
#include "saimactl/account_commands.h"
#include "saimactl/audit_commands.h"
#include "saimactl/cli.h"
#include "saimactl/contest_commands.h"
#include "saimactl/csv_import.h"
#include "saimactl/dispatch_commands.h"
#include "saimactl/stats_commands.h"
#include "saimactl/table.h"
#include "services/registry/project_rules.h"

ABSL_FLAG(std::string, unit, "", "filter: unit id");
ABSL_FLAG(int, planning_year, 0, "filter: planning year (谋划年度)");
ABSL_FLAG(std::string, stage, "", "filter: stage, e.g. 在建");
ABSL_FLAG(int, page_size, 50, "rows per page");
ABSL_FLAG(bool, all, false, "projects list: every page, not only the first");

namespace saima::ctl {
namespace {

namespace gw = ::saima::gateway::v1;

// Sends each parsed row; prints a progress bar, then every refused row with its line, column and rule.
template <typename T, typename Send>
int ImportRows(const std::vector<ParsedRow<T>>& rows, const char* what, Send send) {
  std::vector<RowError> errors;
  size_t imported = 0;
  for (size_t i = 0; i < rows.size(); ++i) {
    const auto& row = rows[i];
    if (!row.errors.empty()) {
      errors.insert(errors.end(), row.errors.begin(), row.errors.end());
    } else if (absl::Status s = send(row); !s.ok()) {
      auto fields = FieldViolationsOf(s);
      if (fields.empty()) errors.push_back({row.line, "-", ChineseMessageOf(s)});
      for (const auto& f : fields) {
        const std::string column = ColumnOf(f.field);
        errors.push_back({row.line, column.empty() ? "-" : column, f.localized.empty() ? f.description : f.localized});
      }
    } else {
      ++imported;
    }
    Progress(i + 1, rows.size());
  }
  std::cout << absl::StrFormat("导入%s: 共 %d 行, 成功 %d 行, 失败 %d 行\n", what, rows.size(), imported,
                               rows.size() - imported);
  for (const auto& e : errors) std::cout << absl::StrFormat("  第%d行 [%s] %s\n", e.line, e.column, e.rule);
  return errors.empty() ? 0 : 1;
}

int ImportUnits(Client& client, const std::string& path) {
  auto table = ReadTable(path);
  if (!table.ok()) return Fail(table.status());
  auto rows = ParseUnitsCsv(*table);
  if (!rows.ok()) return Fail(rows.status());
  return ImportRows(*rows, "单位", [&client](const ParsedRow<pb::Unit>& row) {
    reg::CreateUnitRequest request;
    *request.mutable_unit() = row.value;
    reg::CreateUnitResponse response;
    return client.Call(&reg::RegistryService::Stub::CreateUnit, request, &response);
  });
}

int ImportProjects(Client& client, const std::string& path) {
  auto table = ReadTable(path);
  if (!table.ok()) return Fail(table.status());
  auto rows = ParseProjectsCsv(*table);
  if (!rows.ok()) return Fail(rows.status());
  return ImportRows(*rows, "项目", [&client](const ParsedRow<pb::Project>& row) {
    reg::CreateProjectRequest request;
    *request.mutable_project() = row.value;
    request.set_request_id("import-" + row.fingerprint);
    reg::CreateProjectResponse response;
    return client.Call(&reg::RegistryService::Stub::CreateProject, request, &response);
  });
}

// Unit code → "名称", for showing units by name (the code when the list cannot be read).
std::function<std::string(const std::string&)> UnitNamer(Client& client) {
  auto names = std::make_shared<std::map<std::string, std::string>>();
  reg::ListUnitsResponse response;
  if (client.Call(&reg::RegistryService::Stub::ListUnits, reg::ListUnitsRequest(), &response).ok()) {
    for (const auto& u : response.units()) (*names)[u.unit_id()] = u.name();
  }
  return [names](const std::string& id) {
    auto it = names->find(id);
    return it == names->end() ? id : it->second;
  };
}

int ListUnits(Client& client) {
  reg::ListUnitsRequest request;
  reg::ListUnitsResponse response;
  if (absl::Status s = client.Call(&reg::RegistryService::Stub::ListUnits, request, &response); !s.ok()) return Fail(s);
  Table table({"单位代码", "单位名称", "单位类型", "行政区划"});
  for (const auto& u : response.units()) {
    table.AddRow({u.unit_id(), u.name(), DisplayNameOf(u.type()), u.region_code()});
  }
  std::cout << table.Render() << "共 " << response.units_size() << " 个单位\n";
  return 0;
}

int ListProjects(Client& client) {
  reg::ListProjectsRequest request;
  request.mutable_filter()->set_unit_id(absl::GetFlag(FLAGS_unit));
  request.mutable_filter()->set_planning_year(absl::GetFlag(FLAGS_planning_year));
  if (!absl::GetFlag(FLAGS_stage).empty()) {
    pb::ProjectStage stage;
    if (!ParseDisplayName(absl::GetFlag(FLAGS_stage), &stage)) {
      return Fail(Refused("--stage", "须为 谋划/前期/在建/竣工/投产/停缓建/退出 之一"));
    }
    request.mutable_filter()->set_stage(stage);
  }
  request.set_page_size(absl::GetFlag(FLAGS_page_size));
  Table table({"编号", "项目代码", "项目名称", "单位", "产业", "阶段", "谋划年度", "计划总投资(万元)"});
  const auto unit_name = UnitNamer(client);
  int32_t total = 0;
  do {
    reg::ListProjectsResponse response;
    if (absl::Status s = client.Call(&reg::RegistryService::Stub::ListProjects, request, &response); !s.ok()) {
      return Fail(s);
    }
    for (const auto& p : response.projects()) {
      table.AddRow({absl::StrCat(p.project_id()), p.project_code().empty() ? "—" : p.project_code(), p.name(),
                    unit_name(p.unit_id()), DisplayNameOf(p.sector()), DisplayNameOf(p.stage()),
                    absl::StrCat(p.planning_year()), Wan(p.planned_total_investment_yuan())});
    }
    total = response.total_size();
    request.set_page_token(response.next_page_token());
  } while (absl::GetFlag(FLAGS_all) && !request.page_token().empty());
  std::cout << table.Render() << "共 " << total << " 个项目"
            << (request.page_token().empty() ? "" : " (仅显示第一页; --all 显示全部)") << "\n";
  return 0;
}

int ShowProject(Client& client, const std::string& id_text) {
  reg::GetProjectRequest request;
  int64_t id = 0;
  if (!absl::SimpleAtoi(id_text, &id)) return Fail(Refused("ID", "须为项目编号"));
  request.set_project_id(id);
  reg::GetProjectResponse response;
  if (absl::Status s = client.Call(&reg::RegistryService::Stub::GetProject, request, &response); !s.ok())
    return Fail(s);
  const auto& p = response.project();
  std::string tiers;
  for (int t : p.tiers())
    absl::StrAppend(&tiers, tiers.empty() ? "" : "、", DisplayNameOf(static_cast<pb::ProjectTier>(t)));
  Table table({"项目", "内容"});
  table.AddRow({"编号", absl::StrCat(p.project_id())});
  table.AddRow({"项目代码", p.project_code().empty() ? "—" : p.project_code()});
  table.AddRow({"项目名称", p.name()});
  table.AddRow({"单位", absl::StrCat(UnitNamer(client)(p.unit_id()), " (", p.unit_id(), ")")});
  table.AddRow({"行业", absl::StrCat(p.industry_code(), " ", p.industry_name())});
  table.AddRow({"三次产业", DisplayNameOf(p.sector())});
  table.AddRow(
      {"工业 / 制造业 / 工业技改", absl::StrCat(p.industrial() ? "是" : "否", " / ", p.manufacturing() ? "是" : "否",
                                                " / ", p.industrial_renovation() ? "是" : "否")});
  table.AddRow({"建设性质", DisplayNameOf(p.construction_nature())});
  table.AddRow({"控股情况", DisplayNameOf(p.ownership())});
  table.AddRow({"项目层级", tiers.empty() ? "—" : tiers});
  table.AddRow({"项目阶段", DisplayNameOf(p.stage())});
  table.AddRow({"谋划年度", absl::StrCat(p.planning_year())});
  table.AddRow({"计划总投资(万元)", Wan(p.planned_total_investment_yuan())});
  table.AddRow(
      {"计划开工 / 实际开工", absl::StrCat(p.planned_start_date().empty() ? "—" : p.planned_start_date(), " / ",
                                           p.actual_start_date().empty() ? "—" : p.actual_start_date())});
  table.AddRow({"建设地点", p.location().empty() ? "—" : p.location()});
  table.AddRow({"版本", absl::StrCat(p.revision())});
  std::cout << table.Render();
  return 0;
}

int Summary(Client& client) {
  reg::SummarizeProjectsRequest request;
  request.mutable_filter()->set_planning_year(absl::GetFlag(FLAGS_planning_year));
  request.mutable_filter()->set_unit_id(absl::GetFlag(FLAGS_unit));
  reg::SummarizeProjectsResponse response;
  if (absl::Status s = client.Call(&reg::RegistryService::Stub::SummarizeProjects, request, &response); !s.ok()) {
    return Fail(s);
  }
  const auto& s = response.summary();
  const std::string scope =
      absl::GetFlag(FLAGS_planning_year) ? absl::StrCat(absl::GetFlag(FLAGS_planning_year), "年谋划") : "全部";
  std::cout << absl::StrFormat("%s项目 %d 个: 一产 %d 个, 二产 %d 个, 三产 %d 个\n", scope, s.total(), s.primary(),
                               s.secondary(), s.tertiary());
  if (s.total() > 0) {
    // Rounded half away from zero to one decimal, from the exact counts (DOMAIN.md §8).
    const int64_t per_mille = (static_cast<int64_t>(s.secondary_manufacturing()) * 2000 + s.total()) / (2 * s.total());
    std::cout << absl::StrFormat("二产制造业项目 %d 个, 占比 %d.%d%%\n", s.secondary_manufacturing(), per_mille / 10,
                                 per_mille % 10);
  }
  for (const auto& [type, count] : s.by_unit_type()) {
    pb::UnitType t = pb::UNIT_TYPE_UNSPECIFIED;
    pb::UnitType_Parse(type, &t);
    std::cout << absl::StrFormat("  %s: %d 个\n", DisplayNameOf(t), count);
  }
  return 0;
}

// The commands; to stdout with exit 0 when asked for (help), to stderr with exit 2 after a wrong command line.
int Usage(bool asked = false) {
  (asked ? std::cout : std::cerr)
      << "用法: saimactl login --user=ID | refresh | logout [--user=ID]   (密码取自 SAIMA_PASSWORD 或标准输入)\n"
         "       saimactl user create ID --role= [--unit=] --name= | list\n"
         "       saimactl apikey create --name= --scopes=reports:read,projects:read | list | revoke KEY_ID\n"
         "       saimactl units list | projects list|show ID|summary\n"
         "       saimactl import units|projects|documents|ruku|plans|monthly|peers FILE.csv|FILE.xlsx\n"
         "       saimactl lock YYYY-MM | publish YYYY-MM | report city --period=YYYY-MM [--format=json]\n"
         "       saimactl report provincial --period=YYYY-MM [--region=331181] [--stream] --out=DIR\n"
         "       saimactl report regions --period=YYYY-MM [--region=33|3311|331181] [--format=json]\n"
         "       saimactl ruku apply PROJECT_ID --dept=D01 | step APP STATE [--reason=] | show APP | list | missing\n"
         "       saimactl indicators --period=YYYY-MM [--scope=city|unit:ID|tier:T|category:C]\n"
         "       saimactl forecast --period=YYYY-MM [--format=json]   (全年预计)\n"
         "       saimactl flags list --period=YYYY-MM | dismiss 项目编号|unit:单位 HS01…HS07 --period= --reason=\n"
         "       saimactl campaign create FILE.json | list | judges ID FILE.csv | nominate ID 项目代码...\n"
         "                | nominations ID | review NOMINATION [--reject --note=] | finalize ID [NOMINATION...]\n"
         "                | sheets ID FILE.csv [--submit] | compute ID | publish ID | results ID [--csv= --xlsx=]\n"
         "       saimactl lookback --year=YYYY --period=YYYY-MM\n"
         "       saimactl dispatch load FILE.json | escalate [--as_of=] | agenda --period=YYYY-MM [--out=DIR]\n"
         "       saimactl audit verify [--service=] | show --service= [--table=] [--match=JSON] [--actor=]\n"
         "       saimactl audit prove --project_id= --period=YYYY-MM [--version=]\n"
         "       saimactl analysis quarterly --year= --quarter= [--out=DIR] | annual --year= [--period=] [--out=DIR]\n"
         "       saimactl help   (本说明; saimactl --help 列出全部选项)\n"
         "退出码: 0 成功, 1 请求被拒绝或失败, 2 命令行有误\n";
  return asked ? 0 : 2;
}

}  // namespace
}  // namespace saima::ctl

int main(int argc, char** argv) {
  using namespace saima::ctl;
  std::vector<char*> args = saima::ParseFlags(argc, argv, "saimactl units|projects|import ...");
  std::vector<std::string> words(args.begin() + 1, args.end());
  if (!words.empty() && (words[0] == "help" || words[0] == "帮助")) return Usage(/*asked=*/true);
  static const std::set<std::string> kOneWord = {"indicators", "forecast", "flags", "lookback",
                                                 "login",      "refresh",  "logout"};
  if (words.empty() || (words.size() < 2 && kOneWord.count(words[0]) == 0)) return Usage();
  Client client;
  if (words[0] == "login") return Login(client);
  if (words[0] == "refresh") return Refresh(client);
  if (words[0] == "logout") return Logout(client);
  if (words[0] == "user") return Users(client, words);
  if (words[0] == "apikey") return ApiKeys(client, words);
  if (words[0] == "units" && words[1] == "list") return ListUnits(client);
  if (words[0] == "projects" && words[1] == "list") return ListProjects(client);
  if (words[0] == "projects" && words[1] == "show" && words.size() == 3) return ShowProject(client, words[2]);
  if (words[0] == "projects" && words[1] == "summary") return Summary(client);
  if (words[0] == "import" && words[1] == "units" && words.size() == 3) return ImportUnits(client, words[2]);
  if (words[0] == "import" && words[1] == "projects" && words.size() == 3) return ImportProjects(client, words[2]);
  if (words[0] == "import" && words.size() == 3) return ImportStatistics(client, words[1], words[2]);
  if (words[0] == "lock" && words.size() == 2) return LockPeriod(client, words[1]);
  if (words[0] == "publish" && words.size() == 2) return PublishPeriod(client, words[1]);
  if (words[0] == "report" && words[1] == "city") return CityReport(client);
  if (words[0] == "report" && words[1] == "regions") return RegionReport(client);
  if (words[0] == "report" && words[1] == "provincial") return ProvincialPackage(client);
  if (words[0] == "indicators") return Indicators(client);
  if (words[0] == "forecast") return Forecast(client);
  if (words[0] == "flags") return Flags(client, words);
  if (words[0] == "ruku") return Ruku(client, words);
  if (words[0] == "campaign") return Campaign(client, words);
  if (words[0] == "lookback") return LookBack(client);
  if (words[0] == "dispatch") return Dispatch(client, words);
  if (words[0] == "analysis") return Analysis(client, words);
  if (words[0] == "audit") return Audit(client, words);
  return Usage();
}
