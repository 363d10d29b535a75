#include "common/pg.h"

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/ops.h"
#include "common/status.h"
#include "spdlog/spdlog.h"

namespace saima {

absl::Status StatusFromException(const std::exception& e) {
  if (dynamic_cast<const pqxx::unique_violation*>(&e)) {
    return Error(absl::StatusCode::kAlreadyExists, "a record with the same key already exists", "已有相同编号的记录");
  }
  if (dynamic_cast<const pqxx::foreign_key_violation*>(&e)) {
    return Error(absl::StatusCode::kFailedPrecondition, "a referenced record does not exist", "引用的记录不存在");
  }
  if (dynamic_cast<const pqxx::check_violation*>(&e)) {
    return Error(absl::StatusCode::kFailedPrecondition, "a stored value would break a database rule",
                 "数据不符合规则，未保存");
  }
  if (dynamic_cast<const pqxx::serialization_failure*>(&e) || dynamic_cast<const pqxx::deadlock_detected*>(&e)) {
    return Error(absl::StatusCode::kAborted, "concurrent update; retry the request", "数据正被他人同时修改，请重试");
  }
  if (dynamic_cast<const pqxx::broken_connection*>(&e) || dynamic_cast<const pqxx::in_doubt_error*>(&e)) {
    spdlog::warn("database connection lost: {}", e.what());
    return Error(absl::StatusCode::kUnavailable, "the database is unavailable", "数据库暂不可用，请稍后重试");
  }
  if (const auto* sql = dynamic_cast<const pqxx::sql_error*>(&e)) {
    // 57014: canceled by statement_timeout, which PgPool::Transaction derives from the caller's deadline.
    if (sql->sqlstate() == "57014") {
      return Error(absl::StatusCode::kDeadlineExceeded, "the database did not answer before the deadline",
                   "数据库响应超时，请稍后重试");
    }
    if (sql->sqlstate().rfind("08", 0) == 0 || sql->sqlstate() == "57P01") {
      return Error(absl::StatusCode::kUnavailable, "the database is unavailable", "数据库暂不可用，请稍后重试");
    }
    spdlog::error("database error {}: {}", sql->sqlstate(), e.what());
    return absl::InternalError("database error");
  }
  spdlog::error("unexpected error: {}", e.what());
  return absl::InternalError("internal error");
}

PgPool::PgPool(std::string url, int size, std::vector<NamedStatement> statements)
    : url_(std::move(url)), size_(std::max(1, size)), statements_(std::move(statements)) {}

PgPool::~PgPool() = default;

PgPool::Lease::~Lease() {
  if (pool_ != nullptr && conn_ != nullptr) pool_->Release(std::move(conn_));
}

void PgPool::Release(std::unique_ptr<pqxx::connection> conn) {
  std::lock_guard<std::mutex> lock(mu_);
  --leased_;
  if (conn->is_open()) {
    idle_.push_back(std::move(conn));
  } else {
    --open_;  // Broken: the next Acquire opens a fresh one.
  }
  freed_.notify_one();
}

int PgPool::in_use() const {
  std::lock_guard<std::mutex> lock(mu_);
  return leased_;
}

absl::StatusOr<PgPool::Lease> PgPool::Acquire(absl::Time deadline) {
  std::unique_lock<std::mutex> lock(mu_);
  while (idle_.empty() && open_ >= size_) {
    if (freed_.wait_until(lock, absl::ToChronoTime(deadline)) == std::cv_status::timeout && idle_.empty() &&
        open_ >= size_) {
      return Error(absl::StatusCode::kDeadlineExceeded, "no database connection became free before the deadline",
                   "系统繁忙，请稍后重试");
    }
  }
  if (!idle_.empty()) {
    auto conn = std::move(idle_.back());
    idle_.pop_back();
    ++leased_;
    return Lease(this, std::move(conn));
  }
  ++open_;
  ++leased_;
  lock.unlock();
  try {
    auto conn = std::make_unique<pqxx::connection>(url_);
    for (const auto& s : statements_) conn->prepare(s.name, s.sql);
    return Lease(this, std::move(conn));
  } catch (const std::exception& e) {
    lock.lock();
    --open_;
    --leased_;
    freed_.notify_one();
    spdlog::warn("cannot connect to the database: {}", e.what());
    return Error(absl::StatusCode::kUnavailable, "the database is unavailable", "数据库暂不可用，请稍后重试");
  }
}

namespace {
thread_local const WriteContext* current_write_context = nullptr;
}  // namespace

ScopedWriteContext::ScopedWriteContext(WriteContext context)
    : context_(std::move(context)), previous_(current_write_context) {
  current_write_context = &context_;
}

ScopedWriteContext::~ScopedWriteContext() { current_write_context = previous_; }

const WriteContext* CurrentWriteContext() { return current_write_context; }

absl::Status PgPool::RunIn(pqxx::connection& conn, absl::Time deadline,
                           const std::function<absl::Status(pqxx::work&)>& work, bool* wrote) {
  const int64_t timeout_ms = absl::ToInt64Milliseconds(deadline - absl::Now());
  if (timeout_ms <= 0)
    return Error(absl::StatusCode::kDeadlineExceeded, "deadline passed before the transaction began", "请求已超时");
  try {
    pqxx::work txn(conn);
    // A statement never outlives the caller's deadline; the audit triggers record who wrote.
    static const WriteContext kNone;
    const WriteContext& who = current_write_context != nullptr ? *current_write_context : kNone;
    // SET, not SELECT set_config(): a transaction may still choose its isolation level after these.
    txn.exec0(absl::StrCat("SET LOCAL statement_timeout = ", std::min<int64_t>(timeout_ms, 600000),
                           "; SET LOCAL saima.actor = ", txn.quote(who.actor), "; SET LOCAL saima.role = ",
                           txn.quote(who.role), "; SET LOCAL saima.request_id = ", txn.quote(who.request_id),
                           "; SET LOCAL saima.client = ", txn.quote(who.client)));
    absl::Status status = work(txn);
    if (status.ok()) {
      // With a replica, whether this transaction wrote anything (it then has a transaction id).
      if (wrote != nullptr) *wrote = txn.exec1("SELECT txid_current_if_assigned() IS NOT NULL")[0].as<bool>();
      txn.commit();
    }
    return status;  // Not committed: the transaction rolls back when txn is destroyed.
  } catch (const std::exception& e) {
    return StatusFromException(e);
  }
}

namespace {

// A pg_lsn ("16/B374D848") as a number; 0 for anything else.
uint64_t ParseLsn(const char* text) {
  unsigned long hi = 0, lo = 0;
  if (text == nullptr || std::sscanf(text, "%lx/%lx", &hi, &lo) != 2) return 0;
  return (static_cast<uint64_t>(hi) << 32) | lo;
}

}  // namespace

absl::Status PgPool::Transaction(absl::Time deadline, const std::function<absl::Status(pqxx::work&)>& work) {
  auto lease = Acquire(deadline);
  if (!lease.ok()) return lease.status();
  bool wrote = false;
  absl::Status status = RunIn(**lease, deadline, work, replica_ ? &wrote : nullptr);
  if (status.ok() && wrote) {
    // The WAL position after the commit, which the replica must have replayed before this actor reads there.
    uint64_t lsn = UINT64_MAX;  // unknown: this actor reads from the primary until the map is emptied
    try {
      pqxx::nontransaction after(**lease);
      lsn = ParseLsn(after.exec1("SELECT pg_current_wal_lsn()::text")[0].c_str());
    } catch (const std::exception& e) {
      spdlog::warn("WAL position after a write: {}", e.what());
    }
    NoteWrite(**lease, lsn);
  }
  return status;
}

void PgPool::NoteWrite(pqxx::connection& conn, uint64_t lsn) {
  const std::string actor = current_write_context != nullptr ? current_write_context->actor : "";
  {
    std::lock_guard<std::mutex> lock(lsn_mu_);
    if (written_lsn_.size() >= 100000) {
      // Bounded: forgetting the actors, every read waits for the newest write noted so far, once.
      for (const auto& [who, at] : written_lsn_) lsn_floor_ = std::max(lsn_floor_, at == UINT64_MAX ? 0 : at);
      written_lsn_.clear();
    }
    uint64_t& at = written_lsn_[actor];
    at = std::max(at, lsn);
  }
  if (positions_table_.empty() || lsn == UINT64_MAX) return;
  try {
    // For the other processes: the position only moves forward.
    pqxx::nontransaction txn(conn);
    txn.exec_params0(absl::StrCat("INSERT INTO ", positions_table_,
                                  " AS p (actor, lsn) VALUES ($1, $2::pg_lsn) ON CONFLICT (actor) DO UPDATE SET lsn = "
                                  "greatest(p.lsn, EXCLUDED.lsn)"),
                     actor, absl::StrFormat("%X/%X", lsn >> 32, lsn & 0xffffffff));
  } catch (const std::exception& e) {
    spdlog::warn("write position of {} not shared: {}", actor, e.what());
  }
}

uint64_t PgPool::LsnNeeded(absl::Time deadline) {
  const std::string actor = current_write_context != nullptr ? current_write_context->actor : "";
  uint64_t needed = 0;
  {
    std::lock_guard<std::mutex> lock(lsn_mu_);
    auto it = written_lsn_.find(actor);
    needed = std::max(lsn_floor_, it == written_lsn_.end() ? 0 : it->second);
  }
  if (positions_table_.empty() || needed == UINT64_MAX) return needed;
  // A write by another process of the service, for this actor. When the primary cannot say (it is down, e.g.
  // during a failover, when no write can have happened since), the reports stay readable from the replica with
  // what this process knows.
  auto lease = Acquire(std::min(deadline, absl::Now() + absl::Seconds(1)));
  if (!lease.ok()) {
    spdlog::warn("write position of {}: {}", actor, lease.status().ToString());
    return needed;
  }
  try {
    pqxx::nontransaction txn(**lease);
    auto row = txn.exec_params(absl::StrCat("SELECT lsn::text FROM ", positions_table_, " WHERE actor = $1"), actor);
    if (!row.empty()) needed = std::max(needed, ParseLsn(row[0][0].c_str()));
  } catch (const std::exception& e) {
    spdlog::warn("write position of {}: {}", actor, e.what());
  }
  return needed;
}

absl::Status PgPool::ReadTransaction(absl::Time deadline, const std::function<absl::Status(pqxx::work&)>& work,
                                     absl::Duration max_wait) {
  if (!replica_) return Transaction(deadline, work);
  const uint64_t needed = LsnNeeded(deadline);
  if (needed != UINT64_MAX) {
    auto lease = replica_->Acquire(std::min(deadline, absl::Now() + absl::Seconds(1)));
    if (lease.ok()) {
      bool caught_up = needed == 0;
      const absl::Time give_up = std::min(deadline, absl::Now() + max_wait);
      try {
        // After a failover the read URL may reach a primary, which replays nothing: its own position counts.
        pqxx::nontransaction probe(**lease);
        while (!caught_up) {
          caught_up =
              ParseLsn(
                  probe.exec1("SELECT coalesce(pg_last_wal_replay_lsn(), pg_current_wal_lsn())::text")[0].c_str()) >=
              needed;
          if (caught_up || absl::Now() >= give_up) break;
          absl::SleepFor(absl::Milliseconds(5));
        }
      } catch (const std::exception& e) {
        caught_up = false;
        spdlog::warn("replica: {}", e.what());
      }
      if (caught_up) {
        absl::Status status = replica_->RunIn(**lease, deadline, work, nullptr);
        if (!absl::IsUnavailable(status)) {
          NamedCounter("saima_db_replica_reads_total", "reads served by the streaming replica").Increment();
          return status;
        }
      }
    }
  }
  NamedCounter("saima_db_primary_reads_total",
               "reads sent to the primary: the replica behind the caller's own write, or unreachable")
      .Increment();
  return Transaction(deadline, work);
}

absl::Status PgPool::Ping() {
  return Transaction(absl::Now() + absl::Seconds(1), [](pqxx::work& txn) {
    txn.exec1("SELECT 1");
    return absl::OkStatus();
  });
}

absl::Status Migrate(const std::string& url, const std::string& schema, const EmbeddedFile* migrations) {
  std::vector<std::pair<int, const EmbeddedFile*>> ordered;
  for (const EmbeddedFile* m = migrations; m->path != nullptr; ++m) {
    const char* base = std::strrchr(m->path, '/');
    base = base ? base + 1 : m->path;
    int version = 0;
    if (!absl::SimpleAtoi(std::string(base, std::min<size_t>(3, std::strlen(base))), &version)) {
      return absl::InternalError(absl::StrCat("migration file name must start with 3 digits: ", m->path));
    }
    ordered.emplace_back(version, m);
  }
  std::sort(ordered.begin(), ordered.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  try {
    pqxx::connection conn(url);
    pqxx::nontransaction lock_txn(conn);
    const std::string lock_key = conn.quote("saima.migrate." + schema);
    lock_txn.exec("SELECT pg_advisory_lock(hashtext(" + lock_key + "))");
    lock_txn.exec0("CREATE TABLE IF NOT EXISTS " + schema +
                   ".schema_migrations (version integer PRIMARY KEY, name text NOT NULL, "
                   "applied_at timestamptz NOT NULL DEFAULT now())");
    lock_txn.commit();
    int applied = 0;
    for (const auto& [version, file] : ordered) {
      pqxx::work txn(conn);
      auto seen = txn.exec_params("SELECT 1 FROM " + schema + ".schema_migrations WHERE version = $1", version);
      if (!seen.empty()) continue;
      txn.exec(file->contents);
      txn.exec_params0("INSERT INTO " + schema + ".schema_migrations (version, name) VALUES ($1, $2)", version,
                       std::string(file->path));
      txn.commit();
      ++applied;
      spdlog::info("migration {} applied to schema {}", file->path, schema);
    }
    pqxx::work attach_txn(conn);
    const int audited = attach_txn.exec_params1("SELECT audit.attach($1)", schema)[0].as<int>();
    attach_txn.commit();
    if (audited > 0) spdlog::info("audit trigger attached to {} tables of schema {}", audited, schema);
    pqxx::nontransaction unlock_txn(conn);
    unlock_txn.exec("SELECT pg_advisory_unlock(hashtext(" + lock_key + "))");
    spdlog::info("schema {} is at its latest migration ({} applied now)", schema, applied);
    return absl::OkStatus();
  } catch (const std::exception& e) {
    spdlog::error("migration of schema {} failed: {}", schema, e.what());
    return StatusFromException(e);
  }
}

}  // namespace saima
