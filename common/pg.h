#ifndef SAIMA_COMMON_PG_H_
#define SAIMA_COMMON_PG_H_

// PostgreSQL access shared by the services: a bounded connection pool, the one translation of libpqxx
// exceptions into absl::Status, transactions bounded by the caller's deadline, and migrations.

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <pqxx/pqxx>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/embedded.h"
#include "common/write_context.h"

namespace saima {

// A named SQL statement, prepared on every connection of a pool.
struct NamedStatement {
  std::string name;
  std::string sql;
};

// Translates an exception thrown by libpqxx (or anything else) into a status; SQL text never leaves here.
// unique violation → ALREADY_EXISTS, serialization failure or deadlock → ABORTED, broken connection →
// UNAVAILABLE, statement timeout → DEADLINE_EXCEEDED, foreign key / check violation → FAILED_PRECONDITION.
absl::Status StatusFromException(const std::exception& e);

// A fixed-size pool of connections. Thread-safe. Connections are opened lazily and replaced after they break.
class PgPool {
 public:
  // `statements` are prepared on each new connection.
  PgPool(std::string url, int size, std::vector<NamedStatement> statements = {});
  ~PgPool();
  PgPool(const PgPool&) = delete;
  PgPool& operator=(const PgPool&) = delete;

  // A leased connection, returned to the pool when destroyed (dropped instead if it broke).
  class Lease {
   public:
    Lease(Lease&& other) noexcept : pool_(other.pool_), conn_(std::move(other.conn_)) { other.pool_ = nullptr; }
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    pqxx::connection& operator*() const { return *conn_; }
    pqxx::connection* operator->() const { return conn_.get(); }

   private:
    friend class PgPool;
    Lease(PgPool* pool, std::unique_ptr<pqxx::connection> conn) : pool_(pool), conn_(std::move(conn)) {}
    PgPool* pool_;
    std::unique_ptr<pqxx::connection> conn_;
  };

  // Waits for a free connection until `deadline`: DEADLINE_EXCEEDED if none frees in time, UNAVAILABLE if a
  // new connection cannot be opened.
  absl::StatusOr<Lease> Acquire(absl::Time deadline);

  // Runs `work` in one transaction (committed when it returns OK, rolled back otherwise), with a statement
  // timeout derived from `deadline`. Exceptions from libpqxx are translated with StatusFromException.
  absl::Status Transaction(absl::Time deadline, const std::function<absl::Status(pqxx::work&)>& work);

  // Sends the reads of ReadTransaction to a streaming replica (a hot standby of this pool's database, e.g. a libpq
  // URL listing the nodes with target_session_attrs=prefer-standby). Call before serving. `positions_table`, when
  // given, is a table (actor text PRIMARY KEY, lsn pg_lsn) on the primary shared by every process of the service:
  // a caller's write noted there is waited for by whichever process serves the caller's next read.
  void SetReplica(std::unique_ptr<PgPool> replica, std::string positions_table = "") {
    replica_ = std::move(replica);
    positions_table_ = std::move(positions_table);
  }
  bool has_replica() const { return replica_ != nullptr; }

  // Runs read-only `work` on the replica when one is set and it has replayed every transaction committed for the
  // same actor (the current WriteContext's) by this process, or by any process sharing the positions table: a
  // caller reads its own writes, others may read a moment behind. When the replica lags behind the caller's last
  // write for longer than `max_wait`, or cannot be reached, the read runs on the primary. Without a replica:
  // Transaction().
  absl::Status ReadTransaction(absl::Time deadline, const std::function<absl::Status(pqxx::work&)>& work,
                               absl::Duration max_wait = absl::Milliseconds(200));

  // A cheap liveness probe: OK when a connection answers SELECT 1 within a second.
  absl::Status Ping();

  int size() const { return size_; }
  // The connection URL (for a listener of its own).
  const std::string& url() const { return url_; }
  int in_use() const;

 private:
  void Release(std::unique_ptr<pqxx::connection> conn);
  absl::Status RunIn(pqxx::connection& conn, absl::Time deadline, const std::function<absl::Status(pqxx::work&)>& work,
                     bool* wrote);
  // Read-your-writes: the WAL position after each actor's last committed write (with a replica only).
  void NoteWrite(pqxx::connection& conn, uint64_t lsn);
  uint64_t LsnNeeded(absl::Time deadline);

  const std::string url_;
  const int size_;
  const std::vector<NamedStatement> statements_;
  mutable std::mutex mu_;
  std::condition_variable freed_;
  std::vector<std::unique_ptr<pqxx::connection>> idle_ ABSL_GUARDED_BY(mu_);
  int open_ ABSL_GUARDED_BY(mu_) = 0;
  int leased_ ABSL_GUARDED_BY(mu_) = 0;
  std::unique_ptr<PgPool> replica_;
  std::string positions_table_;
  mutable std::mutex lsn_mu_;
  std::map<std::string, uint64_t> written_lsn_ ABSL_GUARDED_BY(lsn_mu_);
  uint64_t lsn_floor_ ABSL_GUARDED_BY(lsn_mu_) = 0;  // for every actor, after the map was emptied
};

// Applies the numbered migrations (files "NNN_name.sql") not yet recorded in `schema`.schema_migrations, each
// in its own transaction, under an advisory lock so that concurrent starters apply each exactly once; then
// attaches the audit trigger to every table that lacks it (audit.attach).
// The schema must exist and belong to the connecting role.
absl::Status Migrate(const std::string& url, const std::string& schema, const EmbeddedFile* migrations);

}  // namespace saima

#endif  // SAIMA_COMMON_PG_H_
