// Reads from a streaming replica with read-your-writes (issue 21), on a pg_auto_failover formation (a monitor, a
// primary and a synchronous hot standby; SAIMA_TEST_PG=auto_failover, set by ctest). The standby's replay is paused
// so that it is certainly behind: a caller who has just written reads its write (from the primary), another caller
// is served by the standby, a moment behind; once the standby has replayed, the writer is served there too.

#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "common/embedded.h"
#include "common/status.h"
#include "gtest/gtest.h"
#include "services/stats/stats.h"
#include "tests/pg_harness.h"

namespace saima {
extern const EmbeddedFile kStatsMigrations[];
}

namespace saima::stats {
namespace {

using ::saima::testing::PgHarness;

absl::Time Deadline() { return absl::Now() + absl::Seconds(20); }

class NoUnits : public UnitDirectory {
 public:
  std::map<std::string, std::string> UnitNames(absl::Time) override { return {}; }
};

// Where a read ran, and what it saw.
struct Seen {
  bool on_standby = false;
  int64_t rows = 0;
};

class ReplicaTest : public ::testing::Test {
 protected:
  void SetUp() override {
    PgHarness& pg = PgHarness::Shared();
    ASSERT_TRUE(pg.formation()) << "run with SAIMA_TEST_PG=auto_failover (ctest stats_replica_test)";
    ASSERT_TRUE(Migrate(pg.Url("stats"), "stats", kStatsMigrations).ok());
    pool_ = std::make_unique<PgPool>(pg.Url("stats"), 2, StatsStatements());
    pool_->SetReplica(std::make_unique<PgPool>(pg.ReadUrl("stats"), 2, StatsStatements()), kPositions);
    // Another stats process behind the same gateway.
    other_ = std::make_unique<PgPool>(pg.Url("stats"), 2, StatsStatements());
    other_->SetReplica(std::make_unique<PgPool>(pg.ReadUrl("stats"), 2, StatsStatements()), kPositions);
    standby_ = pg.PrimaryPort() == Port(0) ? Port(1) : Port(0);
  }

  // The formation's node ports, from the read URL (both nodes).
  static int Port(int i) {
    const std::string url = PgHarness::Shared().ReadUrl("postgres");
    size_t at = url.find("127.0.0.1:");
    if (i == 1) at = url.find("127.0.0.1:", at + 1);
    return std::stoi(url.substr(at + 10));
  }

  void Replay(bool on) {
    pqxx::connection standby(absl::StrCat("postgresql://postgres@127.0.0.1:", standby_, "/saima"));
    pqxx::nontransaction txn(standby);
    txn.exec(on ? "SELECT pg_wal_replay_resume()" : "SELECT pg_wal_replay_pause()");
  }

  Seen Read(const std::string& actor, int64_t project_id, PgPool* pool = nullptr) {
    ScopedWriteContext who({actor, "unit_staff", "req", "test"});
    Seen seen;
    absl::Status status = (pool ? pool : pool_.get())->ReadTransaction(Deadline(), [&](pqxx::work& txn) {
      seen.on_standby = txn.exec1("SELECT pg_is_in_recovery()")[0].as<bool>();
      seen.rows = txn.exec_params1("SELECT count(*) FROM stats.project_dims WHERE project_id = $1", project_id)[0]
                      .as<int64_t>();
      return absl::OkStatus();
    });
    EXPECT_TRUE(status.ok()) << status;
    return seen;
  }

  void Write(const std::string& actor, int64_t project_id) {
    ScopedWriteContext who({actor, "unit_staff", "req", "test"});
    reg::ProjectChange change;
    change.set_revision(absl::ToUnixMicros(absl::Now()));  // after any change applied before
    auto* p = change.mutable_after();
    p->set_project_id(project_id);
    p->set_unit_id("331181001");
    p->set_name("副本测试项目");
    p->set_industry_code("2720");
    p->set_ruku_state(reg::RUKU_STATE_APPROVED);
    p->set_ruku_date("2023-01-10");
    StatsStore store(*pool_);
    ASSERT_TRUE(store.ApplyChange(change, Deadline()).ok());
  }

  static constexpr char kPositions[] = "stats.write_positions";
  std::unique_ptr<PgPool> pool_, other_;
  int standby_ = 0;
};

TEST_F(ReplicaTest, ACallerReadsItsOwnWritesAndOthersReadTheReplica) {
  const int64_t project = 900000 + absl::ToUnixSeconds(absl::Now()) % 100000;
  Replay(false);
  Write("writer", project);
  // The standby has not replayed the write: the writer's read goes to the primary and sees it ...
  const Seen own = Read("writer", project);
  EXPECT_FALSE(own.on_standby);
  EXPECT_EQ(own.rows, 1);
  // ... and anyone else's is served by the standby, a moment behind.
  const Seen other = Read("reader", project);
  EXPECT_TRUE(other.on_standby);
  EXPECT_EQ(other.rows, 0);
  Replay(true);
  // Replayed: the writer is served by the standby now, its write there.
  Seen later;
  for (int i = 0; i < 100; ++i) {
    later = Read("writer", project);
    if (later.on_standby) break;
    absl::SleepFor(absl::Milliseconds(50));
  }
  EXPECT_TRUE(later.on_standby);
  EXPECT_EQ(later.rows, 1);
  EXPECT_EQ(Read("reader", project).rows, 1);
}

// With two stats processes the caller's next read may reach the other one: the write's position, shared through
// the primary, sends it to the primary as well. A process that does not share positions serves it stale.
TEST_F(ReplicaTest, AnotherProcessReadsTheCallersWriteToo) {
  const int64_t project = 700000 + absl::ToUnixSeconds(absl::Now()) % 100000;
  PgHarness& pg = PgHarness::Shared();
  PgPool unshared(pg.Url("stats"), 2, StatsStatements());
  unshared.SetReplica(std::make_unique<PgPool>(pg.ReadUrl("stats"), 2, StatsStatements()));
  Replay(false);
  Write("writer-2", project);
  const Seen own = Read("writer-2", project, other_.get());
  const Seen stale = Read("writer-2", project, &unshared);
  const Seen other = Read("reader-2", project, other_.get());
  Replay(true);
  EXPECT_FALSE(own.on_standby);
  EXPECT_EQ(own.rows, 1);
  EXPECT_TRUE(stale.on_standby);
  EXPECT_EQ(stale.rows, 0);
  EXPECT_TRUE(other.on_standby);
  EXPECT_EQ(other.rows, 0);
}

// While the primary cannot be reached (a failover under way), no write can have happened since: the reports stay
// readable from the replica, with what this process knows of the caller's writes.
TEST_F(ReplicaTest, ReportsStayReadableFromTheReplicaWhileThePrimaryIsDown) {
  PgPool unreachable("postgresql://postgres@127.0.0.1:1/saima?connect_timeout=2", 2, {});
  unreachable.SetReplica(std::make_unique<PgPool>(PgHarness::Shared().ReadUrl("stats"), 2, StatsStatements()),
                         kPositions);
  const Seen seen = Read("writer-3", 1, &unreachable);
  EXPECT_TRUE(seen.on_standby);
}

// The indicators are such a read: the unit that has just reported sees its figure in them at once.
TEST_F(ReplicaTest, TheIndicatorsShowTheCallersOwnFigureAtOnce) {
  const int64_t project = 800000 + absl::ToUnixSeconds(absl::Now()) % 100000;
  Write("staff-9", project);
  StatsStore store(*pool_);
  NoUnits units;
  Stats stats(store, units, CodeTables::Default(), StatusThresholds{});
  const Caller staff{"staff-9", kRoleUnitStaff, "331181001"};
  Replay(false);
  pb::SubmitMonthlyReportRequest submit;
  auto* r = submit.mutable_report();
  r->set_project_id(project);
  r->set_period("2024-02");
  r->set_month_yuan(777);
  r->set_ytd_yuan(777);
  r->mutable_ytd_breakdown()->set_construction_yuan(777);
  r->set_since_start_yuan(777);
  {
    ScopedWriteContext who({"staff-9", "unit_staff", "req-1", "test"});
    auto submitted = stats.SubmitMonthlyReport(staff, submit, Deadline());
    ASSERT_TRUE(submitted.ok()) << submitted.status();
  }
  pb::GetIndicatorsRequest q;
  q.set_period("2024-02");
  q.mutable_scope()->set_name("unit:331181001");
  int64_t own = 0, other = 0;
  {
    ScopedWriteContext who({"staff-9", "unit_staff", "req-2", "test"});
    auto indicators = stats.GetIndicators(staff, q, Deadline());
    ASSERT_TRUE(indicators.ok()) << indicators.status();
    own = indicators->total().ytd_yuan();
  }
  {
    ScopedWriteContext who({"leader-9", "leader", "req-3", "test"});
    auto indicators = stats.GetIndicators({"leader-9", kRoleLeader, ""}, q, Deadline());
    ASSERT_TRUE(indicators.ok()) << indicators.status();
    other = indicators->total().ytd_yuan();
  }
  Replay(true);
  EXPECT_GE(own, 777);
  EXPECT_EQ(own - other, 777);  // the leader, served by the paused standby, does not see it yet
}

}  // namespace
}  // namespace saima::stats
