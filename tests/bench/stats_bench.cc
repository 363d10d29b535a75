// Benchmark of the stats service (not a test: it prints figures; nothing here asserts a time).
//
//   1. Ingest of N monthly rows (default 1,000,000: 100,000 projects × 10 months) through the streaming import
//      of a running saima-stats, beside a raw COPY of the same rows into a bare table and into one with the same
//      primary key on the same PostgreSQL, and the import's own COPY lines into a table made like monthly_reports,
//      in rounds (each round runs all four, so the ratios compare runs made in the same minute); then the audit
//      entries the import wrote (one: the Merkle root) and the proof of one of its rows.
//   2. The city report over those 100,000 projects, beside the same aggregates as one hand-tuned SQL query.
//   3. Peak resident memory (VmHWM) of the saima-stats process after each phase.
//   4. National scale: N projects (default 2,000,000) in 3,100 county-level divisions of 31 provinces, 12 months
//      each (24 million monthly rows, written by SQL, not timed), and 62,000 units in a running saima-registry;
//      the period locked through the service (division sums made, the provincial package frozen row by row),
//      with saima-stats's peak memory before and after; the regional report of a county-level city, a province
//      by county and the country by province, one county's provincial package (read and built into its ZIP) and
//      the whole package streamed (saima-stats's peak memory before and after), each beside the hand-written SQL
//      of the same answer over the monthly rows.
//
// Usage: stats_bench [--projects=100000] [--months=10] [--runs=5] [--national_projects=2000000]

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <optional>
#include <pqxx/pqxx>
#include <pqxx/stream_to>
#include <pqxx/tablewriter>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/declare.h"
#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/caller.h"
#include "common/client.h"
#include "gateway/provincial_package.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "saima/stats/v1/stats.grpc.pb.h"
#include "services/stats/import_audit.h"
#include "services/stats/package_digest.h"
#include "tests/e2e/system.h"
#include "tests/pg_harness.h"

ABSL_DECLARE_FLAG(std::string, tls_ca);
ABSL_DECLARE_FLAG(std::string, tls_cert);
ABSL_DECLARE_FLAG(std::string, tls_key);

ABSL_FLAG(int, projects, 100000, "projects in the database");
ABSL_FLAG(int, months, 10, "months per project (2023-02 onwards), at most 11");
ABSL_FLAG(int, runs, 5, "runs of each report query; the median is printed");
ABSL_FLAG(int, national_projects, 2000000, "projects of the national-scale phase (12 months each); 0 skips it");

namespace {

namespace st = ::saima::stats::v1;
using Clock = std::chrono::steady_clock;

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

// User + system CPU seconds a process has used.
double CpuSeconds(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  const auto after_name = text.rfind(')');
  std::istringstream fields(text.substr(after_name + 2));
  std::string field;
  double ticks = 0;
  for (int i = 3; i <= 15 && fields >> field; ++i) {
    if (i == 14 || i == 15) ticks += std::stod(field);  // utime, stime
  }
  return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
}

// The CPU seconds used so far by each PostgreSQL client backend but the asking one, by pid.
std::map<int, double> BackendCpu(const std::string& url) {
  pqxx::connection conn(url);
  pqxx::work txn(conn);
  std::map<int, double> cpu;
  for (const auto& row : txn.exec("SELECT pid FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> "
                                  "pg_backend_pid()")) {
    const int pid = row[0].as<int>();
    cpu[pid] = CpuSeconds(pid);
  }
  return cpu;
}

// The CPU the backends used between two BackendCpu readings (a backend that came since counts from zero).
double BackendCpuUsed(const std::map<int, double>& before, const std::map<int, double>& after) {
  double used = 0;
  for (const auto& [pid, seconds] : after) {
    auto it = before.find(pid);
    used += seconds - (it == before.end() ? 0 : it->second);
  }
  return used;
}

// Sets a process's peak resident memory (VmHWM) to its resident memory now (Linux: clear_refs 5), so that the
// next PeakRssKb is the peak of what ran since.
void ResetPeakRss(pid_t pid) { std::ofstream("/proc/" + std::to_string(pid) + "/clear_refs") << "5"; }

long PeakRssKb(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

// The figures of project p for month m (2 = February): a chain that passes every check, 核实性审核 included (the
// amount grows by 100 元 a month, so it never repeats).
void Row(int64_t p, int m, int64_t* month, int64_t* ytd) {
  const int64_t base = 100'000 + (p % 97) * 1'000;
  *month = m == 2 ? 2 * base : base + 100 * m;
  *ytd = base * m + 100 * (m * (m + 1) / 2 - 3);
}

std::string Period(int m) { return absl::StrFormat("2023-%02d", m); }

// Project p's monthly report of month m, as the import sends it.
void FillReport(int64_t p, int m, st::MonthlyReport* r) {
  int64_t month = 0, ytd = 0;
  Row(p, m, &month, &ytd);
  r->set_project_id(p);
  r->set_period(Period(m));
  r->set_month_yuan(month);
  r->set_ytd_yuan(ytd);
  r->mutable_ytd_breakdown()->set_construction_yuan(ytd / 2);
  r->mutable_ytd_breakdown()->set_installation_yuan(ytd / 4);
  r->mutable_ytd_breakdown()->set_equipment_yuan(ytd - ytd / 2 - ytd / 4);
  r->set_since_start_yuan(ytd);
}

template <typename F>
double Median(int runs, F f) {
  std::vector<double> times;
  for (int i = 0; i < runs; ++i) {
    const auto start = Clock::now();
    f();
    times.push_back(Seconds(Clock::now() - start));
  }
  std::sort(times.begin(), times.end());
  return times[times.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  const int projects = absl::GetFlag(FLAGS_projects);
  const int months = std::min(11, absl::GetFlag(FLAGS_months));
  const int64_t rows = static_cast<int64_t>(projects) * months;
  saima::testing::PgHarness& pg = saima::testing::PgHarness::Shared();
  if (saima::testing::Run(absl::StrCat(SAIMA_STATS_BIN, " migrate --db_url=", pg.Url("stats"), " 2>/dev/null")) != 0 ||
      saima::testing::Run(absl::StrCat(SAIMA_REGISTRY_BIN, " migrate --db_url=", pg.Url("registry"), " 2>/dev/null")) !=
          0) {
    std::fprintf(stderr, "migration failed\n");
    return 1;
  }

  // Setup (not measured): dims of 入库 projects as the change feed would leave them, and their annual plans.
  {
    pqxx::connection conn(pg.Url("stats"));
    pqxx::work txn(conn);
    pqxx::stream_to dims(txn, "stats.project_dims",
                         std::vector<std::string>{
                             "project_id", "unit_id", "name", "industry_code", "sector", "manufacturing",
                             "industrial_renovation", "ownership", "public_institution", "tiers", "stage", "ruku_state",
                             "ruku_date", "planned_total_yuan", "planned_start_date", "actual_start_date", "revision"});
    for (int64_t p = 1; p <= projects; ++p) {
      const bool mfg = p % 5 == 0;
      dims << std::make_tuple(p, absl::StrCat("U", p % 300), absl::StrCat("项目", p), mfg ? "2720" : "7010",
                              mfg ? 2 : 3, mfg, p % 15 == 0, p % 3 == 0 ? 1 : 3, false,
                              std::string(p % 10 == 0 ? "{1}" : "{}"), 3, 7, std::string("2022-01-01"),
                              int64_t{500'000'000}, std::string("2022-01-01"), std::string("2022-01-10"), p);
    }
    dims.complete();
    pqxx::stream_to plans(txn, "stats.annual_plans",
                          std::vector<std::string>{"project_id", "year", "planned_yuan", "actor"});
    for (int64_t p = 1; p <= projects; ++p) plans << std::make_tuple(p, 2023, int64_t{3'000'000}, std::string("bench"));
    plans.complete();
    txn.commit();
    // Vacuumed and analysed now, not by autovacuum in the middle of the first import.
    pqxx::nontransaction(conn).exec("VACUUM ANALYZE stats.project_dims, stats.annual_plans");
  }

  // The real saima-stats binary on a free port, with mutual TLS as deployed; this program calls it as the gateway.
  char tls_template[] = "/tmp/saima-bench-tls-XXXXXX";
  const std::string tls = mkdtemp(tls_template);
  struct RemovedAtExit {
    std::string path;
    ~RemovedAtExit() { std::filesystem::remove_all(path); }
  } remove_tls{tls};
  if (saima::testing::Run(absl::StrCat("bash ", SAIMA_SOURCE_DIR, "/deploy/tls/make-certs.sh ", tls, " >/dev/null")) !=
      0) {
    std::fprintf(stderr, "make-certs.sh failed\n");
    return 1;
  }
  absl::SetFlag(&FLAGS_tls_ca, tls + "/ca.crt");
  absl::SetFlag(&FLAGS_tls_cert, tls + "/gateway.crt");
  absl::SetFlag(&FLAGS_tls_key, tls + "/gateway.key");
  const int port = saima::testing::FreePort();
  const int registry_port = saima::testing::FreePort();
  // The registry: the units' names a package is frozen with come from it.
  saima::testing::ChildProcess registry(
      "registry",
      {SAIMA_REGISTRY_BIN, absl::StrCat("--listen=127.0.0.1:", registry_port),
       absl::StrCat("--db_url=", pg.Url("registry")), "--signing_key_file=" + tls + "/token-signing.key",
       absl::StrCat("--stats_addr=127.0.0.1:", port), "--tls_ca=" + tls + "/ca.crt",
       "--tls_cert=" + tls + "/registry.crt", "--tls_key=" + tls + "/registry.key"},
      "/tmp/saima-bench-registry.log");
  registry.Start();
  saima::testing::ChildProcess child(
      "stats",
      {SAIMA_STATS_BIN, absl::StrCat("--listen=127.0.0.1:", port), absl::StrCat("--db_url=", pg.Url("stats")),
       absl::StrCat("--registry_addr=127.0.0.1:", registry_port), "--tls_ca=" + tls + "/ca.crt",
       "--tls_cert=" + tls + "/stats.crt", "--tls_key=" + tls + "/stats.key"},
      "/tmp/saima-bench-stats.log");
  child.Start();
  const pid_t stats = child.pid();
  auto channel = saima::MakeChannel(absl::StrCat("127.0.0.1:", port));
  auto health = grpc::health::v1::Health::NewStub(channel);
  for (int i = 0; i < 100; ++i) {
    auto context = saima::CallContext(std::chrono::seconds(1));
    // Waits for the connection (and, over TLS, polls its handshake) instead of failing fast while it is made.
    context->set_wait_for_ready(true);
    grpc::health::v1::HealthCheckResponse response;
    if (health->Check(context.get(), {}, &response).ok() &&
        response.status() == grpc::health::v1::HealthCheckResponse::SERVING) {
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  auto stub = st::StatsService::NewStub(channel);
  const saima::Caller loader{"bench", saima::kRoleSysadmin, ""};
  std::printf("stats_bench: %d projects × %d months = %lld rows\n", projects, months, static_cast<long long>(rows));
  std::printf("saima-stats peak RSS at start: %ld KiB\n", PeakRssKb(stats));

  // 1. The streaming import beside its baselines, in rounds: each round runs the import (on an emptied table), a
  // raw COPY of the same rows into a bare table and into one with monthly_reports' primary key, and the import's
  // own COPY lines into a table made like monthly_reports, one after the other, so that a slower minute of the
  // machine slows a round's import and its baselines alike; the ratios are taken per round and their median printed.
  auto AuditEntries = [&pg] {
    pqxx::connection conn(pg.Url("postgres"));
    pqxx::work txn(conn);
    return txn.exec1("SELECT count(*) FROM audit.entries WHERE service = 'stats'")[0].as<int64_t>();
  };
  int64_t entries_before = 0;
  double import_cpu = 0, import_backend_cpu = 0, import_client_cpu = 0;
  double copy_backend_cpu = 0, copy_client_cpu = 0;  // of the last raw_copy
  double shaped_backend_cpu = 0;                     // of the last shaped_copy
  bool import_failed = false;
  auto import_once = [&](int run) {
    if (run > 0) {
      pqxx::connection conn(pg.Url("stats"));
      pqxx::work txn(conn);
      txn.exec("TRUNCATE stats.monthly_reports");
      txn.commit();
    }
    const double cpu_before = CpuSeconds(stats);
    const double client_before = CpuSeconds(getpid());
    entries_before = AuditEntries();
    const auto backends_before = BackendCpu(pg.Url("postgres"));
    auto start = Clock::now();
    auto context = saima::CallContext(std::chrono::seconds(3600));
    saima::AttachCaller(loader, "bench-import", *context);
    st::ImportMonthlyReportsResponse response;
    auto writer = stub->ImportMonthlyReports(context.get(), &response);
    st::ImportMonthlyReportsRequest message;
    for (int m = 2; m < 2 + months; ++m) {
      for (int64_t p = 1; p <= projects; ++p) {
        FillReport(p, m, message.add_reports());
        if (message.reports_size() == 2000) {
          writer->Write(message);
          message.Clear();
        }
      }
    }
    if (message.reports_size() > 0) writer->Write(message);
    writer->WritesDone();
    grpc::Status status = writer->Finish();
    const double seconds = Seconds(Clock::now() - start);
    import_cpu = CpuSeconds(stats) - cpu_before;
    import_backend_cpu = BackendCpuUsed(backends_before, BackendCpu(pg.Url("postgres")));
    import_client_cpu = CpuSeconds(getpid()) - client_before;
    if (!status.ok() || response.rows_imported() != rows) {
      std::fprintf(stderr, "import failed: %s; imported %lld, %d errors\n", status.error_message().c_str(),
                   static_cast<long long>(response.rows_imported()), response.errors_size());
      import_failed = true;
    }
    return seconds;
  };
  // Raw COPY of the same rows into a bare table, or into a table with monthly_reports' primary key.
  auto raw_copy = [&](const std::string& table, const std::string& key) {
    pqxx::connection conn(pg.Url("stats"));
    {
      pqxx::work txn(conn);
      txn.exec("DROP TABLE IF EXISTS " + table);
      txn.exec("CREATE TABLE " + table +
               " (project_id bigint, period text, version integer, kind integer, month_yuan bigint, ytd_yuan bigint, "
               "construction_yuan bigint, installation_yuan bigint, equipment_yuan bigint, other_yuan bigint, "
               "since_start_yuan bigint, actor text" +
               key + ")");
      txn.commit();
    }
    const double client_before = CpuSeconds(getpid());
    const double backend_before = CpuSeconds(conn.backendpid());
    auto start = Clock::now();
    pqxx::work txn(conn);
    pqxx::stream_to copy(txn, table,
                         std::vector<std::string>{"project_id", "period", "version", "kind", "month_yuan", "ytd_yuan",
                                                  "construction_yuan", "installation_yuan", "equipment_yuan",
                                                  "other_yuan", "since_start_yuan", "actor"});
    for (int m = 2; m < 2 + months; ++m) {
      for (int64_t p = 1; p <= projects; ++p) {
        int64_t month = 0, ytd = 0;
        Row(p, m, &month, &ytd);
        copy << std::make_tuple(p, Period(m), 1, 1, month, ytd, ytd / 2, ytd / 4, ytd - ytd / 2 - ytd / 4, int64_t{0},
                                ytd, std::string("bench"));
      }
    }
    copy.complete();
    txn.commit();
    const double seconds = Seconds(Clock::now() - start);
    copy_backend_cpu = CpuSeconds(conn.backendpid()) - backend_before;
    copy_client_cpu = CpuSeconds(getpid()) - client_before;
    return seconds;
  };
  // Where the import's time goes: the service's own COPY lines for the same rows, COPYed straight into a table made
  // like monthly_reports (its primary key, its checks, its audit trigger's WHEN) — what PostgreSQL does of the
  // import; the CPU lines of each round say how much the service (gRPC, the checks, the Merkle tree) adds.
  auto shaped_copy = [&] {
    pqxx::connection conn(pg.Url("postgres"));
    {
      pqxx::work txn(conn);
      txn.exec("DROP TABLE IF EXISTS stats.bench_shaped");
      txn.exec("CREATE TABLE stats.bench_shaped (LIKE stats.monthly_reports INCLUDING ALL)");
      txn.exec(
          "CREATE TRIGGER audit_insert AFTER INSERT ON stats.bench_shaped FOR EACH ROW WHEN (NEW.import_id IS NULL) "
          "EXECUTE FUNCTION audit.record()");
      txn.commit();
    }
    const double backend_before = CpuSeconds(conn.backendpid());
    auto start = Clock::now();
    pqxx::work txn(conn);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
    // The service's own COPY lines, written as it writes them.
    const std::vector<std::string>& columns = saima::stats::ImportCopyColumns();
    pqxx::tablewriter copy(txn, "stats.bench_shaped", columns.begin(), columns.end());
#pragma GCC diagnostic pop
    const std::string recorded_at = "2023-12-01T00:00:00.000000Z";
    st::MonthlyReport r;
    std::string leaf, line, pending;
    int64_t place = 0;
    for (int m = 2; m < 2 + months; ++m) {
      for (int64_t p = 1; p <= projects; ++p) {
        FillReport(p, m, &r);
        saima::stats::ImportLine(r, 1, st::FIGURE_KIND_REPORTED, "bench-import", recorded_at, 1, place++, &leaf, &line);
        // Sent as the service sends them: some 64 KiB of lines at a time.
        if (!pending.empty()) pending.push_back('\n');
        pending.append(line);
        if (pending.size() >= 64 * 1024) {
          copy.write_raw_line(pending);
          pending.clear();
        }
      }
    }
    if (!pending.empty()) copy.write_raw_line(pending);
    copy.complete();
    txn.commit();
    const double seconds = Seconds(Clock::now() - start);
    shaped_backend_cpu = CpuSeconds(conn.backendpid()) - backend_before;
    return seconds;
  };
  // Each run starts after a checkpoint (not timed): the WAL of the run before (some 300 MB) would otherwise set one
  // off in the middle of whichever run comes next, its writes taking that run's time.
  auto checkpoint = [&pg] {
    pqxx::connection conn(pg.Url("postgres"));
    pqxx::nontransaction(conn).exec("CHECKPOINT");
  };
  std::vector<double> import_runs, copy_runs, keyed_runs, shaped_runs, keyed_ratios, shaped_ratios, ceilings;
  for (int run = 0; run < absl::GetFlag(FLAGS_runs); ++run) {
    checkpoint();
    import_runs.push_back(import_once(run));
    if (import_failed) {
      child.Terminate(10);
      return 1;
    }
    checkpoint();
    copy_runs.push_back(raw_copy("stats.bench_raw", ""));
    checkpoint();
    keyed_runs.push_back(raw_copy("stats.bench_keyed", ", PRIMARY KEY (period, project_id, version)"));
    checkpoint();
    shaped_runs.push_back(shaped_copy());
    keyed_ratios.push_back(keyed_runs.back() / import_runs.back());
    shaped_ratios.push_back(shaped_runs.back() / import_runs.back());
    ceilings.push_back(keyed_runs.back() / shaped_runs.back());
    std::printf(
        "  round %d: import %.2f s, raw COPY %.2f s, keyed COPY %.2f s, shaped COPY %.2f s → import / keyed %.2f\n"
        "    CPU (s): import: saima-stats %.2f, its PostgreSQL backends %.2f, this client %.2f; keyed COPY: backend "
        "%.2f, this client %.2f; shaped COPY: backend %.2f\n",
        run + 1, import_runs.back(), copy_runs.back(), keyed_runs.back(), shaped_runs.back(), keyed_ratios.back(),
        import_cpu, import_backend_cpu, import_client_cpu, copy_backend_cpu, copy_client_cpu, shaped_backend_cpu);
  }
  auto median = [](std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
  };
  const double import_seconds = median(import_runs);
  std::printf("streaming import: median %.1f s, %.0f rows/s (saima-stats used %.1f s of CPU in the last run)\n",
              import_seconds, rows / import_seconds, import_cpu);
  std::printf("saima-stats peak RSS after the import: %ld KiB\n", PeakRssKb(stats));
  // What the audit holds of the last import, and the proof of its middle row.
  {
    st::ProveMonthlyReportRequest q;
    q.set_project_id(projects / 2 + 1);
    q.set_period(Period(2 + months / 2));
    q.set_version(1);
    st::ProveMonthlyReportResponse proof;
    auto context = saima::CallContext(std::chrono::seconds(600));
    saima::AttachCaller(loader, "bench-prove", *context);
    const auto start = Clock::now();
    grpc::Status status = stub->ProveMonthlyReport(context.get(), q, &proof);
    std::printf(
        "audit entries written by the last import: %lld for %lld rows; proof of row %lld of %lld: %d hashes, "
        "%s (%.0f ms)\n",
        static_cast<long long>(AuditEntries() - entries_before), static_cast<long long>(rows),
        static_cast<long long>(proof.leaf_index() + 1), static_cast<long long>(proof.leaf_count()),
        proof.audit_path_size(), status.ok() && proof.proved() ? "proved" : "NOT proved",
        Seconds(Clock::now() - start) * 1000);
  }
  const double copy_seconds = median(copy_runs), keyed_copy_seconds = median(keyed_runs);
  const double shaped_copy_seconds = median(shaped_runs);
  std::printf("raw COPY into a bare table: median %.1f s, %.0f rows/s\n", copy_seconds, rows / copy_seconds);
  std::printf("raw COPY into a table with the same primary key: median %.1f s, %.0f rows/s\n", keyed_copy_seconds,
              rows / keyed_copy_seconds);
  std::printf(
      "import speed / raw COPY speed: %.2f; / keyed COPY speed: %.2f (median of the rounds' ratios; lowest %.2f, "
      "highest %.2f; target ≥ 0.80)\n",
      copy_seconds / import_seconds, median(keyed_ratios), *std::min_element(keyed_ratios.begin(), keyed_ratios.end()),
      *std::max_element(keyed_ratios.begin(), keyed_ratios.end()));
  std::printf(
      "the import's own COPY lines into a table made like monthly_reports (%d columns, its index, checks and "
      "trigger), sent 64 KiB at a time as the service sends them, without the service: median %.1f s (the import "
      "beside it: %.1f s)\n",
      static_cast<int>(saima::stats::ImportCopyColumns().size()), shaped_copy_seconds, import_seconds);
  std::printf(
      "import speed / shaped COPY speed: %.2f (keyed COPY / shaped COPY: %.2f, what the stored row costs PostgreSQL "
      "beside the keyed table's)\n",
      median(shaped_ratios), median(ceilings));
  // 2a. The city report through the service.
  const std::string period = Period(1 + months);
  st::GetCityReportResponse report;
  const double report_seconds = Median(absl::GetFlag(FLAGS_runs), [&] {
    auto context = saima::CallContext(std::chrono::seconds(600));
    saima::AttachCaller(loader, "bench-report", *context);
    st::GetCityReportRequest request;
    request.set_period(period);
    grpc::Status status = stub->GetCityReport(context.get(), request, &report);
    if (!status.ok()) std::fprintf(stderr, "report failed: %s\n", status.error_message().c_str());
  });
  std::printf("city report %s via saima-stats: median %.0f ms (total %lld 元, %d key projects)\n", period.c_str(),
              report_seconds * 1000, static_cast<long long>(report.report().indicators().total().ytd_yuan()),
              report.report().key_projects().statuses_size());
  std::printf("saima-stats peak RSS after the reports: %ld KiB\n", PeakRssKb(stats));

  // 2b. The same aggregates as one hand-tuned SQL query: totals and growth per category, plan and completion,
  // key-project status counts, and per-unit completion.
  const std::string sql = absl::StrCat(
      "WITH cur AS (SELECT DISTINCT ON (project_id) project_id, ytd_yuan, construction_yuan + installation_yuan ja "
      "FROM stats.monthly_reports WHERE period = '",
      period,
      "' ORDER BY project_id, (kind <> 1) DESC, version DESC), "
      "last AS (SELECT DISTINCT ON (project_id) project_id, ytd_yuan, construction_yuan + installation_yuan ja "
      "FROM stats.monthly_reports WHERE period = '2022-",
      period.substr(5),
      "' ORDER BY project_id, (kind <> 1) DESC, "
      "version DESC), f AS (SELECT d.*, coalesce(c.ytd_yuan, 0) ytd, coalesce(c.ja, 0) ja, coalesce(l.ytd_yuan, 0) "
      "lytd, coalesce(l.ja, 0) lja, p.planned_yuan plan FROM stats.project_dims d LEFT JOIN cur c USING (project_id) "
      "LEFT JOIN last l USING (project_id) LEFT JOIN stats.annual_plans p ON p.project_id = d.project_id AND "
      "p.year = 2023 WHERE d.ruku_state = 7 AND d.ruku_date <= '2023-",
      period.substr(5),
      "-28') "
      "SELECT (SELECT json_build_object('ytd', sum(ytd), 'last', sum(lytd), 'ja', sum(ja), 'lja', sum(lja), "
      "'priv', sum(ytd) FILTER (WHERE ownership IN (2, 3) AND NOT public_institution), "
      "'state', sum(ytd) FILTER (WHERE ownership = 1 OR public_institution), "
      "'mfg', sum(ytd) FILTER (WHERE manufacturing), 'ren', sum(ytd) FILTER (WHERE industrial_renovation), "
      "'tew', sum(ytd) FILTER (WHERE left(industry_code, 2) IN ('53','54','55','56','57','58','60','44','45','06',"
      "'07','25','76')), 'ht', sum(ytd) FILTER (WHERE left(industry_code, 2) IN ('27','39','40') OR "
      "left(industry_code, 3) IN ('358','374')), 'plan', sum(plan), 'ytd_planned', sum(ytd) FILTER (WHERE plan IS NOT "
      "NULL), 'ahead', count(*) FILTER (WHERE 1 = ANY (tiers) AND 1200 * ytd - ",
      10 * (1 + months), " * plan >= 120 * plan), 'lagging', count(*) FILTER (WHERE 1 = ANY (tiers) AND 1200 * ytd - ",
      10 * (1 + months),
      " * plan < -360 * plan)) FROM f), (SELECT json_agg(u) FROM (SELECT unit_id, sum(ytd) ytd, sum(plan) plan FROM f "
      "WHERE plan IS NOT NULL GROUP BY unit_id HAVING sum(plan) > 50000000 ORDER BY sum(ytd)::numeric / sum(plan) "
      "LIMIT 5) u)");
  pqxx::connection conn(pg.Url("stats"));
  std::string sql_total;
  const double sql_seconds = Median(absl::GetFlag(FLAGS_runs), [&] {
    pqxx::work txn(conn);
    sql_total = txn.exec1(sql)[0].c_str();
  });
  std::printf("hand-tuned SQL of the same aggregates: median %.0f ms\n", sql_seconds * 1000);
  std::printf("report time / SQL time: %.2f (target ≤ 2.00)\n", report_seconds / sql_seconds);
  std::printf("saima-stats peak RSS after the city report: %ld KiB\n", PeakRssKb(stats));

  // 4. National scale.
  const int64_t national = absl::GetFlag(FLAGS_national_projects);
  if (national > 0) {
    const auto setup_start = Clock::now();
    // 31 provinces of 100 county-level divisions (PP + prefecture 01–10 + county 01–10), 20 units each.
    const std::string provinces =
        "ARRAY['11','12','13','14','15','21','22','23','31','32','33','34','35','36','37','41','42','43','44','45',"
        "'46','50','51','52','53','54','61','62','63','64','65']";
    const std::string division = absl::StrCat(
        "(", provinces,
        ")[p % 31 + 1] || lpad(((p / 31) % 10 + 1)::text, 2, '0') || lpad(((p / 310) % 10 + 1)::text, 2, '0')");
    // Twelve months: 2022-08 … 2022-12 and 2023-02 … 2023-08 (02 covers January and February).
    const std::string months =
        "(VALUES ('2022-08', 8), ('2022-09', 9), ('2022-10', 10), ('2022-11', 11), ('2022-12', 12), ('2023-02', 2), "
        "('2023-03', 3), ('2023-04', 4), ('2023-05', 5), ('2023-06', 6), ('2023-07', 7), ('2023-08', 8)) m(period, "
        "month)";
    {
      pqxx::connection admin(pg.Url("postgres"));
      pqxx::work txn(admin);
      txn.exec("SET LOCAL session_replication_role = replica");  // setup data: no audit entry per row
      txn.exec(
          "TRUNCATE stats.project_dims, stats.annual_plans, stats.monthly_reports, stats.period_locks, "
          "stats.package_rows, stats.package_divisions, "
          "stats.rollup_periods CASCADE");
      txn.exec(absl::StrCat(
          "INSERT INTO stats.project_dims (project_id, project_code, unit_id, name, industry_code, sector, "
          "manufacturing, industrial_renovation, ownership, public_institution, tiers, stage, ruku_state, ruku_date, "
          "planned_total_yuan, planned_start_date, actual_start_date, revision) SELECT p, '2022-' || d || '-04-01-' "
          "|| lpad((p % 1000000)::text, 6, '0'), d || lpad(((p / 3100) % 20 + 1)::text, 3, '0'), '项目' || p, "
          "CASE WHEN p % 5 = 0 THEN '2720' ELSE '7010' END, CASE WHEN p % 5 = 0 THEN 2 ELSE 3 END, p % 5 = 0, "
          "p % 15 = 0, CASE WHEN p % 3 = 0 THEN 1 ELSE 3 END, false, CASE WHEN p % 10 = 0 THEN '{1}'::int[] ELSE "
          "'{}'::int[] END, 3, 7, '2022-01-01', 500000000, '2022-01-01', '2022-01-10', p FROM (SELECT p, ",
          division, " AS d FROM generate_series(1, ", national, ") p) g"));
      txn.exec(absl::StrCat(
          "INSERT INTO stats.annual_plans (project_id, year, planned_yuan, actor) SELECT p, 2023, 3000000, 'bench' "
          "FROM generate_series(1, ",
          national, ") p"));
      txn.exec(absl::StrCat(
          "INSERT INTO stats.monthly_reports (project_id, period, version, kind, month_yuan, ytd_yuan, "
          "construction_yuan, installation_yuan, equipment_yuan, other_yuan, since_start_yuan, actor) "
          "SELECT p, m.period, 1, 1, b, b * m.month, b * m.month / 2, b * m.month / 4, "
          "b * m.month - b * m.month / 2 - b * m.month / 4, 0, b * m.month, 'bench' FROM (SELECT p, 100000 + "
          "(p % 97) * 1000 AS b FROM generate_series(1, ",
          national, ") p) g CROSS JOIN ", months));
      // The dims were replaced as no feed change would: the position moves, as ApplyChange's would, so that the
      // service does not go on checking imports against the dims it kept.
      txn.exec("UPDATE stats.feed_position SET revision = revision + 1");
      txn.commit();
      // The registry's units (20 in each division), whose names the package is frozen with.
      pqxx::work units(admin);
      units.exec("SET LOCAL session_replication_role = replica");
      units.exec("SET LOCAL search_path = registry");
      units.exec("TRUNCATE registry.units CASCADE");
      units.exec(absl::StrCat(
          "INSERT INTO registry.units (unit_id, name, type, region_code) SELECT d || lpad(k::text, 3, '0'), '单位' "
          "|| d || lpad(k::text, 3, '0'), 1, d FROM (SELECT DISTINCT ",
          division, " AS d FROM generate_series(0, 3099) p) g CROSS JOIN generate_series(1, 20) k"));
      units.commit();
      pqxx::nontransaction analyze(admin);
      analyze.exec("ANALYZE stats.project_dims");
      analyze.exec("ANALYZE stats.monthly_reports");
      analyze.exec("ANALYZE stats.annual_plans");
    }
    std::printf("national scale: %lld projects × 12 months = %lld monthly rows written in %.0f s (setup)\n",
                static_cast<long long>(national), static_cast<long long>(national) * 12,
                Seconds(Clock::now() - setup_start));
    // The peak so far is the import's and the city report's: start the national phase's own (clear_refs 5 resets
    // VmHWM to the current resident size).
    ResetPeakRss(stats);
    const long rss_before = PeakRssKb(stats);
    // The lock through the service: it makes the division sums and freezes the provincial package, every
    // project's row streamed from PostgreSQL into stats.package_rows with the SHA-256 taken as it passes.
    st::LockPeriodResponse lock;
    const auto lock_start = Clock::now();
    {
      auto context = saima::CallContext(std::chrono::seconds(3600));
      saima::AttachCaller(loader, "bench-lock", *context);
      st::LockPeriodRequest request;
      request.set_period("2023-08");
      grpc::Status status = stub->LockPeriod(context.get(), request, &lock);
      if (!status.ok()) {
        std::fprintf(stderr, "lock failed: %s\n", status.error_message().c_str());
        child.Terminate(10);
        return 1;
      }
    }
    int64_t package_rows = 0;
    {
      pqxx::connection conn(pg.Url("stats"));
      pqxx::work txn(conn);
      package_rows =
          txn.exec1("SELECT row_count FROM stats.package_versions WHERE period = '2023-08' AND version = 1")[0]
              .as<int64_t>();
    }
    std::printf(
        "lock of 2023-08 through saima-stats (division sums of %lld projects, and the provincial package frozen: "
        "%lld rows, SHA-256 %s…): %.1f s; saima-stats peak RSS %ld KiB before, %ld KiB after\n",
        static_cast<long long>(national), static_cast<long long>(package_rows),
        lock.package_sha256().substr(0, 12).c_str(), Seconds(Clock::now() - lock_start), rss_before, PeakRssKb(stats));
    auto region_report = [&](const std::string& region, st::GetRegionReportResponse* out) {
      auto context = saima::CallContext(std::chrono::seconds(3600));
      saima::AttachCaller(loader, "bench-region", *context);
      st::GetRegionReportRequest request;
      request.set_period("2023-08");
      request.set_region(region);
      grpc::Status status = stub->GetRegionReport(context.get(), request, out);
      if (!status.ok()) std::fprintf(stderr, "region report failed: %s\n", status.error_message().c_str());
      return status.ok();
    };
    pqxx::connection sql_conn(pg.Url("stats"));
    // The same totals by hand: the official figure of each project this year and last, summed by part.
    auto hand_sql = [&](const std::string& region, int part_digits) {
      return absl::StrCat(
          "WITH cur AS (SELECT DISTINCT ON (project_id) project_id, ytd_yuan FROM stats.monthly_reports WHERE period "
          "= '2023-08' ORDER BY project_id, (kind <> 1) DESC, version DESC), last AS (SELECT DISTINCT ON "
          "(project_id) project_id, ytd_yuan FROM stats.monthly_reports WHERE period = '2022-08' ORDER BY "
          "project_id, (kind <> 1) DESC, version DESC) SELECT substr(d.project_code, 6, ",
          part_digits,
          ") part, sum(coalesce(c.ytd_yuan, 0))::text, sum(coalesce(l.ytd_yuan, 0))::text, count(*) FROM "
          "stats.project_dims d LEFT JOIN cur c USING (project_id) LEFT JOIN last l USING (project_id) WHERE "
          "d.ruku_state = 7 AND d.ruku_date <= '2023-08-31' AND substr(d.project_code, 6, ",
          region.size(), ") = '", region, "' GROUP BY 1 ORDER BY 1");
    };
    struct Level {
      const char* name;
      std::string region;
      int part_digits;
    };
    for (const Level& level : {Level{"county-level division 330102", "330102", 6},
                               Level{"province 33 by county", "33", 6}, Level{"country by province", "", 2}}) {
      st::GetRegionReportResponse report;
      bool ok = true;
      const double service =
          Median(absl::GetFlag(FLAGS_runs), [&] { ok = region_report(level.region, &report) && ok; });
      pqxx::result by_hand;
      const double by_sql = Median(absl::GetFlag(FLAGS_runs), [&] {
        pqxx::work txn(sql_conn);
        by_hand = txn.exec(hand_sql(level.region, level.part_digits));
      });
      // The answers agree: the parts' totals (or the one division's) of the service and of the SQL.
      bool same = ok && by_hand.size() == static_cast<size_t>(std::max(report.parts_size(), 1));
      for (size_t i = 0; same && i < by_hand.size(); ++i) {
        const auto& part = report.parts_size() > 0 ? report.parts(static_cast<int>(i)).indicators() : report.total();
        same = std::to_string(part.total().ytd_yuan()) == by_hand[i][1].c_str() &&
               std::to_string(part.total().ytd_last_year_yuan()) == by_hand[i][2].c_str() &&
               part.project_count() == by_hand[i][3].as<int64_t>();
      }
      std::printf(
          "%s: GetRegionReport median %.0f ms (%d parts, %lld 元, %d projects); hand-written SQL of the "
          "same totals over the monthly rows: median %.0f ms; ratio %.3f; same answer: %s\n",
          level.name, service * 1000, report.parts_size(), static_cast<long long>(report.total().total().ytd_yuan()),
          report.total().project_count(), by_sql * 1000, service / by_sql, same ? "yes" : "NO");
    }
    // The provincial package of one county-level division (what the province receives from it): its frozen rows
    // read from saima-stats and built into the ZIP of CSV files as the gateway builds it, beside the hand-written
    // SQL of the same rows over the monthly rows.
    {
      const std::string county = "330102";
      st::GetProvincialPackageResponse package;
      size_t zip_bytes = 0;
      bool ok = true;
      const double service = Median(absl::GetFlag(FLAGS_runs), [&] {
        auto context = saima::CallContext(std::chrono::seconds(600));
        saima::AttachCaller(loader, "bench-package", *context);
        st::GetProvincialPackageRequest request;
        request.set_period("2023-08");
        request.set_region(county);
        package.Clear();
        grpc::Status status = stub->GetProvincialPackage(context.get(), request, &package);
        if (!status.ok()) {
          std::fprintf(stderr, "package failed: %s\n", status.error_message().c_str());
          ok = false;
          return;
        }
        auto built = saima::gateway::BuildProvincialPackage(package, "csv", "");
        ok = ok && built.ok();
        if (built.ok()) zip_bytes = built->file().content().size();
      });
      const std::string rows_sql = absl::StrCat(
          "WITH cur AS (SELECT DISTINCT ON (project_id) * FROM stats.monthly_reports WHERE period = '2023-08' "
          "ORDER BY project_id, (kind <> 1) DESC, version DESC) SELECT d.project_code, d.name, d.unit_id, "
          "d.industry_code, d.planned_total_yuan, c.month_yuan, c.ytd_yuan, c.construction_yuan, "
          "c.installation_yuan, c.equipment_yuan, c.other_yuan, c.since_start_yuan FROM stats.project_dims d LEFT "
          "JOIN cur c USING (project_id) WHERE d.ruku_state = 7 AND d.ruku_date <= '2023-08-31' AND "
          "substr(d.project_code, 6, 6) = '",
          county, "' ORDER BY d.project_code, d.project_id");
      pqxx::result by_hand;
      const double by_sql = Median(absl::GetFlag(FLAGS_runs), [&] {
        pqxx::work txn(sql_conn);
        by_hand = txn.exec(rows_sql);
      });
      bool same = ok && by_hand.size() == static_cast<size_t>(package.rows_size());
      for (int i = 0; same && i < package.rows_size(); ++i) {
        same = package.rows(i).project_code() == by_hand[i][0].c_str() &&
               std::to_string(package.rows(i).figure().ytd_yuan()) == by_hand[i][6].c_str();
      }
      std::printf(
          "county package %s (%s): GetProvincialPackage and its ZIP median %.0f ms (%d rows, %zu bytes); "
          "hand-written SQL of the same rows over the monthly rows: median %.0f ms; ratio %.3f; same answer: %s\n",
          county.c_str(), package.region_name().c_str(), service * 1000, package.rows_size(), zip_bytes, by_sql * 1000,
          service / by_sql, same ? "yes" : "NO");
    }
    // The whole national package streamed from saima-stats (StreamProvincialPackage) as a partner system takes it
    // (as `saimactl report provincial --stream` does): every row hashed as it passes and checked against the
    // version's SHA-256, and written into the package's ZIP as it passes; the peak memory of saima-stats and of
    // this client, both reset at the start (so the "after" is the stream's own peak); beside the hand-written SQL
    // of the same rows over the monthly rows, read through a cursor.
    {
      ResetPeakRss(stats);
      ResetPeakRss(getpid());
      const long rss_before = PeakRssKb(stats);
      const long client_before = PeakRssKb(getpid());
      char zip_template[] = "/tmp/saima-bench-package-XXXXXX";
      const int zip_fd = mkstemp(zip_template);
      if (zip_fd >= 0) close(zip_fd);
      const std::string zip_path = zip_template;
      std::optional<saima::gateway::CsvPackageWriter> writer;
      absl::Status written;
      const auto start = Clock::now();
      auto context = saima::CallContext(std::chrono::seconds(600));
      saima::AttachCaller(loader, "bench-package-stream", *context);
      st::StreamProvincialPackageRequest request;
      request.set_period("2023-08");
      auto reader = stub->StreamProvincialPackage(context.get(), request);
      st::GetProvincialPackageResponse head;
      st::StreamProvincialPackageResponse message;
      std::optional<saima::stats::PackageDigest> digest;
      int64_t streamed = 0, streamed_ytd = 0, messages = 0;
      for (; reader->Read(&message); ++messages) {
        if (!digest) {
          head = message.part();
          digest.emplace(head.period());
          writer.emplace(head);
        }
        for (const auto& row : message.part().rows()) {
          digest->AddRow(saima::stats::DeterministicBytes(row));
          if (written.ok()) written = writer->Add(row);
          streamed_ytd += row.figure().ytd_yuan();
          ++streamed;
        }
      }
      const grpc::Status status = reader->Finish();
      if (written.ok() && writer) written = writer->Finish(zip_path).status();
      writer.reset();
      const double service = Seconds(Clock::now() - start);
      const long client_after = PeakRssKb(getpid());
      std::error_code no_size;
      const auto zip_size = std::filesystem::file_size(zip_path, no_size);
      std::error_code not_removed;
      std::filesystem::remove(zip_path, not_removed);
      if (!written.ok()) std::fprintf(stderr, "package ZIP failed: %s\n", written.ToString().c_str());
      if (!status.ok()) std::fprintf(stderr, "package stream failed: %s\n", status.error_message().c_str());
      const bool verified =
          status.ok() && digest && digest->Sha256(head.city(), head.snapshot_time()) == head.snapshot_sha256();
      const long rss_after = PeakRssKb(stats);
      int64_t by_hand = 0, by_hand_ytd = 0;
      const auto sql_start = Clock::now();
      {
        pqxx::work txn(sql_conn);
        pqxx::icursorstream rows(
            txn,
            "WITH cur AS (SELECT DISTINCT ON (project_id) * FROM stats.monthly_reports WHERE period = '2023-08' "
            "ORDER BY project_id, (kind <> 1) DESC, version DESC) SELECT d.project_code, d.name, d.unit_id, "
            "d.industry_code, d.planned_total_yuan, c.month_yuan, coalesce(c.ytd_yuan, 0), c.construction_yuan, "
            "c.installation_yuan, c.equipment_yuan, c.other_yuan, c.since_start_yuan FROM stats.project_dims d LEFT "
            "JOIN cur c USING (project_id) WHERE d.ruku_state = 7 AND d.ruku_date <= '2023-08-31' ORDER BY "
            "d.project_code, d.project_id",
            "by_hand", 10000);
        for (pqxx::result block; rows >> block;) {
          for (const auto& row : block) {
            by_hand_ytd += row[6].as<int64_t>();
            ++by_hand;
          }
        }
      }
      const double by_sql = Seconds(Clock::now() - sql_start);
      std::printf(
          "whole provincial package streamed from saima-stats and written into its ZIP: %.1f s (%lld rows in %lld "
          "messages, hashed as they passed: %s; ZIP %lld bytes%s); peak RSS from the start of the stream: "
          "saima-stats %ld KiB before, %ld KiB after; this client %ld KiB before, %ld KiB after; hand-written SQL of "
          "the same rows over the monthly rows through a cursor: %.1f s; ratio %.2f; same rows and total: %s\n",
          service, static_cast<long long>(streamed), static_cast<long long>(messages),
          verified ? "the version's SHA-256" : "NOT the version's SHA-256",
          no_size ? -1LL : static_cast<long long>(zip_size), written.ok() ? "" : ", NOT written", rss_before, rss_after,
          client_before, client_after, by_sql, service / by_sql,
          streamed == by_hand && streamed_ytd == by_hand_ytd ? "yes" : "NO");
    }
    std::printf("saima-stats peak RSS after the national reports and the package: %ld KiB\n", PeakRssKb(stats));
  }
  child.Terminate(10);
  return 0;
}
