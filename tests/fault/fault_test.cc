// Fault injection: the whole system under a write load from several clients while registry, stats, scoring, the
// gateway and PostgreSQL are killed (SIGKILL, or an immediate stop for PostgreSQL) one at a time at random moments
// and restarted. Every client retries unavailable calls with the same idempotency key and logs what was
// acknowledged. At the end: every acknowledged write is stored exactly once, nothing is half-written, and stats has
// caught up with the registry's change feed. Prints the counts.
//   SAIMA_FAULT_SECONDS (default 15; ./saima fault runs 300), SAIMA_FAULT_CLIENTS (default 3)

#include <atomic>
#include <cstdlib>
#include <map>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "tests/e2e/http_fixture.h"

namespace saima::testing {
namespace {

int EnvInt(const char* name, int fallback) {
  const char* v = std::getenv(name);
  return v != nullptr ? std::atoi(v) : fallback;
}

struct Counts {
  std::atomic<int> attempted{0}, acknowledged{0}, refused{0}, retries{0}, gave_up{0};
};

class FaultTest : public HttpSystemTest {
 protected:
  // Sends a write until it is acknowledged (2xx) or refused for good (another 4xx), retrying what a fault causes
  // (no answer, 409 ABORTED, 499, 5xx) with backoff and the same Idempotency-Key. Returns the final status.
  static std::pair<int, json> Write(Counts& counts, const std::string& path, const json& body, const std::string& key) {
    counts.attempted++;
    int delay_ms = 50;
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(90);
    for (;;) {
      httplib::Client client("127.0.0.1", system_->http_port());
      client.set_connection_timeout(2);
      client.set_read_timeout(12);
      httplib::Headers headers = {{"Authorization", "Bearer " + system_->token("admin")}, {"Idempotency-Key", key}};
      auto res = client.Post(path.c_str(), headers, body.dump(), "application/json");
      const int status = res ? res->status : 0;
      if (status >= 200 && status < 300) {
        counts.acknowledged++;
        return {status, json::parse(res->body, nullptr, false)};
      }
      const bool transient = status == 0 || status == 409 || status == 499 || status >= 500;
      if (!transient) {
        counts.refused++;
        return {status, res ? json::parse(res->body, nullptr, false) : json()};
      }
      if (std::chrono::steady_clock::now() > give_up) {
        counts.gave_up++;
        return {status, json()};
      }
      counts.retries++;
      std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
      delay_ms = std::min(delay_ms * 2, 1000);
    }
  }

  static int64_t Scalar(pqxx::work& txn, const std::string& sql) { return txn.exec1(sql)[0].as<int64_t>(); }
};

TEST_F(FaultTest, AcknowledgedWritesSurviveKillsExactlyOnce) {
  const int seconds = EnvInt("SAIMA_FAULT_SECONDS", 15);
  const int clients = EnvInt("SAIMA_FAULT_CLIENTS", 3);
  // Before the faults: approved projects whose monthly reports the clients will submit, 8 per client.
  std::vector<std::string> approved;
  for (int i = 0; i < clients * 8; ++i) {
    const std::string id = CreateProject(absl::StrFormat("2023-331181-04-01-%06d", 700000 + i), 200'000'000);
    ASSERT_FALSE(id.empty());
    Approve(id, "2023-01-20");
    approved.push_back(id);
  }
  ASSERT_EQ(SubmitWhenAccepted(Report(approved.back(), "2023-03", 1'000'000, 1'000'000)), 200);

  Counts counts;
  std::mutex mu;
  std::vector<std::string> acked_codes;           // projects
  std::vector<std::string> acked_milestone_keys;  // milestones
  std::map<std::string, int64_t> acked_reports;   // project id → ytd of its 2023-02 report
  std::atomic<bool> stop{false};

  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&, c] {
      std::mt19937 rng(1000 + c);
      int seq = 0;
      size_t next_report = 0;
      while (!stop.load()) {
        const int op = rng() % 3;
        ++seq;
        if (op == 0) {
          const std::string code = absl::StrFormat("2023-331181-04-02-%06d", c * 100000 + seq);
          json project = {{"projectCode", code},
                          {"name", "故障注入项目" + code},
                          {"unitId", "331181001"},
                          {"industryCode", "2720"},
                          {"constructionNature", "CONSTRUCTION_NATURE_NEW"},
                          {"ownership", "OWNERSHIP_PRIVATE"},
                          {"stage", "PROJECT_STAGE_PLANNING"},
                          {"planningYear", 2023},
                          {"plannedTotalInvestmentYuan", "60000000"}};
          if (Write(counts, "/v1/projects", project, "fault-p-" + code).first == 200) {
            std::lock_guard<std::mutex> lock(mu);
            acked_codes.push_back(code);
          }
        } else if (op == 1) {
          const std::string key = absl::StrCat("fault-m-", c, "-", seq);
          const std::string& project = approved[rng() % approved.size()];
          json milestone = {
              {"kind", "MILESTONE_KIND_OTHER"}, {"title", key}, {"dueDate", "2023-09-30"}, {"ownerName", "李明"}};
          if (Write(counts, "/v1/projects/" + project + "/milestones", milestone, key).first == 200) {
            std::lock_guard<std::mutex> lock(mu);
            acked_milestone_keys.push_back(key);
          }
        } else if (next_report < 8) {
          // Each client reports for its own projects, once each.
          const std::string& project = approved[c * 8 + next_report++];
          const int64_t ytd = 1'000'000 + 10'000 * (c * 8 + static_cast<int64_t>(next_report));
          if (Write(counts, "/v1/monthly-reports", Report(project, "2023-02", ytd, ytd), "fault-r-" + project).first ==
              200) {
            std::lock_guard<std::mutex> lock(mu);
            acked_reports[project] = ytd;
          }
        }
      }
    });
  }

  // The faults: one process at a time, at random moments.
  std::map<std::string, int> kills;
  std::mt19937 rng(42);
  const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  const std::vector<std::string> targets = {"registry", "stats", "scoring", "gateway", "postgres"};
  while (std::chrono::steady_clock::now() < end) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1000 + rng() % 2000));
    const std::string& target = targets[rng() % targets.size()];
    if (target == "postgres") {
      PgHarness::Shared().Stop();
      std::this_thread::sleep_for(std::chrono::milliseconds(300 + rng() % 700));
      PgHarness::Shared().Start();
    } else {
      system_->process(target).Kill();
      std::this_thread::sleep_for(std::chrono::milliseconds(300 + rng() % 700));
      system_->process(target).Start();
    }
    kills[target]++;
  }
  stop = true;
  for (auto& t : threads) t.join();
  ASSERT_TRUE(system_->WaitHealthy(30));

  // Verification, straight from the database.
  pqxx::connection db(PgHarness::Shared().Url("postgres"));
  int lost = 0, doubled = 0;
  {
    pqxx::work txn(db);
    for (const auto& code : acked_codes) {
      const int64_t n = Scalar(txn, "SELECT count(*) FROM registry.projects WHERE project_code = " + txn.quote(code));
      lost += n == 0;
      doubled += n > 1;
    }
    for (const auto& key : acked_milestone_keys) {
      const int64_t n = Scalar(txn, "SELECT count(*) FROM registry.milestones WHERE title = " + txn.quote(key));
      lost += n == 0;
      doubled += n > 1;
    }
    for (const auto& [project, ytd] : acked_reports) {
      const int64_t n =
          Scalar(txn, absl::StrCat("SELECT count(*) FROM stats.monthly_reports WHERE project_id = ", project,
                                   " AND period = '2023-02'"));
      const int64_t stored = Scalar(txn, absl::StrCat("SELECT coalesce(max(ytd_yuan), 0) FROM stats.monthly_reports "
                                                      "WHERE project_id = ",
                                                      project, " AND period = '2023-02'"));
      lost += n == 0 || stored != ytd;
      doubled += n > 1;
    }
  }
  int64_t half_written = 0;
  {
    pqxx::work txn(db);
    // A project without its change (the feed's record of it) would be half-written.
    half_written = Scalar(txn,
                          "SELECT count(*) FROM registry.projects p WHERE NOT EXISTS (SELECT 1 FROM "
                          "registry.project_changes c WHERE c.project_id = p.project_id)");
  }
  // The change feed's consumer catches up: stats knows every project the registry has.
  int64_t registry_projects = 0, stats_projects = 0;
  for (int i = 0; i < 300; ++i) {
    pqxx::work txn(db);
    registry_projects = Scalar(txn, "SELECT count(*) FROM registry.projects");
    stats_projects = Scalar(txn, "SELECT count(*) FROM stats.project_dims");
    if (registry_projects == stats_projects) break;
    txn.abort();
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  std::string kill_text;
  int total_kills = 0;
  for (const auto& [target, n] : kills) {
    absl::StrAppend(&kill_text, kill_text.empty() ? "" : ", ", target, " ", n);
    total_kills += n;
  }
  std::printf(
      "fault injection, %d s, %d clients: writes %d, acknowledged %d (projects %zu, milestones %zu, reports %zu), "
      "refused %d, gave up %d, retries %d; kills %d (%s); lost = %d, doubled = %d, half-written = %lld; "
      "change feed: registry %lld projects, stats %lld\n",
      seconds, clients, counts.attempted.load(), counts.acknowledged.load(), acked_codes.size(),
      acked_milestone_keys.size(), acked_reports.size(), counts.refused.load(), counts.gave_up.load(),
      counts.retries.load(), total_kills, kill_text.c_str(), lost, doubled, static_cast<long long>(half_written),
      static_cast<long long>(registry_projects), static_cast<long long>(stats_projects));
  EXPECT_GT(total_kills, 0);
  EXPECT_GT(counts.acknowledged.load(), 0);
  EXPECT_EQ(lost, 0);
  EXPECT_EQ(doubled, 0);
  EXPECT_EQ(half_written, 0);
  EXPECT_EQ(registry_projects, stats_projects);
  EXPECT_EQ(counts.gave_up.load(), 0);
}

}  // namespace
}  // namespace saima::testing
