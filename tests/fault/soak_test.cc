// Soak: a steady mixed load through the gateway's HTTP API for a set time, printing throughput, p50/p99 latency
// per operation and the resident memory of every process (and PostgreSQL's postmaster) at the start and the end.
//   SAIMA_SOAK_SECONDS (default 600; ./saima soak), SAIMA_SOAK_CLIENTS (default 4)
// ctest runs it for 10 s so that it keeps working; the figures are only meaningful from the long run.

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <fstream>
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

// VmRSS of a process in KiB (0 when it cannot be read).
long RssKiB(pid_t pid) {
  std::ifstream status(absl::StrCat("/proc/", pid, "/status"));
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::atol(line.c_str() + 6);
  }
  return 0;
}

class SoakTest : public HttpSystemTest {};

TEST_F(SoakTest, SteadyMixedLoad) {
  const int seconds = EnvInt("SAIMA_SOAK_SECONDS", 600);
  const int clients = EnvInt("SAIMA_SOAK_CLIENTS", 4);
  // A little data for the reads: approved projects with plans and a figure.
  std::vector<std::string> approved;
  for (int i = 0; i < 6; ++i) {
    const std::string id = CreateProject(absl::StrFormat("2023-331181-04-03-%06d", i), 200'000'000);
    Approve(id, "2023-01-20");
    approved.push_back(id);
  }
  ASSERT_EQ(SubmitWhenAccepted(Report(approved[0], "2023-02", 1'000'000, 1'000'000)), 200);

  const std::vector<std::string> names = {"registry", "stats", "scoring", "gateway"};
  std::map<std::string, long> rss_start, rss_end;
  for (const auto& n : names) rss_start[n] = RssKiB(system_->process(n).pid());

  struct Op {
    std::string name;
    std::vector<double> ms;
    int errors = 0;
  };
  std::mutex mu;
  std::map<std::string, Op> ops;
  std::atomic<bool> stop{false};
  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&, c] {
      std::mt19937 rng(7 + c);
      httplib::Client client("127.0.0.1", system_->http_port());
      client.set_read_timeout(15);
      httplib::Headers auth = {{"Authorization", "Bearer " + system_->token("admin")}};
      int seq = 0;
      std::map<std::string, Op> mine;
      while (!stop.load()) {
        const int pick = rng() % 10;
        std::string name;
        int status = 0;
        const auto t0 = std::chrono::steady_clock::now();
        if (pick < 3) {
          name = "GET city report";
          if (auto r = client.Get("/v1/reports/city?period=2023-02", auth)) status = r->status;
        } else if (pick < 5) {
          name = "GET projects page";
          if (auto r = client.Get("/v1/projects?pageSize=50", auth)) status = r->status;
        } else if (pick < 6) {
          name = "GET unit rankings";
          if (auto r = client.Get("/v1/unit-rankings?period=2023-02", auth)) status = r->status;
        } else if (pick < 8) {
          name = "POST project";
          const std::string code = absl::StrFormat("2023-331181-04-04-%06d", c * 100000 + ++seq);
          json p = PlannedProject(code, "压测项目" + code);
          httplib::Headers h = auth;
          h.emplace("Idempotency-Key", "soak-" + code);
          if (auto r = client.Post("/v1/projects", h, p.dump(), "application/json")) status = r->status;
        } else {
          name = "POST milestone";
          json m = {{"kind", "MILESTONE_KIND_OTHER"},
                    {"title", absl::StrCat("soak-", c, "-", ++seq)},
                    {"dueDate", "2023-09-30"},
                    {"ownerName", "李明"}};
          httplib::Headers h = auth;
          h.emplace("Idempotency-Key", absl::StrCat("soak-m-", c, "-", seq));
          if (auto r = client.Post(("/v1/projects/" + approved[rng() % approved.size()] + "/milestones").c_str(), h,
                                   m.dump(), "application/json"))
            status = r->status;
        }
        const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
        Op& op = mine[name];
        op.ms.push_back(ms);
        if (status != 200) op.errors++;
      }
      std::lock_guard<std::mutex> lock(mu);
      for (auto& [name, op] : mine) {
        Op& all = ops[name];
        all.ms.insert(all.ms.end(), op.ms.begin(), op.ms.end());
        all.errors += op.errors;
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::seconds(seconds));
  stop = true;
  for (auto& t : threads) t.join();
  for (const auto& n : names) rss_end[n] = RssKiB(system_->process(n).pid());

  std::printf("soak: %d s, %d clients\n", seconds, clients);
  std::printf("  %-20s %9s %9s %9s %9s %7s\n", "operation", "count", "per s", "p50 ms", "p99 ms", "errors");
  int total = 0, errors = 0;
  for (auto& entry : ops) {  // (clang: a lambda cannot capture a structured binding)
    const std::string& name = entry.first;
    Op& op = entry.second;
    std::sort(op.ms.begin(), op.ms.end());
    const auto at = [&](double q) {
      return op.ms.empty() ? 0 : op.ms[std::min(op.ms.size() - 1, size_t(q * op.ms.size()))];
    };
    std::printf("  %-20s %9zu %9.1f %9.2f %9.2f %7d\n", name.c_str(), op.ms.size(), op.ms.size() / double(seconds),
                at(0.5), at(0.99), op.errors);
    total += static_cast<int>(op.ms.size());
    errors += op.errors;
  }
  std::printf("  %-20s %9d %9.1f\n", "all", total, total / double(seconds));
  for (const auto& n : names) {
    std::printf("  RSS %-10s start %7ld KiB   end %7ld KiB\n", n.c_str(), rss_start[n], rss_end[n]);
  }
  EXPECT_GT(total, 0);
  EXPECT_EQ(errors, 0);
}

}  // namespace
}  // namespace saima::testing
