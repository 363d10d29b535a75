// Fault injection: the whole system under a write load from several clients while registry, stats, scoring, the
// gateway and PostgreSQL are killed (SIGKILL; for PostgreSQL, the postmaster SIGKILLed or an immediate stop, in turn)
// one at a time at random moments
// and restarted. Every client retries unavailable calls with the same idempotency key and logs what was
// acknowledged. At the end: every acknowledged write is stored exactly once, nothing is half-written, and stats has
// caught up with the registry's change feed. Prints the counts.
//   SAIMA_FAULT_SECONDS (default 15; ./saima fault runs 300), SAIMA_FAULT_CLIENTS (default 3)

#include <algorithm>
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
#include "absl/strings/str_join.h"
#include "tests/e2e/http_fixture.h"

namespace saima::testing {
namespace {

int EnvInt(const char* name, int fallback) {
  const char* v = std::getenv(name);
  return v != nullptr ? std::atoi(v) : fallback;
}

constexpr int kRukuPerClient = 3;

struct Counts {
  std::atomic<int> attempted{0}, acknowledged{0}, refused{0}, retries{0}, gave_up{0};
  // When each write was acknowledged: the longest time without one is the outage clients saw.
  std::mutex mu;
  std::vector<std::chrono::steady_clock::time_point> acks;
};

class FaultTest : public HttpSystemTest {
 protected:
  // Sends a write until it is acknowledged (2xx) or refused for good (another 4xx), retrying what a fault causes
  // (no answer, 409 ABORTED, 499, 5xx) with backoff and the same Idempotency-Key. Returns the final status.
  static std::pair<int, json> Write(Counts& counts, const std::string& path, const json& body, const std::string& key,
                                    const std::string& user = "admin", const std::string& method = "POST") {
    counts.attempted++;
    int delay_ms = 50;
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(90);
    for (;;) {
      httplib::Client client("127.0.0.1", system_->http_port());
      client.set_connection_timeout(2);
      client.set_read_timeout(12);
      httplib::Headers headers = {{"Authorization", "Bearer " + system_->token(user)}, {"Idempotency-Key", key}};
      auto res = method == "PUT" ? client.Put(path.c_str(), headers, body.dump(), "application/json")
                                 : client.Post(path.c_str(), headers, body.dump(), "application/json");
      const int status = res ? res->status : 0;
      if (status >= 200 && status < 300) {
        counts.acknowledged++;
        {
          std::lock_guard<std::mutex> lock(counts.mu);
          counts.acks.push_back(std::chrono::steady_clock::now());
        }
        return {status, json::parse(res->body, nullptr, false)};
      }
      // 409 is transient only as ABORTED (a concurrent update), not as FAILED_PRECONDITION (a rule refused it).
      const json error = res ? json::parse(res->body, nullptr, false) : json();
      const bool aborted = status == 409 && error.is_object() && error.value("code", 0) == 10;
      const bool transient = status == 0 || aborted || status == 499 || status >= 500;
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

  // A campaign with three judges and `project` selected; returns its id ("" on failure).
  static std::string SetUpCampaign(const std::string& project) {
    json campaign = {
        {"year", 2023},
        {"name", "故障注入评比"},
        {"figuresPeriod", "2023-03"},
        {"eligibleSince", "2022-06-01"},
        {"pools", {{{"poolId", "all"}, {"name", "全部"}, {"unitIds", {"331181001", "331181100", "D01"}}}}}};
    auto [created, body] = Post("admin", "/v1/campaigns", campaign);
    EXPECT_EQ(created, 200) << body.dump();
    if (created != 200) return "";
    const std::string id = body["campaign"]["campaignId"];
    const std::string base = "/v1/campaigns/" + id;
    for (const auto& [judge, unit] :
         {std::pair{"judge-town", "331181100"}, {"judge-city", ""}, {"judge-dept", "D01"}}) {
      EXPECT_EQ(Post("admin", base + "/judges", {{"judgeId", judge}, {"name", judge}, {"unitId", unit}}).first, 200);
    }
    auto [nominated, nomination] = Post("unit", base + "/nominations", {{"projectId", project}});
    EXPECT_EQ(nominated, 200) << nomination.dump();
    const std::string nid = nomination["nomination"]["nominationId"];
    EXPECT_EQ(Post("dept", "/v1/nominations/" + nid + ":review", {{"approve", true}}).first, 200);
    EXPECT_EQ(Post("admin", base + ":finalizeSelection", {{"nominationIds", {nid}}}).first, 200);
    return id;
  }
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
  // Projects with their materials filed, whose 入库 applications the clients will take through every step.
  std::vector<std::string> candidates;
  for (int i = 0; i < clients * kRukuPerClient; ++i) {
    const std::string id = CreateProject(absl::StrFormat("2023-331181-04-03-%06d", 700000 + i), 200'000'000);
    FileMaterials(id);
    candidates.push_back(id);
  }
  // A campaign whose selection is fixed, so that score sheets can be written (by the organiser, as paper sheets).
  const std::string campaign = SetUpCampaign(approved.front());
  ASSERT_FALSE(campaign.empty());
  const std::vector<std::pair<std::string, std::string>> sheet_pairs = {
      {"judge-city", "331181001"}, {"judge-city", "331181100"}, {"judge-city", "D01"},      {"judge-town", "331181001"},
      {"judge-town", "D01"},       {"judge-dept", "331181001"}, {"judge-dept", "331181100"}};

  Counts counts;
  std::mutex mu;
  std::vector<std::string> acked_codes;            // projects
  std::vector<std::string> acked_milestone_keys;   // milestones
  std::map<std::string, int64_t> acked_reports;    // project id → ytd of its 2023-02 report
  std::map<std::string, int> acked_steps;          // 入库 application id → steps acknowledged
  std::map<std::string, std::string> acked_state;  // 入库 application id → the last acknowledged state
  std::map<std::string, int> acked_sheets;         // judge/unit → the score last acknowledged (every criterion)
  std::atomic<bool> stop{false};
  std::atomic<int> reads_checked{0}, stale_reads{0};

  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&, c] {
      std::mt19937 rng(1000 + c);
      int seq = 0;
      size_t next_report = 0;
      int next_candidate = 0;
      std::string application;  // the client's application in progress
      size_t step = 0;
      while (!stop.load()) {
        const int op = rng() % 5;
        ++seq;
        if (op == 0) {
          const std::string code = absl::StrFormat("2023-331181-04-02-%06d", c * 100000 + seq);
          json project = PlannedProject(code, "故障注入项目" + code);
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
        } else if (op == 3) {
          // One 入库 step, by the role that takes it: apply, then submit, review, decide.
          static const std::vector<std::pair<std::string, std::string>> kSteps = {
              {"unit", "RUKU_STATE_SUBMITTED"},
              {"dept", "RUKU_STATE_DEPT_REVIEWED"},
              {"stats", "RUKU_STATE_STATS_REVIEW"},
              {"stats", "RUKU_STATE_PROVINCE_REVIEW"},
              {"stats", "RUKU_STATE_APPROVED"}};
          if (application.empty() && next_candidate < kRukuPerClient) {
            const std::string& project = candidates[c * kRukuPerClient + next_candidate++];
            auto [status, body] =
                Write(counts, "/v1/ruku/applications", {{"projectId", project}, {"reviewingDepartmentId", "D01"}},
                      "fault-a-" + project, "unit");
            if (status == 200) {
              application = body["application"]["applicationId"];
              step = 0;
              std::lock_guard<std::mutex> lock(mu);
              acked_state[application] = "RUKU_STATE_DRAFT";
              acked_steps[application] = 0;
            }
          } else if (!application.empty()) {
            const auto& [user, to] = kSteps[step];
            json body = {{"toState", to}};
            if (to == "RUKU_STATE_APPROVED") body["effectiveDate"] = "2023-01-20";
            if (Write(counts, "/v1/ruku/applications/" + application + ":transition", body,
                      absl::StrCat("fault-t-", application, "-", step), user)
                    .first == 200) {
              std::lock_guard<std::mutex> lock(mu);
              acked_state[application] = to;
              acked_steps[application]++;
              if (++step == kSteps.size()) application.clear();
            }
          }
        } else if (op == 4) {
          // A score sheet saved again with new scores: the last acknowledged one is what is stored.
          // Each client writes its own sheets, so that "the last acknowledged" is well defined.
          const size_t mine = (sheet_pairs.size() - c + clients - 1) / clients;
          if (mine == 0) continue;
          const auto& [judge, unit] = sheet_pairs[c + clients * (seq % mine)];
          const int score = 50 + static_cast<int>(rng() % 50);
          if (Write(counts, absl::StrCat("/v1/campaigns/", campaign, "/sheets/", judge, "/", unit),
                    Scores(score, score, score, score), absl::StrCat("fault-s-", c, "-", seq), "admin", "PUT")
                  .first == 200) {
            std::lock_guard<std::mutex> lock(mu);
            acked_sheets[judge + "/" + unit] = score;
          }
        } else {
          // Each client reports for its own projects, once each.
          if (next_report < 8) {
            const std::string& project = approved[c * 8 + next_report++];
            const int64_t ytd = 1'000'000 + 10'000 * (c * 8 + static_cast<int64_t>(next_report));
            if (Write(counts, "/v1/monthly-reports", Report(project, "2023-02", ytd, ytd), "fault-r-" + project)
                    .first == 200) {
              std::lock_guard<std::mutex> lock(mu);
              acked_reports[project] = ytd;
            }
          }
          // Read-your-writes, all along the run (the failover included): the writer's read of the unit's indicators
          // has every report acknowledged to it before the read (on a formation, from the standby once it has
          // replayed them, else from the primary).
          int64_t acked_sum = 0;
          {
            std::lock_guard<std::mutex> lock(mu);
            for (const auto& [p, y] : acked_reports) acked_sum += y;
          }
          auto [read, indicators] = Get("admin", "/v1/indicators?period=2023-02&scope.name=unit:331181001");
          if (read == 200) {
            reads_checked++;
            const json total = indicators.value("total", json::object());
            if (std::stoll(total.value("ytdYuan", std::string("0"))) < acked_sum) stale_reads++;
          }
        }
      }
    });
  }

  // The faults: one process at a time, at random moments.
  std::map<std::string, int> kills;
  // While a part is down, a read that needs it must fail fast with 503 (the gateway: refuse the connection).
  std::map<int, int> probe_statuses;
  double slowest_probe_ms = 0;
  const std::string leader = system_->token("leader");  // signed in now: the database may be down at a probe
  auto probe = [&](const std::string& target) {
    const std::string path = target == "stats"     ? "/v1/monthly-reports/" + approved.back() + "/2023-03"
                             : target == "scoring" ? "/v1/campaigns/" + campaign
                                                   : "/v1/projects/" + approved.back();
    httplib::Client client("127.0.0.1", system_->http_port());
    client.set_connection_timeout(2);
    client.set_read_timeout(30);
    const auto start = std::chrono::steady_clock::now();
    auto res = client.Get(path.c_str(), {{"Authorization", "Bearer " + leader}});
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    slowest_probe_ms = std::max(slowest_probe_ms, ms);
    probe_statuses[res ? res->status : (ms > 25000 ? -1 : 0)]++;  // -1: no answer at all
  };
  std::mt19937 rng(42);
  const auto started = std::chrono::steady_clock::now();
  const auto end = started + std::chrono::seconds(seconds);
  // With a pg_auto_failover formation (SAIMA_TEST_PG=auto_failover, ctest failover_test): no process is killed
  // but the primary's node, once, a third of the way in; the monitor promotes the secondary and the services,
  // not restarted, reconnect to it through their multi-host database URLs.
  const bool failover = PgHarness::Shared().formation();
  int old_primary = 0, new_primary = 0;
  double killed_at_s = 0, promoted_after_s = -1;
  if (failover) {
    old_primary = PgHarness::Shared().PrimaryPort();
    std::this_thread::sleep_for(std::chrono::seconds(seconds / 3));
    const auto killed = std::chrono::steady_clock::now();
    killed_at_s = std::chrono::duration<double>(killed - started).count();
    PgHarness::Shared().Kill();
    kills["primary node SIGKILL"]++;
    while (std::chrono::steady_clock::now() < killed + std::chrono::seconds(120)) {
      new_primary = PgHarness::Shared().PrimaryPort();
      if (new_primary != 0 && new_primary != old_primary) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(250));
    }
    promoted_after_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - killed).count();
    PgHarness::Shared().PrintState();
    // The load goes on until the end, and at least until the clients' writes are acknowledged again (or 2 min).
    const auto promoted = std::chrono::steady_clock::now();
    auto acknowledged_since = [&](std::chrono::steady_clock::time_point t) {
      std::lock_guard<std::mutex> lock(counts.mu);
      return std::count_if(counts.acks.begin(), counts.acks.end(), [&](auto a) { return a > t; });
    };
    while (std::chrono::steady_clock::now() < promoted + std::chrono::seconds(120) &&
           (std::chrono::steady_clock::now() < end || acknowledged_since(promoted) < 20)) {
      std::this_thread::sleep_for(std::chrono::milliseconds(250));
    }
  }
  const std::vector<std::string> targets = {"registry", "stats", "scoring", "gateway", "postgres"};
  // In rounds, each target once in a shuffled order: even a short run kills each part.
  std::vector<std::string> round;
  while (!failover && std::chrono::steady_clock::now() < end) {
    std::this_thread::sleep_for(std::chrono::milliseconds(800 + rng() % 1500));
    if (round.empty()) {
      round = targets;
      std::shuffle(round.begin(), round.end(), rng);
    }
    const std::string target = round.back();
    round.pop_back();
    if (target == "postgres") {
      // Every other time the postmaster is SIGKILLed (its processes with it) instead of stopped immediately.
      static int postgres_kills = 0;
      if (postgres_kills++ % 2 == 0) {
        PgHarness::Shared().Kill();
        kills["postgres SIGKILL"]++;
      } else {
        PgHarness::Shared().Stop();
        kills["postgres immediate stop"]++;
      }
      probe(target);
      std::this_thread::sleep_for(std::chrono::milliseconds(300 + rng() % 700));
      PgHarness::Shared().Start();
    } else {
      system_->process(target).Kill();
      probe(target);
      std::this_thread::sleep_for(std::chrono::milliseconds(300 + rng() % 700));
      system_->process(target).Start();
      kills[target]++;
    }
  }
  stop = true;
  for (auto& t : threads) t.join();
  ASSERT_TRUE(system_->WaitHealthy(30));

  // Verification, straight from the database.
  pqxx::connection db(PgHarness::Shared().Url("postgres"));
  int lost = 0, doubled = 0;
  std::vector<std::string> problems;  // each acknowledged write found lost or doubled, named
  auto check = [&](bool is_lost, bool is_doubled, const std::string& what) {
    lost += is_lost;
    doubled += is_doubled;
    if (is_lost || is_doubled)
      problems.push_back(absl::StrCat(is_lost ? "lost" : "", is_lost && is_doubled ? "+" : "",
                                      is_doubled ? "doubled" : "", ": ", what));
  };
  {
    pqxx::work txn(db);
    for (const auto& code : acked_codes) {
      const int64_t n = Scalar(txn, "SELECT count(*) FROM registry.projects WHERE project_code = " + txn.quote(code));
      check(n == 0, n > 1, absl::StrCat("project ", code, " stored ", n, " times"));
    }
    for (const auto& key : acked_milestone_keys) {
      const int64_t n = Scalar(txn, "SELECT count(*) FROM registry.milestones WHERE title = " + txn.quote(key));
      check(n == 0, n > 1, absl::StrCat("milestone ", key, " stored ", n, " times"));
    }
    for (const auto& [project, ytd] : acked_reports) {
      const int64_t n =
          Scalar(txn, absl::StrCat("SELECT count(*) FROM stats.monthly_reports WHERE project_id = ", project,
                                   " AND period = '2023-02'"));
      const int64_t stored = Scalar(txn, absl::StrCat("SELECT coalesce(max(ytd_yuan), 0) FROM stats.monthly_reports "
                                                      "WHERE project_id = ",
                                                      project, " AND period = '2023-02'"));
      check(n == 0 || stored != ytd, n > 1,
            absl::StrCat("report of project ", project, " 2023-02 (ytd ", ytd, "): ", n, " versions, newest ytd ",
                         stored));
    }
  }
  {
    pqxx::work txn(db);
    // Each acknowledged 入库 step is recorded once, and the application is in the last acknowledged state.
    for (const auto& [application, steps] : acked_steps) {
      const int64_t n = Scalar(
          txn, absl::StrCat("SELECT count(*) FROM registry.ruku_transitions WHERE application_id = ", application));
      const int64_t state = Scalar(
          txn, absl::StrCat("SELECT state FROM registry.ruku_applications WHERE application_id = ", application));
      check(n<steps, n> steps,
            absl::StrCat("入库 application ", application, ": ", steps, " steps acknowledged, ", n, " recorded"));
      static const std::map<std::string, int> kStateNumbers = {
          {"RUKU_STATE_DRAFT", 1},        {"RUKU_STATE_SUBMITTED", 2},       {"RUKU_STATE_DEPT_REVIEWED", 3},
          {"RUKU_STATE_STATS_REVIEW", 4}, {"RUKU_STATE_PROVINCE_REVIEW", 5}, {"RUKU_STATE_APPROVED", 7}};
      check(state != kStateNumbers.at(acked_state[application]), false,
            absl::StrCat("入库 application ", application, ": state ", state, ", last acknowledged ",
                         acked_state[application]));
    }
    const int64_t applications =
        Scalar(txn, "SELECT count(*) FROM registry.ruku_applications WHERE request_id LIKE 'fault-a-%'");
    check(false, applications > static_cast<int64_t>(acked_steps.size()) + clients,  // + one unacknowledged each
          absl::StrCat(applications, " 入库 applications for ", acked_steps.size(), " acknowledged"));
    for (const auto& [pair, score] : acked_sheets) {
      const auto slash = pair.find('/');
      const int64_t stored = Scalar(
          txn, absl::StrCat("SELECT coalesce(max((doc->'scores'->>'planning')::int), -1) FROM scoring.score_sheets "
                            "WHERE campaign_id = ",
                            campaign, " AND judge_id = ", txn.quote(pair.substr(0, slash)),
                            " AND unit_id = ", txn.quote(pair.substr(slash + 1))));
      check(stored != score, false, absl::StrCat("score sheet ", pair, ": stored ", stored, ", acknowledged ", score));
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
  // The audit chains verify after all of it.
  auto [verified, chains] = Get("admin", "/v1/audit:verify");
  int chains_intact = 0;
  int64_t audit_entries = 0;
  for (const json& chain : chains["chains"]) {
    chains_intact += chain["intact"].get<bool>();
    audit_entries += std::stoll(chain["entries"].get<std::string>());
  }
  std::string probe_text;
  for (const auto& [status, n] : probe_statuses)
    absl::StrAppend(&probe_text, probe_text.empty() ? "" : ", ", status, ": ", n);
  std::string kill_text;
  int total_kills = 0;
  for (const auto& [target, n] : kills) {
    absl::StrAppend(&kill_text, kill_text.empty() ? "" : ", ", target, " ", n);
    total_kills += n;
  }
  std::printf(
      "fault injection, %d s, %d clients: writes %d, acknowledged %d (projects %zu, milestones %zu, reports %zu), "
      "refused %d, gave up %d, retries %d; kills %d (%s); lost = %d, doubled = %d, half-written = %lld; "
      "change feed: registry %lld projects, stats %lld; 入库 applications %zu, score sheets %zu; audit chains intact "
      "%d/3 (%lld entries); calls while a part was down: %s (slowest %.0f ms)\n",
      seconds, clients, counts.attempted.load(), counts.acknowledged.load(), acked_codes.size(),
      acked_milestone_keys.size(), acked_reports.size(), counts.refused.load(), counts.gave_up.load(),
      counts.retries.load(), total_kills, kill_text.c_str(), lost, doubled, static_cast<long long>(half_written),
      static_cast<long long>(registry_projects), static_cast<long long>(stats_projects), acked_steps.size(),
      acked_sheets.size(), chains_intact, static_cast<long long>(audit_entries), probe_text.c_str(), slowest_probe_ms);
  EXPECT_GT(total_kills, 0);
  EXPECT_GT(counts.acknowledged.load(), 0);
  std::printf("read-your-writes: %d reads of the writer's own figures, stale = %d\n", reads_checked.load(),
              stale_reads.load());
  EXPECT_GT(reads_checked.load(), 0);
  EXPECT_EQ(stale_reads.load(), 0);
  EXPECT_EQ(lost, 0);
  EXPECT_EQ(doubled, 0);
  EXPECT_TRUE(problems.empty()) << absl::StrJoin(problems, "\n");
  EXPECT_EQ(half_written, 0);
  EXPECT_EQ(registry_projects, stats_projects);
  EXPECT_EQ(counts.gave_up.load(), 0);
  EXPECT_EQ(verified, 200);
  EXPECT_EQ(chains_intact, 3) << chains.dump();
  // Every call made while a part was down got an answer: 503 from the gateway, or a refused connection when the
  // gateway itself was down (status 0 is then the expected outcome, not a hang: the read timeout is 30 s).
  for (const auto& [status, n] : probe_statuses) EXPECT_TRUE(status == 503 || status == 0) << status;
  if (failover) {
    // Where stats' reads ran: the standby served the reads whose caller's writes it had replayed.
    httplib::Client metrics("127.0.0.1", system_->stats_metrics_port());
    auto page = metrics.Get("/metrics");
    ASSERT_TRUE(page) << "stats metrics";
    auto counter = [&page](const std::string& name) {
      const size_t at = page->body.find("\n" + name + " ");
      return at == std::string::npos ? 0.0 : std::stod(page->body.substr(at + name.size() + 2));  // 0: never counted
    };
    const double replica_reads = counter("saima_db_replica_reads_total");
    const double primary_reads = counter("saima_db_primary_reads_total");
    std::printf("stats reads: %.0f on the standby, %.0f on the primary\n", replica_reads, primary_reads);
    EXPECT_GT(replica_reads, 0);
    PgHarness::Shared().PrintState();
    // The longest time without an acknowledged write, around the kill.
    std::sort(counts.acks.begin(), counts.acks.end());
    double without_writes_s = 0;
    for (size_t i = 1; i < counts.acks.size(); ++i) {
      without_writes_s =
          std::max(without_writes_s, std::chrono::duration<double>(counts.acks[i] - counts.acks[i - 1]).count());
    }
    const size_t after_kill = static_cast<size_t>(std::count_if(counts.acks.begin(), counts.acks.end(), [&](auto t) {
      return std::chrono::duration<double>(t - started).count() > killed_at_s + promoted_after_s;
    }));
    std::printf(
        "failover: primary 127.0.0.1:%d killed at %.1f s; 127.0.0.1:%d promoted %.1f s later; time without writes "
        "%.1f s; %zu writes acknowledged after the promotion, the services not restarted; lost = %d, doubled = %d\n",
        old_primary, killed_at_s, new_primary, promoted_after_s, without_writes_s, after_kill, lost, doubled);
    EXPECT_NE(new_primary, 0);
    EXPECT_NE(new_primary, old_primary);
    EXPECT_GT(after_kill, 0u);
  }
}

}  // namespace
}  // namespace saima::testing
