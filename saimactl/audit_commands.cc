#include "saimactl/audit_commands.h"

#include <iostream>

#include "absl/flags/declare.h"
#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "common/merkle.h"
#include "nlohmann/json.hpp"
#include "saimactl/table.h"

ABSL_FLAG(std::string, service, "", "audit: registry, stats or scoring");
ABSL_FLAG(std::string, table, "", "audit show: only this table, e.g. monthly_reports");
ABSL_FLAG(std::string, match, "", "audit show: a JSON object the row before or after contains");
ABSL_FLAG(std::string, actor, "", "audit show: only this person's changes");
ABSL_FLAG(int, entries, 50, "audit show: how many entries, newest first (at most 500)");
ABSL_FLAG(int64_t, project_id, 0, "audit prove: the project's id");
ABSL_FLAG(int, version, 0, "audit prove: the figure's version (default: the newest)");
ABSL_DECLARE_FLAG(std::string, format);
ABSL_DECLARE_FLAG(std::string, period);

namespace saima::ctl {
namespace {

namespace audit_pb = ::saima::audit::v1;

const char* ServiceName(const std::string& service) {
  if (service == "registry") return "项目库 (registry)";
  if (service == "stats") return "统计 (stats)";
  if (service == "scoring") return "赛马评比 (scoring)";
  return service.c_str();
}

int Verify(Client& client) {
  audit_pb::VerifyAuditRequest request;
  request.set_service(absl::GetFlag(FLAGS_service));
  audit_pb::VerifyAuditResponse response;
  if (absl::Status s = client.Call(&audit_pb::AuditService::Stub::VerifyAudit, request, &response); !s.ok()) {
    return Fail(s);
  }
  if (absl::GetFlag(FLAGS_format) == "json") return PrintJson(response);
  bool intact = true;
  for (const auto& chain : response.chains()) {
    if (chain.intact()) {
      std::cout << ServiceName(chain.service()) << ": 审计链完整, 共 " << chain.entries() << " 条, 链尾哈希 "
                << chain.head_hash() << "\n";
      if (chain.imports() > 0) {
        std::cout << "  其中 " << chain.imports() << " 次批量导入 (共 " << chain.imported_rows()
                  << " 行) 的默克尔根已由现存数据重算, 与审计记录一致\n";
      }
    } else {
      intact = false;
      std::cout << ServiceName(chain.service()) << ": 审计链被破坏! 第一处在第 " << chain.first_broken_seq() << " 条 ("
                << chain.problem() << "), 共 " << chain.entries() << " 条\n";
    }
  }
  return intact ? 0 : 3;
}

// The changed columns of an update, "column: before → after"; the whole row otherwise.
std::string Change(const audit_pb::AuditEntry& e) {
  auto before = e.before_json().empty() ? nlohmann::json() : nlohmann::json::parse(e.before_json(), nullptr, false);
  auto after = e.after_json().empty() ? nlohmann::json() : nlohmann::json::parse(e.after_json(), nullptr, false);
  if (e.operation() == "INSERT") return "新增 " + after.dump();
  if (e.operation() == "DELETE") return "删除 " + before.dump();
  std::string out;
  if (before.is_object() && after.is_object()) {
    for (const auto& [key, value] : after.items()) {
      if (before.contains(key) && before[key] == value) continue;
      absl::StrAppend(&out, out.empty() ? "" : "; ", key, ": ", before.contains(key) ? before[key].dump() : "—", " → ",
                      value.dump());
    }
  }
  return out;
}

int Show(Client& client) {
  audit_pb::ListAuditEntriesRequest request;
  request.set_service(absl::GetFlag(FLAGS_service));
  request.set_table(absl::GetFlag(FLAGS_table));
  request.set_match_json(absl::GetFlag(FLAGS_match));
  request.set_actor(absl::GetFlag(FLAGS_actor));
  request.set_page_size(absl::GetFlag(FLAGS_entries));
  audit_pb::ListAuditEntriesResponse response;
  if (absl::Status s = client.Call(&audit_pb::AuditService::Stub::ListAuditEntries, request, &response); !s.ok()) {
    return Fail(s);
  }
  if (absl::GetFlag(FLAGS_format) == "json") return PrintJson(response);
  Table table({"序号", "时间 (UTC)", "操作人", "角色", "来源", "请求", "表", "变更 (修改前 → 修改后)"});
  for (const auto& e : response.entries()) {
    table.AddRow(
        {absl::StrCat(e.seq()), e.at(), e.actor(), e.role(), e.client(), e.request_id(), e.table(), Change(e)});
  }
  std::cout << table.Render();
  if (response.next_before_seq() != 0) std::cout << "(还有更早的记录; 用 --entries 看更多)\n";
  return 0;
}

// Proves one figure against the audit log, and checks the proof here as well: the leaf text hashed, and its audit
// path followed to the root recorded in the import's chained entry (RFC 9162 §2.1.3.2).
int Prove(Client& client) {
  st::ProveMonthlyReportRequest request;
  request.set_project_id(absl::GetFlag(FLAGS_project_id));
  request.set_period(absl::GetFlag(FLAGS_period));
  request.set_version(absl::GetFlag(FLAGS_version));
  if (request.version() == 0) {
    st::ListMonthlyReportVersionsRequest list;
    list.set_project_id(request.project_id());
    list.set_period(request.period());
    st::ListMonthlyReportVersionsResponse versions;
    if (absl::Status s = client.Call(&st::StatsService::Stub::ListMonthlyReportVersions, list, &versions); !s.ok()) {
      return Fail(s);
    }
    if (versions.versions().empty()) {
      std::cerr << "项目 " << request.project_id() << " " << request.period() << " 没有数据\n";
      return 1;
    }
    request.set_version(versions.versions(versions.versions_size() - 1).version());
  }
  st::ProveMonthlyReportResponse proof;
  if (absl::Status s = client.Call(&st::StatsService::Stub::ProveMonthlyReport, request, &proof); !s.ok()) {
    return Fail(s);
  }
  if (absl::GetFlag(FLAGS_format) == "json") return PrintJson(proof);
  std::cout << "项目 " << request.project_id() << " " << request.period() << " 第 " << request.version() << " 版";
  if (proof.import_id() == 0) {
    std::cout << ": 单独填报, 审计链 (stats) 第 " << proof.audit_seq() << " 条, " << proof.imported_by() << " 于 "
              << proof.imported_at() << " (UTC)\n"
              << (proof.proved() ? "已证明: 现存数据与审计记录一致\n" : "未能证明: 现存数据与审计记录不一致\n");
    return proof.proved() ? 0 : 3;
  }
  bool here = false;
  merkle::Hash root, expected;
  std::vector<merkle::Hash> path;
  for (const auto& h : proof.audit_path()) here = merkle::FromHex(h, &path.emplace_back());
  if ((here || path.empty()) && merkle::FromHex(proof.merkle_root(), &expected)) {
    here = merkle::RootFromPath(merkle::LeafHash(proof.leaf()), proof.leaf_index(), proof.leaf_count(), path, &root) &&
           root == expected;
  }
  std::cout << ": 批量导入 (批次 " << proof.import_id() << "), " << proof.imported_by() << " 于 " << proof.imported_at()
            << " (UTC) 导入, 审计链 (stats) 第 " << proof.audit_seq() << " 条\n"
            << "第 " << proof.leaf_index() + 1 << " 行 / 共 " << proof.leaf_count() << " 行, 叶哈希 "
            << proof.leaf_hash() << "\n审计路径 " << proof.audit_path_size() << " 个哈希, 默克尔根 "
            << proof.merkle_root() << "\n";
  const bool proved = proof.proved() && here;
  std::cout << (proved ? "已证明: 该行自导入后未被改动 (服务端与本机各自由审计路径算得的根与审计记录一致)\n"
                       : "未能证明: 该行与导入时的审计记录不一致\n");
  return proved ? 0 : 3;
}

}  // namespace

int Audit(Client& client, const std::vector<std::string>& words) {
  if (words.size() >= 2 && words[1] == "verify") return Verify(client);
  if (words.size() >= 2 && words[1] == "show") return Show(client);
  if (words.size() >= 2 && words[1] == "prove") return Prove(client);
  std::cerr << "用法: saimactl audit verify [--service=] | show --service= [--table=] [--match=JSON] [--actor=] | "
               "prove --project_id= --period=YYYY-MM [--version=]\n";
  return 2;
}

}  // namespace saima::ctl
