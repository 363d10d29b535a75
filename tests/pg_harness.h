#ifndef SAIMA_TESTS_PG_HARNESS_H_
#define SAIMA_TESTS_PG_HARNESS_H_

// A real PostgreSQL for integration and end-to-end tests, in a temporary folder on a free loopback port,
// with the services' roles and schemas (deploy/sql/roles.sql). Started as the `postgres` user when the tests
// run as root, since PostgreSQL refuses to run as root. Stopped and deleted when destroyed.
//
// With SAIMA_TEST_PG=auto_failover, Shared() is instead a pg_auto_failover formation (Debian's
// postgresql-15-auto-failover): a monitor, a primary and a synchronous secondary, each run by its pg_autoctl
// keeper; Url() then names both nodes with target_session_attrs=read-write (libpq finds the primary), and Kill()
// kills the primary's whole node (keeper, postmaster and its processes) so that the monitor promotes the
// secondary.

#include <memory>
#include <string>
#include <vector>

namespace saima::testing {

class PgHarness {
 public:
  // Starts a server; aborts the test binary with a message when it cannot.
  PgHarness();
  ~PgHarness();

  // URL for a service role ("registry", "stats", "scoring") or "postgres" for the superuser.
  std::string Url(const std::string& role) const;
  int port() const { return port_; }
  // Stops and starts the server on the same port (for fault tests).
  void Stop();
  void Start();
  // SIGKILL to the postmaster, then (as systemd's KillMode would) to the processes it had started; waits until they
  // are gone. Start() brings it back through crash recovery.
  void Kill();

  // A process-wide instance started on first use.
  static PgHarness& Shared();

  // The formation's mode (SAIMA_TEST_PG=auto_failover).
  bool formation() const { return !node_ports_.empty(); }
  // The port of the node that accepts writes now, or 0 (formation only).
  int PrimaryPort() const;
  // Formation only: both nodes for reads that may lag, preferring the standby (target_session_attrs=prefer-standby);
  // empty otherwise.
  std::string ReadUrl(const std::string& role) const;
  // The monitor's view of the formation (pg_autoctl show state), for the test's log.
  void PrintState() const;

 private:
  struct Formation {};
  explicit PgHarness(Formation);
  std::string dir_;
  int port_ = 0;
  std::vector<int> node_ports_;  // formation: the two nodes
};

// Runs a shell command, returning its exit status.
int Run(const std::string& command);

// A free TCP port on 127.0.0.1.
int FreePort();

}  // namespace saima::testing

#endif  // SAIMA_TESTS_PG_HARNESS_H_
