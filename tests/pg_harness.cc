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

#include "absl/strings/str_cat.h"

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

}  // namespace

int Run(const std::string& command) { return std::system(command.c_str()); }

int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
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
  std::ifstream roles(SAIMA_SOURCE_DIR "/deploy/sql/roles.sql");
  std::stringstream sql;
  sql << roles.rdbuf();
  try {
    pqxx::connection admin(Url("postgres"));
    pqxx::nontransaction txn(admin);
    txn.exec(sql.str());
  } catch (const std::exception& e) {
    Die(absl::StrCat("roles.sql failed: ", e.what()));
  }
}

PgHarness::~PgHarness() {
  Stop();
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
  if (role == "postgres_db") return absl::StrCat("postgresql://postgres@127.0.0.1:", port_, "/postgres");
  const std::string user = role == "postgres" ? "postgres" : "saima_" + role;
  return absl::StrCat("postgresql://", user, "@127.0.0.1:", port_, "/saima");
}

PgHarness& PgHarness::Shared() {
  static PgHarness* harness = new PgHarness();
  static const bool cleanup = (std::atexit([] { delete harness; }), true);
  (void)cleanup;
  return *harness;
}

}  // namespace saima::testing
