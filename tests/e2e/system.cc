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
#include "nlohmann/json.hpp"
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

System::System(std::vector<std::string> gateway_flags, bool with_nginx) {
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
  // One account per role used, made with the operator's command; tokens come from signing in (token()).
  users_ = {{"admin", "admin-1"},         {"unit", "staff-1"},          {"leader", "leader-1"},
            {"dept", "dept-1"},           {"stats", "tjj-1"},           {"other_unit", "staff-2"},
            {"judge_town", "judge-town"}, {"judge_city", "judge-city"}, {"judge_dept", "judge-dept"},
            {"root", "root-1"},           {"other_dept", "dept-2"}};
  {
    std::ofstream file(dir_ + "/users.tsv");
    file << "admin-1\tadmin\t\t管理员\t" << Password("admin-1") << "\n"
         << "staff-1\tunit_staff\t331181001\t龙渊街道填报员\t" << Password("staff-1") << "\n"
         << "leader-1\tleader\t\t市领导\t" << Password("leader-1") << "\n"
         << "dept-1\tdept_reviewer\tD01\t发改局审核员\t" << Password("dept-1") << "\n"
         << "tjj-1\tstats_officer\t\t统计局\t" << Password("tjj-1") << "\n"
         << "staff-2\tunit_staff\t331181100\t八都镇填报员\t" << Password("staff-2") << "\n"
         << "judge-town\tjudge\t331181100\t八都镇党委书记\t" << Password("judge-town") << "\n"
         << "judge-city\tjudge\t\t副市长\t" << Password("judge-city") << "\n"
         << "judge-dept\tjudge\tD01\t发改局局长\t" << Password("judge-dept") << "\n"
         << "root-1\tsysadmin\t\t系统管理员\t" << Password("root-1") << "\n"
         << "dept-2\tdept_reviewer\tD02\t经信局审核员\t" << Password("dept-2") << "\n";
  }
  if (Run(absl::StrCat(SAIMA_REGISTRY_BIN, " add-users ", dir_, "/users.tsv --db_url=", pg.Url("registry"), " 2>>",
                       dir_, "/migrate.log")) != 0) {
    std::fprintf(stderr, "add-users failed; see %s/migrate.log\n", dir_.c_str());
    std::abort();
  }
  // Mutual TLS between the processes, as deployed; "intruder" is a certificate of the same CA for a process that is
  // not one of Saima's.
  if (Run(absl::StrCat("bash ", SAIMA_SOURCE_DIR, "/deploy/tls/make-certs.sh ", dir_, "/tls intruder",
                       with_nginx ? " nginx" : "")) != 0) {
    std::fprintf(stderr, "make-certs.sh failed\n");
    std::abort();
  }
  auto tls = [this](const std::string& name) {
    return std::vector<std::string>{absl::StrCat("--tls_ca=", dir_, "/tls/ca.crt"),
                                    absl::StrCat("--tls_cert=", dir_, "/tls/", name, ".crt"),
                                    absl::StrCat("--tls_key=", dir_, "/tls/", name, ".key")};
  };
  const int registry = FreePort(), stats = FreePort(), scoring = FreePort();
  registry_port_ = registry;
  gateway_port_ = FreePort();
  http_port_ = FreePort();
  auto add = [this, &tls](const std::string& name, std::vector<std::string> argv) {
    for (std::string& flag : tls(name)) argv.push_back(std::move(flag));
    processes_[name] = new ChildProcess(name, std::move(argv), absl::StrCat(dir_, "/", name, ".log"));
    processes_[name]->Start();
  };
  add("registry",
      {SAIMA_REGISTRY_BIN, absl::StrCat("--listen=127.0.0.1:", registry), absl::StrCat("--db_url=", pg.Url("registry")),
       "--db_pool_size=4", absl::StrCat("--signing_key_file=", dir_, "/tls/token-signing.key"),
       absl::StrCat("--stats_addr=127.0.0.1:", stats)});
  std::vector<std::string> stats_argv = {SAIMA_STATS_BIN, absl::StrCat("--listen=127.0.0.1:", stats),
                                         absl::StrCat("--db_url=", pg.Url("stats")), "--db_pool_size=2",
                                         absl::StrCat("--registry_addr=127.0.0.1:", registry)};
  // On a formation (failover_test) stats reads its reports from the standby, as in the province overlay.
  if (pg.formation()) {
    stats_metrics_port_ = FreePort();
    stats_argv.push_back(absl::StrCat("--db_read_url=", pg.ReadUrl("stats")));
    stats_argv.push_back(absl::StrCat("--metrics_listen=127.0.0.1:", stats_metrics_port_));
  }
  add("stats", std::move(stats_argv));
  add("scoring",
      {SAIMA_SCORING_BIN, absl::StrCat("--listen=127.0.0.1:", scoring), absl::StrCat("--db_url=", pg.Url("scoring")),
       "--db_pool_size=2", absl::StrCat("--registry_addr=127.0.0.1:", registry),
       absl::StrCat("--stats_addr=127.0.0.1:", stats)});
  std::vector<std::string> gateway = {
      SAIMA_GATEWAY_BIN, absl::StrCat("--listen=127.0.0.1:", gateway_port_),
      absl::StrCat("--http_listen=127.0.0.1:", http_port_), absl::StrCat("--registry_addr=127.0.0.1:", registry),
      absl::StrCat("--stats_addr=127.0.0.1:", stats), absl::StrCat("--scoring_addr=127.0.0.1:", scoring),
      // Load tests drive one token hard; the limits are tested on their own (auth_e2e_test).
      "--rate_limit_per_second=100000", "--rate_limit_burst=100000",
      // The tests play clients at other addresses through X-Real-IP, as nginx in front would say them.
      "--trusted_proxies=127.0.0.1", "--region_code=331181", "--region_name=龙泉市", "--region_name_en=Longquan"};
  gateway.insert(gateway.end(), gateway_flags.begin(), gateway_flags.end());  // later flags win
  add("gateway", std::move(gateway));
  if (with_nginx) {
    // The same configuration as the demo's (deploy/nginx/render.sh), in the foreground, run by this process.
    nginx_https_port_ = FreePort();
    const std::string run = dir_ + "/nginx";
    if (Run(absl::StrCat("chmod 711 ", dir_, " && bash ", SAIMA_SOURCE_DIR, "/deploy/nginx/render.sh ", dir_,
                         "/nginx.conf ", run, " 127.0.0.1:", nginx_https_port_, " 127.0.0.1:", FreePort(), " ", dir_,
                         "/tls/nginx.crt ", dir_, "/tls/nginx.key 127.0.0.1:", http_port_,
                         " 127.0.0.1:", gateway_port_)) != 0) {
      std::fprintf(stderr, "nginx configuration failed\n");
      std::abort();
    }
    processes_["nginx"] = new ChildProcess(
        "nginx", {"/usr/sbin/nginx", "-g", "daemon off;", "-e", run + "/error.log", "-c", dir_ + "/nginx.conf"},
        dir_ + "/nginx.log");
    processes_["nginx"]->Start();
  }
}

System::~System() {
  // nginx's workers outlive a SIGKILLed master: it is asked to stop (SIGTERM stops them too).
  if (auto it = processes_.find("nginx"); it != processes_.end()) it->second->Terminate(5);
  for (auto& [name, process] : processes_) delete process;
  if (std::getenv("SAIMA_KEEP_E2E_LOGS") == nullptr) Run("rm -rf " + dir_);
}

std::string System::Password(const std::string& user_id) { return user_id + "-password-e2e"; }

std::string System::token(const std::string& user) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto cached = tokens_.find(user);
  if (cached != tokens_.end()) return cached->second;
  const std::string user_id = users_.at(user);
  // Signs in over HTTP, retrying while the system starts (or restarts under a fault test).
  std::string last;  // what the last try got, said when every try failed
  for (int i = 0; i < 300; ++i) {
    httplib::Client client("127.0.0.1", http_port_);
    client.set_connection_timeout(1);
    const nlohmann::json body = {{"userId", user_id}, {"password", Password(user_id)}};
    auto res = client.Post("/v1/auth/sign-in", body.dump(), "application/json");
    if (res && res->status == 200) {
      const std::string token = nlohmann::json::parse(res->body)["tokens"]["accessToken"];
      tokens_[user] = token;
      return token;
    }
    last = res ? absl::StrCat("HTTP ", res->status, " ", res->body.substr(0, 500))
               : absl::StrCat("no answer: ", httplib::to_string(res.error()));
    if (res && res->status == 401) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  std::fprintf(stderr, "cannot sign in as %s (last try: %s)\n%s\n", user_id.c_str(), last.c_str(),
               LogTails(20).c_str());
  std::abort();
}

std::string System::LogTails(int lines) const {
  std::string out;
  for (const char* name : {"migrate", "registry", "stats", "scoring", "gateway", "nginx"}) {
    std::ifstream in(absl::StrCat(dir_, "/", name, ".log"));
    if (!in) continue;
    std::vector<std::string> tail;
    // A sanitizer's report is longer than a tail: its first lines (what, where) are kept whole.
    std::vector<std::string> report;
    for (std::string line; std::getline(in, line);) {
      if (report.empty() ? line.find("ERROR: AddressSanitizer") != std::string::npos ||
                               line.find("ERROR: LeakSanitizer") != std::string::npos ||
                               line.find("runtime error:") != std::string::npos
                         : report.size() < 60) {
        report.push_back(line);
      }
      tail.push_back(line);
      if (static_cast<int>(tail.size()) > lines) tail.erase(tail.begin());
    }
    absl::StrAppend(&out, "--- ", name, ".log\n");
    if (!report.empty()) {
      absl::StrAppend(&out, "(the sanitizer's report)\n");
      for (const auto& line : report) absl::StrAppend(&out, line, "\n");
      absl::StrAppend(&out, "(the log's end)\n");
    }
    for (const auto& line : tail) absl::StrAppend(&out, line, "\n");
  }
  return out;
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
