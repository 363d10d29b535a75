#include "tests/pg_harness.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <pqxx/pqxx>
#include <sstream>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"

namespace saima::testing {
namespace {

std::string PgBinDir() {
  FILE* pipe = popen("ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1", "r");
  char buffer[512] = {0};
  std::string out;
  if (pipe && fgets(buffer, sizeof buffer, pipe)) out = buffer;
  if (pipe) pclose(pipe);
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out;
}

std::string AsPostgres(const std::string& command) {
  return getuid() == 0 ? absl::StrCat("runuser -u postgres -- ", command) : command;
}

[[noreturn]] void Die(const std::string& message) {
  std::fprintf(stderr, "PgHarness: %s\n", message.c_str());
  std::abort();
}

// The services' roles and schemas (deploy/sql/roles.sql), as the superuser at `url`.
void ApplyRoles(const std::string& url) {
  std::ifstream roles(SAIMA_SOURCE_DIR "/deploy/sql/roles.sql");
  std::stringstream sql;
  sql << roles.rdbuf();
  try {
    pqxx::connection admin(url);
    pqxx::nontransaction txn(admin);
    txn.exec(sql.str());
  } catch (const std::exception& e) {
    Die(absl::StrCat("roles.sql failed: ", e.what()));
  }
}

}  // namespace

int Run(const std::string& command) { return std::system(command.c_str()); }

int FreePort() {
  // The kernel may hand out a port it handed out a moment ago and that was closed since: two services of one test
  // would then be given the same address. Each port is given at most once per process.
  static absl::Mutex mu(absl::kConstInit);
  static auto* given = new absl::flat_hash_set<int>;
  absl::MutexLock lock(&mu);
  for (;;) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    socklen_t len = sizeof addr;
    getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    close(fd);
    const int port = ntohs(addr.sin_port);
    if (given->insert(port).second) return port;
  }
}

PgHarness::PgHarness() {
  char tmpl[] = "/tmp/saima-pg-XXXXXX";
  if (mkdtemp(tmpl) == nullptr) Die("cannot create a temporary folder");
  dir_ = tmpl;
  if (getuid() == 0 && Run(absl::StrCat("chown postgres:postgres ", dir_)) != 0) Die("cannot chown to postgres");
  const std::string bin = PgBinDir();
  if (bin.empty()) Die("PostgreSQL server binaries not found under /usr/lib/postgresql");
  if (Run(AsPostgres(absl::StrCat(bin, "/initdb -D ", dir_, "/data -U postgres --auth=trust -E UTF8 --no-locale ", ">",
                                  dir_, "/initdb.log 2>&1"))) != 0) {
    Die(absl::StrCat("initdb failed; see ", dir_, "/initdb.log"));
  }
  port_ = FreePort();
  Start();
  try {
    pqxx::connection admin(Url("postgres_db"));
    pqxx::nontransaction txn(admin);
    txn.exec("CREATE DATABASE saima");
  } catch (const std::exception& e) {
    Die(absl::StrCat("cannot create database: ", e.what()));
  }
  ApplyRoles(Url("postgres"));
}

namespace {

std::string Autoctl(const std::string& args) {
  return AsPostgres(absl::StrCat("env PATH=", PgBinDir(), ":/usr/bin:/bin pg_autoctl ", args));
}

// The node's answer to SELECT pg_is_in_recovery(): "f" (primary), "t" (standby), "" (down).
std::string Recovery(int port) {
  try {
    pqxx::connection c(absl::StrCat("postgresql://postgres@127.0.0.1:", port, "/saima?connect_timeout=2"));
    pqxx::nontransaction txn(c);
    return txn.exec1("SELECT pg_is_in_recovery()")[0].as<bool>() ? "t" : "f";
  } catch (const std::exception&) {
    return "";
  }
}

}  // namespace

PgHarness::PgHarness(Formation) {
  char tmpl[] = "/tmp/saima-paf-XXXXXX";
  if (mkdtemp(tmpl) == nullptr) Die("cannot create a temporary folder");
  dir_ = tmpl;
  if (getuid() == 0 && Run(absl::StrCat("chown postgres:postgres ", dir_)) != 0) Die("cannot chown to postgres");
  if (Run("command -v pg_autoctl >/dev/null") != 0) Die("pg_autoctl not found (Debian: postgresql-15-auto-failover)");
  port_ = FreePort();  // the monitor
  const std::string common = "--hostname 127.0.0.1 --auth trust --no-ssl";
  if (Run(Autoctl(absl::StrCat("create monitor --pgdata ", dir_, "/monitor --pgport ", port_, " ", common, " > ", dir_,
                               "/monitor.log 2>&1"))) != 0) {
    Die(absl::StrCat("pg_autoctl create monitor failed; see ", dir_, "/monitor.log"));
  }
  Run(absl::StrCat("setsid ", Autoctl(absl::StrCat("run --pgdata ", dir_, "/monitor")), " >> ", dir_,
                   "/monitor.log 2>&1 & echo $! > ", dir_, "/monitor.sid"));
  // A test's failover in seconds, not the production defaults' minute: health checks every second, a node
  // unhealthy after 3 s without an answer, and the old primary taken as demoted 5 s later.
  for (int i = 0; i < 100; ++i) {
    try {
      pqxx::connection c(absl::StrCat("postgresql://postgres@127.0.0.1:", port_, "/pg_auto_failover"));
      pqxx::nontransaction txn(c);
      for (const char* setting : {"health_check_period = 1000", "health_check_timeout = 1000",
                                  "health_check_max_retries = 1", "health_check_retry_delay = 500",
                                  "node_considered_unhealthy_timeout = 3000", "primary_demote_timeout = 5000"}) {
        txn.exec(absl::StrCat("ALTER SYSTEM SET pgautofailover.", setting));
      }
      txn.exec("SELECT pg_reload_conf()");
      break;
    } catch (const std::exception& e) {
      if (i == 99) Die(absl::StrCat("cannot configure the monitor: ", e.what()));
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
  }
  const std::string monitor =
      absl::StrCat("postgres://autoctl_node@127.0.0.1:", port_, "/pg_auto_failover?sslmode=disable");
  for (int n = 1; n <= 2; ++n) {
    const int port = FreePort();
    node_ports_.push_back(port);
    // The nodes come up one after the other: the first is the primary, the second its synchronous standby. Each
    // node's keeper runs in a session of its own (its id in nodeN.sid), so that Kill() takes all of it: the keeper's
    // services rename themselves ("pg_autoctl: node active") and would otherwise outlive a kill by name.
    Run(absl::StrCat(
        "setsid ",
        Autoctl(absl::StrCat("create postgres --pgdata ", dir_, "/node", n, " --pgport ", port, " --name node", n,
                             " --dbname saima ", common, " --monitor '", monitor, "' --run")),
        " > ", dir_, "/node", n, ".log 2>&1 & echo $! > ", dir_, "/node", n, ".sid"));
    const std::string want = n == 1 ? "f" : "t";
    bool up = false;
    for (int i = 0; i < 600 && !up; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      up = Recovery(port) == want;
      // The standby's base backup waits for a checkpoint: ask for one instead of waiting for the next.
      if (n == 2 && i % 10 == 9) {
        Run(AsPostgres(absl::StrCat(PgBinDir(), "/psql -q -h 127.0.0.1 -p ", node_ports_[0],
                                    " -d saima -c CHECKPOINT >/dev/null 2>&1")));
      }
    }
    if (!up) Die(absl::StrCat("node", n, " did not come up; see ", dir_, "/node", n, ".log"));
  }
  // The secondary is synchronous once the monitor says so (synchronous_standby_names set on the primary).
  for (int i = 0; i < 300; ++i) {
    try {
      pqxx::connection c(absl::StrCat("postgresql://postgres@127.0.0.1:", node_ports_[0], "/saima"));
      pqxx::nontransaction txn(c);
      if (!txn.exec1("SHOW synchronous_standby_names")[0].as<std::string>().empty()) break;
    } catch (const std::exception&) {
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  ApplyRoles(Url("postgres"));
}

int PgHarness::PrimaryPort() const {
  for (int port : node_ports_) {
    if (Recovery(port) == "f") return port;
  }
  return 0;
}

void PgHarness::PrintState() const { Run(Autoctl(absl::StrCat("show state --pgdata ", dir_, "/monitor 2>&1"))); }

PgHarness::~PgHarness() {
  if (formation()) {
    for (const std::string part : {"node1", "node2", "monitor"}) {
      // Each postmaster's children first: they rename themselves ("postgres: pg_auto_failover monitor: logger"),
      // and one left in another session outlives the pkill by session or by folder below.
      std::ifstream pid_file(absl::StrCat(dir_, "/", part, "/postmaster.pid"));
      pid_t postmaster = 0;
      if (pid_file >> postmaster && postmaster > 0) Run(absl::StrCat("pkill -9 -P ", postmaster, " ; true"));
      std::ifstream sid_file(absl::StrCat(dir_, "/", part, ".sid"));
      pid_t sid = 0;
      if (sid_file >> sid && sid > 0) Run(absl::StrCat("pkill -9 -s ", sid, " ; true"));
    }
    Run(absl::StrCat("pkill -9 -f 'pg_autoctl.*", dir_, "' ; pkill -9 -f 'postgres.*", dir_, "' ; sleep 0.5"));
  } else {
    Stop();
  }
  Run(absl::StrCat("rm -rf ", dir_));
}

void PgHarness::Start() {
  const std::string bin = PgBinDir();
  if (Run(AsPostgres(absl::StrCat(bin, "/pg_ctl -D ", dir_, "/data -l ", dir_, "/postgres.log -w -t 60 -o \"-p ", port_,
                                  " -k ", dir_, " -c listen_addresses=127.0.0.1 -c fsync=off\" start",
                                  " >/dev/null"))) != 0) {
    Die(absl::StrCat("pg_ctl start failed; see ", dir_, "/postgres.log"));
  }
}

void PgHarness::Stop() {
  Run(AsPostgres(absl::StrCat(PgBinDir(), "/pg_ctl -D ", dir_, "/data -m immediate -w stop >/dev/null 2>&1")));
}

void PgHarness::Kill() {
  if (formation()) {
    // The primary's node dies whole: its keeper (which would otherwise restart PostgreSQL at once), then the
    // postmaster and every process of that data folder.
    const int primary = PrimaryPort();
    for (size_t i = 0; i < node_ports_.size(); ++i) {
      if (node_ports_[i] != primary) continue;
      const std::string node = absl::StrCat(dir_, "/node", i + 1);
      std::ifstream sid_file(node + ".sid");
      pid_t sid = 0;
      std::ifstream pid_file(node + "/postmaster.pid");
      pid_t postmaster = 0;
      pid_file >> postmaster;
      if (sid_file >> sid && sid > 0) Run(absl::StrCat("pkill -9 -s ", sid, " ; true"));
      if (postmaster > 0) kill(postmaster, SIGKILL);
      Run(absl::StrCat("pkill -9 -f 'postgres.*", node, "( |$)' ; true"));
    }
    return;
  }
  std::ifstream pid_file(dir_ + "/data/postmaster.pid");
  pid_t postmaster = 0;
  if (!(pid_file >> postmaster) || postmaster <= 0) return;
  // Its children, found before it dies (they are orphaned then).
  std::vector<pid_t> children;
  std::ifstream list(absl::StrCat("/proc/", postmaster, "/task/", postmaster, "/children"));
  for (pid_t child; list >> child;) children.push_back(child);
  kill(postmaster, SIGKILL);
  for (pid_t child : children) kill(child, SIGKILL);
  // Gone, or dead and waiting to be reaped by an init that may never do it (containers): either way it holds
  // nothing any more.
  auto alive = [](pid_t pid) {
    std::ifstream stat(absl::StrCat("/proc/", pid, "/stat"));
    std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
    const auto close = text.rfind(')');
    return close != std::string::npos && close + 2 < text.size() && text[close + 2] != 'Z';
  };
  for (int i = 0; i < 200; ++i) {
    bool any = alive(postmaster);
    for (pid_t child : children) any = any || alive(child);
    if (!any) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  // The lock files name the dead postmaster; PostgreSQL would take a zombie for a live one and refuse to start.
  std::remove((dir_ + "/data/postmaster.pid").c_str());
  std::remove(absl::StrCat(dir_, "/.s.PGSQL.", port_, ".lock").c_str());
  std::remove(absl::StrCat(dir_, "/.s.PGSQL.", port_).c_str());
}

std::string PgHarness::Url(const std::string& role) const {
  const std::string user = role == "postgres" || role == "postgres_db" ? "postgres" : "saima_" + role;
  if (formation()) {
    // Both nodes: libpq tries them in turn and keeps the one that accepts writes.
    return absl::StrCat("postgresql://", user, "@127.0.0.1:", node_ports_[0], ",127.0.0.1:", node_ports_[1],
                        role == "postgres_db" ? "/postgres" : "/saima",
                        "?target_session_attrs=read-write");  // one parameter: callers pass it through a shell
  }
  if (role == "postgres_db") return absl::StrCat("postgresql://postgres@127.0.0.1:", port_, "/postgres");
  return absl::StrCat("postgresql://", user, "@127.0.0.1:", port_, "/saima");
}

std::string PgHarness::ReadUrl(const std::string& role) const {
  if (!formation()) return "";
  const std::string user = role == "postgres" ? "postgres" : "saima_" + role;
  return absl::StrCat("postgresql://", user, "@127.0.0.1:", node_ports_[0], ",127.0.0.1:", node_ports_[1],
                      "/saima?target_session_attrs=prefer-standby");
}

PgHarness& PgHarness::Shared() {
  static PgHarness* harness = [] {
    const char* mode = std::getenv("SAIMA_TEST_PG");
    return mode != nullptr && std::string(mode) == "auto_failover" ? new PgHarness(Formation{}) : new PgHarness();
  }();
  static const bool cleanup = (std::atexit([] { delete harness; }), true);
  (void)cleanup;
  return *harness;
}

}  // namespace saima::testing
