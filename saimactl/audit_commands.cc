#include "saimactl/audit_commands.h"

#include <iostream>

#include "absl/flags/declare.h"
#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"
#include "saimactl/table.h"

ABSL_FLAG(std::string, service, "", "audit: registry, stats or scoring");
ABSL_FLAG(std::string, table, "", "audit show: only this table, e.g. monthly_reports");
ABSL_FLAG(std::string, match, "", "audit show: a JSON object the row before or after contains");
ABSL_FLAG(std::string, actor, "", "audit show: only this person's changes");
ABSL_FLAG(int, entries, 50, "audit show: how many entries, newest first (at most 500)");
ABSL_DECLARE_FLAG(std::string, format);

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

}  // namespace

int Audit(Client& client, const std::vector<std::string>& words) {
  if (words.size() >= 2 && words[1] == "verify") return Verify(client);
  if (words.size() >= 2 && words[1] == "show") return Show(client);
  std::cerr << "用法: saimactl audit verify [--service=] | show --service= [--table=] [--match=JSON] [--actor=]\n";
  return 2;
}

}  // namespace saima::ctl
