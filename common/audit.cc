#include "common/audit.h"

#include "absl/strings/str_cat.h"
#include "common/pg.h"
#include "common/policy.h"
#include "common/serve.h"
#include "common/status.h"
#include "nlohmann/json.hpp"

namespace saima {

absl::Status ValidateListAuditEntries(const audit_pb::ListAuditEntriesRequest& request, bool service_required) {
  Violations v;
  if (service_required && request.service() != "registry" && request.service() != "stats" &&
      request.service() != "scoring") {
    v.Add("service", "must be registry, stats or scoring", "服务名应为 registry、stats 或 scoring");
  }
  if (!request.match_json().empty()) {
    auto parsed = nlohmann::json::parse(request.match_json(), nullptr, /*allow_exceptions=*/false);
    if (parsed.is_discarded() || !parsed.is_object())
      v.Add("match_json", "must be a JSON object", "匹配条件应为 JSON 对象");
  }
  if (request.page_size() < 0 || request.page_size() > 500)
    v.Add("page_size", "must be between 0 and 500", "每页条数应在 0 至 500 之间");
  if (request.before_seq() < 0) v.Add("before_seq", "must not be negative", "起始序号不能为负数");
  return v.ToStatus();
}

absl::StatusOr<audit_pb::VerifyAuditResponse> AuditLog::VerifyAudit(const Caller& caller,
                                                                    const audit_pb::VerifyAuditRequest& request,
                                                                    absl::Time deadline) {
  if (absl::Status allowed = Authorize(caller, Action::ACTION_READ_AUDIT); !allowed.ok()) return allowed;
  if (!request.service().empty() && request.service() != service_) {
    return InvalidField("service", absl::StrCat("this is the ", service_, " service"),
                        absl::StrCat("此处只能查询 ", service_, " 服务的审计日志"));
  }
  audit_pb::VerifyAuditResponse response;
  audit_pb::ChainCheck& check = *response.add_chains();
  check.set_service(service_);
  check.set_intact(true);
  absl::Status status = pool_.Transaction(deadline, [&](pqxx::work& txn) {
    // The genesis hash, then every entry in chain order with its hash recomputed by the same function that
    // made it; a row edited behind the services' backs no longer matches, and a removed one breaks the links.
    std::string previous =
        txn.exec_params1("SELECT encode(sha256(convert_to('saima audit chain ' || $1, 'UTF8')), 'hex')", service_)[0]
            .c_str();
    int64_t expected_seq = 1;
    pqxx::icursorstream rows(txn,
                             absl::StrCat("SELECT seq, encode(prev_hash, 'hex'), encode(hash, 'hex'), "
                                          "encode(sha256(convert_to(audit.canonical(e), 'UTF8')), 'hex') "
                                          "FROM audit.entries e WHERE service = ",
                                          txn.quote(service_), " ORDER BY seq"),
                             "audit_rows", 2000);
    for (pqxx::result block; rows >> block;) {
      for (const auto& row : block) {
        const int64_t seq = row[0].is_null() ? 0 : row[0].as<int64_t>();
        const std::string prev = row[1].is_null() ? "" : row[1].c_str();
        const std::string hash = row[2].is_null() ? "" : row[2].c_str();
        const std::string recomputed = row[3].is_null() ? "" : row[3].c_str();
        check.set_entries(check.entries() + 1);
        if (!check.intact()) continue;
        std::string problem;
        if (seq != expected_seq) {
          problem = absl::StrCat("entry ", expected_seq, " is missing (the next one is ", seq, ")");
        } else if (prev != previous) {
          problem = "its link does not match the hash of the entry before";
        } else if (hash != recomputed) {
          problem = "its content does not match its hash (edited after it was written)";
        }
        if (!problem.empty()) {
          check.set_intact(false);
          check.set_first_broken_seq(seq);
          check.set_problem(problem);
        }
        previous = hash;
        ++expected_seq;
      }
    }
    check.set_head_hash(previous);
    if (coverage_) coverage_(txn, check);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return response;
}

absl::StatusOr<audit_pb::ListAuditEntriesResponse> AuditLog::ListAuditEntries(
    const Caller& caller, const audit_pb::ListAuditEntriesRequest& request, absl::Time deadline) {
  if (absl::Status allowed = Authorize(caller, Action::ACTION_READ_AUDIT); !allowed.ok()) return allowed;
  if (absl::Status valid = ValidateListAuditEntries(request, false); !valid.ok()) return valid;
  if (!request.service().empty() && request.service() != service_) {
    return InvalidField("service", absl::StrCat("this is the ", service_, " service"),
                        absl::StrCat("此处只能查询 ", service_, " 服务的审计日志"));
  }
  const int page_size = request.page_size() == 0 ? 50 : request.page_size();
  audit_pb::ListAuditEntriesResponse response;
  absl::Status status = pool_.Transaction(deadline, [&](pqxx::work& txn) {
    auto rows = txn.exec_params(
        "SELECT seq, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), actor, role, request_id, "
        "client, operation, table_name, coalesce(before::text, ''), coalesce(after::text, ''), encode(hash, 'hex') "
        "FROM audit.entries WHERE service = $1 AND seq IS NOT NULL AND ($2 = '' OR table_name = $2) "
        "AND ($3 = '' OR before @> $3::jsonb OR after @> $3::jsonb) AND ($4 = '' OR actor = $4) "
        "AND ($5 = 0 OR seq < $5) ORDER BY seq DESC LIMIT $6",
        service_, request.table(), request.match_json(), request.actor(), request.before_seq(), page_size + 1);
    for (const auto& row : rows) {
      if (response.entries_size() == page_size) {
        response.set_next_before_seq(response.entries(page_size - 1).seq());
        break;
      }
      audit_pb::AuditEntry& e = *response.add_entries();
      e.set_service(service_);
      e.set_seq(row[0].as<int64_t>());
      e.set_at(row[1].c_str());
      e.set_actor(row[2].c_str());
      e.set_role(row[3].c_str());
      e.set_request_id(row[4].c_str());
      e.set_client(row[5].c_str());
      e.set_operation(row[6].c_str());
      e.set_table(row[7].c_str());
      e.set_before_json(row[8].c_str());
      e.set_after_json(row[9].c_str());
      e.set_hash(row[10].c_str());
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return response;
}

namespace {

class AuditServiceImpl final : public audit_pb::AuditService::Service {
 public:
  AuditServiceImpl(PgPool& pool, const std::string& service, AuditCoverageCheck coverage)
      : log_(pool, service, std::move(coverage)) {}

  grpc::Status VerifyAudit(grpc::ServerContext* c, const audit_pb::VerifyAuditRequest* q,
                           audit_pb::VerifyAuditResponse* r) override {
    return Serve(c, q, r, [this](const Caller& caller, const auto& request, absl::Time d) {
      return log_.VerifyAudit(caller, request, d);
    });
  }
  grpc::Status ListAuditEntries(grpc::ServerContext* c, const audit_pb::ListAuditEntriesRequest* q,
                                audit_pb::ListAuditEntriesResponse* r) override {
    return Serve(c, q, r, [this](const Caller& caller, const auto& request, absl::Time d) {
      return log_.ListAuditEntries(caller, request, d);
    });
  }

 private:
  AuditLog log_;
};

}  // namespace

std::shared_ptr<grpc::Service> MakeAuditService(PgPool& pool, const std::string& service, AuditCoverageCheck coverage) {
  return std::make_shared<AuditServiceImpl>(pool, service, std::move(coverage));
}

}  // namespace saima
