#include "tests/e2e/system.h"

#include <fcntl.h>
#include <httplib.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "gateway/auth.h"
#include "tests/pg_harness.h"

namespace saima::testing {

ChildProcess::ChildProcess(std::string name, std::vector<std::string> argv, std::string log_path)
    : name_(std::move(name)), argv_(std::move(argv)), log_path_(std::move(log_path)) {}

ChildProcess::~ChildProcess() { Kill(); }

void ChildProcess::Start() {
  pid_ = fork();
  if (pid_ == 0) {
    int fd = open(log_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    dup2(fd, 1);
    dup2(fd, 2);
    std::vector<char*> args;
    for (auto& a : argv_) args.push_back(a.data());
    args.push_back(nullptr);
    execv(args[0], args.data());
    std::perror("execv");
    _exit(127);
  }
}

void ChildProcess::Kill() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

int ChildProcess::Terminate(int seconds) {
  if (pid_ <= 0) return -1;
  kill(pid_, SIGTERM);
  for (int i = 0; i < seconds * 20; ++i) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return -1;
}

System::System() {
  PgHarness& pg = PgHarness::Shared();
  char tmpl[] = "/tmp/saima-e2e-XXXXXX";
  dir_ = mkdtemp(tmpl);
  for (const char* service : {"registry", "stats", "scoring"}) {
    const std::string bin = std::string(service) == "registry" ? SAIMA_REGISTRY_BIN
                            : std::string(service) == "stats"  ? SAIMA_STATS_BIN
                                                               : SAIMA_SCORING_BIN;
    if (Run(absl::StrCat(bin, " migrate --db_url=", pg.Url(service), " 2>>", dir_, "/migrate.log")) != 0) {
      std::fprintf(stderr, "migration of %s failed; see %s/migrate.log\n", service, dir_.c_str());
      std::abort();
    }
  }
  tokens_ = {{"admin", "admin-token-e2e"},           {"unit", "unit-token-e2e"},
             {"leader", "leader-token-e2e"},         {"dept", "dept-token-e2e"},
             {"stats", "stats-token-e2e"},           {"other_unit", "other-unit-token-e2e"},
             {"judge_town", "judge-town-token-e2e"}, {"judge_city", "judge-city-token-e2e"},
             {"judge_dept", "judge-dept-token-e2e"}};
  {
    std::ofstream file(dir_ + "/tokens.tsv");
    file << gateway::Sha256Hex(tokens_["admin"]) << "\tadmin-1\tadmin\t\t管理员\n"
         << gateway::Sha256Hex(tokens_["unit"]) << "\tstaff-1\tunit_staff\t331181001\t龙渊街道填报员\n"
         << gateway::Sha256Hex(tokens_["leader"]) << "\tleader-1\tleader\t\t市领导\n"
         << gateway::Sha256Hex(tokens_["dept"]) << "\tdept-1\tdept_reviewer\tD01\t发改局审核员\n"
         << gateway::Sha256Hex(tokens_["stats"]) << "\ttjj-1\tstats_officer\t\t统计局\n"
         << gateway::Sha256Hex(tokens_["other_unit"]) << "\tstaff-2\tunit_staff\t331181100\t八都镇填报员\n"
         << gateway::Sha256Hex(tokens_["judge_town"]) << "\tjudge-town\tjudge\t331181100\t八都镇党委书记\n"
         << gateway::Sha256Hex(tokens_["judge_city"]) << "\tjudge-city\tjudge\t\t副市长\n"
         << gateway::Sha256Hex(tokens_["judge_dept"]) << "\tjudge-dept\tjudge\tD01\t发改局局长\n";
  }
  const int registry = FreePort(), stats = FreePort(), scoring = FreePort();
  gateway_port_ = FreePort();
  http_port_ = FreePort();
  auto add = [this](const std::string& name, std::vector<std::string> argv) {
    processes_[name] = new ChildProcess(name, std::move(argv), absl::StrCat(dir_, "/", name, ".log"));
    processes_[name]->Start();
  };
  add("registry", {SAIMA_REGISTRY_BIN, absl::StrCat("--listen=127.0.0.1:", registry),
                   absl::StrCat("--db_url=", pg.Url("registry")), "--db_pool_size=4"});
  add("stats", {SAIMA_STATS_BIN, absl::StrCat("--listen=127.0.0.1:", stats), absl::StrCat("--db_url=", pg.Url("stats")),
                "--db_pool_size=2", absl::StrCat("--registry_addr=127.0.0.1:", registry)});
  add("scoring",
      {SAIMA_SCORING_BIN, absl::StrCat("--listen=127.0.0.1:", scoring), absl::StrCat("--db_url=", pg.Url("scoring")),
       "--db_pool_size=2", absl::StrCat("--registry_addr=127.0.0.1:", registry),
       absl::StrCat("--stats_addr=127.0.0.1:", stats)});
  add("gateway",
      {SAIMA_GATEWAY_BIN, absl::StrCat("--listen=127.0.0.1:", gateway_port_),
       absl::StrCat("--http_listen=127.0.0.1:", http_port_), absl::StrCat("--registry_addr=127.0.0.1:", registry),
       absl::StrCat("--stats_addr=127.0.0.1:", stats), absl::StrCat("--scoring_addr=127.0.0.1:", scoring),
       absl::StrCat("--tokens_file=", dir_, "/tokens.tsv")});
}

System::~System() {
  for (auto& [name, process] : processes_) delete process;
  if (std::getenv("SAIMA_KEEP_E2E_LOGS") == nullptr) Run("rm -rf " + dir_);
}

bool System::WaitHealthy(int seconds) {
  httplib::Client client("127.0.0.1", http_port_);
  client.set_connection_timeout(1);
  for (int i = 0; i < seconds * 10; ++i) {
    auto res = client.Get("/healthz");
    if (res && res->status == 200) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

}  // namespace saima::testing
