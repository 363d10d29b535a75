#ifndef SAIMA_TESTS_E2E_SYSTEM_H_
#define SAIMA_TESTS_E2E_SYSTEM_H_

// The whole system for end-to-end tests: PostgreSQL (tests/pg_harness.h), the three services and the gateway
// as child processes on free loopback ports, and one account per role used.

#include <sys/types.h>

#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace saima::testing {

class ChildProcess {
 public:
  ChildProcess(std::string name, std::vector<std::string> argv, std::string log_path);
  ~ChildProcess();
  void Start();
  // SIGKILL, then reap.
  void Kill();
  // SIGTERM; returns the exit status, or -1 if it did not exit within `seconds`.
  int Terminate(int seconds);
  bool running() const { return pid_ > 0; }
  // The command line, to start the process again with other flags (a key rotation).
  const std::vector<std::string>& argv() const { return argv_; }
  void set_argv(std::vector<std::string> argv) { argv_ = std::move(argv); }
  pid_t pid() const { return pid_; }

 private:
  std::string name_;
  std::vector<std::string> argv_;
  std::string log_path_;
  pid_t pid_ = -1;
};

class System {
 public:
  // `gateway_flags` are added to the gateway's command line (e.g. lower rate limits).
  // `with_nginx`: nginx in front as deployed (deploy/nginx), at nginx_https_port() with the project CA's certificate.
  explicit System(std::vector<std::string> gateway_flags = {}, bool with_nginx = false);
  ~System();

  std::string gateway_grpc() const { return "127.0.0.1:" + std::to_string(gateway_port_); }
  int http_port() const { return http_port_; }
  // On a formation: stats' Prometheus metrics port (its replica and primary read counters); 0 otherwise.
  int stats_metrics_port() const { return stats_metrics_port_; }
  // nginx's HTTPS port (with_nginx); its certificate is signed by tls_dir()/ca.crt.
  int nginx_https_port() const { return nginx_https_port_; }
  std::string registry_address() const { return "127.0.0.1:" + std::to_string(registry_port_); }
  ChildProcess& process(const std::string& name) { return *processes_.at(name); }
  std::string log_dir() const { return dir_; }
  // The project CA and the processes' certificates (deploy/tls/make-certs.sh), plus "intruder": same CA, not Saima.
  std::string tls_dir() const { return dir_ + "/tls"; }

  // Tokens: "admin", "unit" (staff of 331181001), "other_unit" (staff of 331181100), "leader", "dept" (reviewer
  // of D01), "other_dept" (reviewer of D02), "stats" (statistics bureau), judges "judge_town" (of 331181100),
  // "judge_city" (no unit), "judge_dept" (of D01).
  // An access token of the user, signed in on first use (the e2e accounts are in system.cc; "root" is a system
  // administrator).
  std::string token(const std::string& user) const;
  // The password of an e2e account.
  static std::string Password(const std::string& user_id);
  // The user id of a fixture user ("unit" → "staff-1").
  std::string user_id(const std::string& user) const { return users_.at(user); }

  // Waits until GET /healthz answers 200 or `seconds` pass.
  bool WaitHealthy(int seconds);
  // The last `lines` lines of every process's log, for a failure's message (the logs go with the System).
  std::string LogTails(int lines = 15) const;

 private:
  std::string dir_;
  int gateway_port_ = 0;
  int http_port_ = 0;
  int stats_metrics_port_ = 0;
  int nginx_https_port_ = 0;
  int registry_port_ = 0;
  std::map<std::string, std::string> users_;  // fixture name → user id
  mutable std::mutex mu_;
  mutable std::map<std::string, std::string> tokens_;
  std::map<std::string, ChildProcess*> processes_;
};

}  // namespace saima::testing

#endif  // SAIMA_TESTS_E2E_SYSTEM_H_
