#ifndef SAIMA_COMMON_SERVICE_MAIN_H_
#define SAIMA_COMMON_SERVICE_MAIN_H_

// main() of a database-backed service (registry, stats, scoring):
//   <binary> [--listen=...] [--db_url=...] [--migrate_on_start]   serve
//   <binary> migrate                                               apply migrations and exit
// Flags may be set from SAIMA_* environment variables.

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/audit.h"
#include "common/embedded.h"
#include "common/pg.h"
#include "grpcpp/grpcpp.h"

namespace saima {

struct ServiceSpec {
  std::string binary_name;     // e.g. "saima-registry"
  std::string schema;          // its database schema, e.g. "registry"
  std::string default_listen;  // e.g. "127.0.0.1:50051"
  const EmbeddedFile* migrations;
  std::vector<NamedStatement> statements;
  // The full names of the gRPC services make_services returns (listed by reflection, each with its health).
  std::vector<std::string> service_names;
  // Builds the gRPC services over the pool; the returned objects live until shutdown.
  std::function<std::vector<std::shared_ptr<grpc::Service>>(PgPool&)> make_services;
  // What `audit verify` checks beyond the chain (common/audit.h); may be empty.
  AuditCoverageCheck audit_coverage;
  // With --db_read_url: the table where every process of the service shares its callers' write positions
  // (PgPool::SetReplica); empty: each process knows only its own.
  std::string write_positions_table;
  // Before serving: a description of what is wrong with the flags, or empty.
  std::function<std::string()> check_flags;
  // Whether requests of this service build and free hundreds of megabytes at a time (an import of a million
  // rows, a whole country's package): the freed memory is then kept for the next one instead of being handed back
  // to the kernel and faulted in again page by page (a third of an import's CPU when it was), in at most two
  // malloc arenas so that what is kept is at most two requests' worth.
  bool bulk_requests = false;
  // Further commands ("<binary> NAME ARGS..."), run against the database and returning the exit status.
  std::map<std::string, std::function<int(const std::vector<std::string>& args, PgPool& pool)>> commands;
};

int ServiceMain(int argc, char** argv, const ServiceSpec& spec);

}  // namespace saima

#endif  // SAIMA_COMMON_SERVICE_MAIN_H_
