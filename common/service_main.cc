#include "common/service_main.h"

#include <malloc.h>

#include <cstring>

#include "absl/flags/flag.h"
#include "common/audit.h"
#include "common/flags.h"
#include "common/ops.h"
#include "common/server.h"
#include "common/tls.h"
#include "spdlog/spdlog.h"

ABSL_FLAG(std::string, listen, "", "gRPC listen address host:port (default: the service's own)");
ABSL_FLAG(std::string, db_url, "postgresql:///saima", "PostgreSQL connection URL of this service's role");
ABSL_FLAG(std::string, db_read_url, "",
          "PostgreSQL URL of a streaming replica for reads that may lag a moment (reports); a caller's reads after "
          "its own write wait for the replica to replay it or go to the primary. Empty: every read on db_url");
ABSL_FLAG(int, db_pool_size, 8, "database connections; the server runs at most 4 threads per connection");
ABSL_FLAG(bool, migrate_on_start, false, "apply migrations before serving");

namespace saima {

int ServiceMain(int argc, char** argv, const ServiceSpec& spec) {
  if (spec.bulk_requests) {
    // Before any thread has its own arena. Blocks of 32 MiB and more still come from and go back to mmap.
    mallopt(M_ARENA_MAX, 2);
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
    mallopt(M_TRIM_THRESHOLD, 1 << 30);
  }
  std::vector<char*> args = ParseFlags(argc, argv, spec.binary_name + " [migrate|healthcheck]");
  InitLogging(spec.binary_name);
  const std::string listen = absl::GetFlag(FLAGS_listen).empty() ? spec.default_listen : absl::GetFlag(FLAGS_listen);
  if (args.size() > 1 && std::strcmp(args[1], "healthcheck") == 0) return HealthcheckMain(listen);
  LogConfiguration(spec.binary_name);
  const std::string db_url = absl::GetFlag(FLAGS_db_url);
  const bool migrate_only = args.size() > 1 && std::strcmp(args[1], "migrate") == 0;
  if (args.size() > 1 && !migrate_only) {
    auto command = spec.commands.find(args[1]);
    if (command == spec.commands.end()) {
      spdlog::error("unknown command '{}'; the commands are 'migrate', 'healthcheck'{}", args[1],
                    spec.commands.empty() ? "" : " and the service's own");
      return 2;
    }
    PgPool pool(db_url, 1, spec.statements);
    return command->second(std::vector<std::string>(args.begin() + 2, args.end()), pool);
  }
  if (migrate_only || absl::GetFlag(FLAGS_migrate_on_start)) {
    absl::Status migrated = Migrate(db_url, spec.schema, spec.migrations);
    if (!migrated.ok()) {
      spdlog::error("migration failed: {}", migrated.ToString());
      return 1;
    }
    if (migrate_only) return 0;
  }
  if (absl::Status secure = CheckTransportSecurity(); !secure.ok()) {
    spdlog::error("{}", std::string(secure.message()));
    return 2;
  }
  if (spec.check_flags) {
    if (const std::string problem = spec.check_flags(); !problem.empty()) {
      spdlog::error("{}", problem);
      return 2;
    }
  }
  const int pool_size = absl::GetFlag(FLAGS_db_pool_size);
  PgPool pool(db_url, pool_size, spec.statements);
  if (!absl::GetFlag(FLAGS_db_read_url).empty()) {
    pool.SetReplica(std::make_unique<PgPool>(absl::GetFlag(FLAGS_db_read_url), pool_size, spec.statements),
                    spec.write_positions_table);
    spdlog::info("reads that may lag go to the replica at db_read_url");
  }
  auto services = spec.make_services(pool);
  services.push_back(MakeAuditService(pool, spec.schema, spec.audit_coverage));
  std::vector<grpc::Service*> raw;
  for (const auto& s : services) raw.push_back(s.get());
  ServerOptions options;
  options.binary_name = spec.binary_name;
  options.listen_address = listen;
  options.max_threads = pool_size * 4 + 4;
  options.service_names = spec.service_names;
  options.service_names.push_back("saima.audit.v1.AuditService");
  options.readiness_probe = [&pool] {
    NamedGauge("saima_db_pool_size", "database connections of the pool").Set(pool.size());
    NamedGauge("saima_db_pool_in_use", "database connections leased now").Set(pool.in_use());
    return pool.Ping();
  };
  auto server = StartServer(options, raw);
  if (!server.ok()) {
    spdlog::error("{}", server.status().ToString());
    return 1;
  }
  (*server)->WaitForShutdownSignal();
  return 0;
}

}  // namespace saima
