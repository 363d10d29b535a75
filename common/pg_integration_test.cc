// PgPool and Migrate against a real PostgreSQL (tests/pg_harness.h).

#include "common/pg.h"
#include "gtest/gtest.h"
#include "tests/pg_harness.h"

namespace saima {
namespace {

using ::saima::testing::PgHarness;

TEST(PgPoolTest, WaitForAConnectionIsBoundedByTheDeadline) {
  PgPool pool(PgHarness::Shared().Url("postgres"), 1);
  auto held = pool.Acquire(absl::Now() + absl::Seconds(5));
  ASSERT_TRUE(held.ok()) << held.status();
  EXPECT_EQ(pool.in_use(), 1);
  const absl::Time start = absl::Now();
  auto second = pool.Acquire(absl::Now() + absl::Milliseconds(200));
  EXPECT_EQ(second.status().code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_LT(absl::Now() - start, absl::Seconds(2));
}

TEST(PgPoolTest, LeaseReturnsTheConnectionWhenDestroyed) {
  PgPool pool(PgHarness::Shared().Url("postgres"), 1);
  { auto lease = pool.Acquire(absl::Now() + absl::Seconds(5)); }
  EXPECT_EQ(pool.in_use(), 0);
  EXPECT_TRUE(pool.Acquire(absl::Now() + absl::Milliseconds(200)).ok());
}

TEST(PgPoolTest, ReconnectsAfterTheServerDropsTheConnection) {
  PgPool pool(PgHarness::Shared().Url("postgres"), 1);
  int backend_pid = 0;
  ASSERT_TRUE(pool.Transaction(absl::Now() + absl::Seconds(5),
                               [&](pqxx::work& txn) {
                                 backend_pid = txn.exec1("SELECT pg_backend_pid()")[0].as<int>();
                                 return absl::OkStatus();
                               })
                  .ok());
  {
    pqxx::connection admin(PgHarness::Shared().Url("postgres"));
    pqxx::work txn(admin);
    txn.exec_params("SELECT pg_terminate_backend($1)", backend_pid);
    txn.commit();
  }
  // The first use finds the connection broken; the pool drops it and the next transaction gets a new one.
  absl::Status first = pool.Transaction(absl::Now() + absl::Seconds(5), [](pqxx::work& txn) {
    txn.exec("SELECT 1");
    return absl::OkStatus();
  });
  EXPECT_EQ(first.code(), absl::StatusCode::kUnavailable);
  EXPECT_TRUE(pool.Ping().ok());
}

TEST(PgPoolTest, StatementTimeoutFollowsTheDeadline) {
  PgPool pool(PgHarness::Shared().Url("postgres"), 1);
  absl::Status status = pool.Transaction(absl::Now() + absl::Milliseconds(300), [](pqxx::work& txn) {
    txn.exec("SELECT pg_sleep(5)");
    return absl::OkStatus();
  });
  EXPECT_EQ(status.code(), absl::StatusCode::kDeadlineExceeded);
}

TEST(PgPoolTest, UniqueViolationMapsToAlreadyExists) {
  PgPool pool(PgHarness::Shared().Url("postgres"), 1);
  absl::Status status = pool.Transaction(absl::Now() + absl::Seconds(5), [](pqxx::work& txn) {
    txn.exec("CREATE TEMP TABLE t (k int PRIMARY KEY)");
    txn.exec("INSERT INTO t VALUES (1)");
    txn.exec("INSERT INTO t VALUES (1)");
    return absl::OkStatus();
  });
  EXPECT_EQ(status.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(status.message().find("INSERT"), std::string::npos);  // no SQL text leaves the pool
}

}  // namespace
}  // namespace saima
