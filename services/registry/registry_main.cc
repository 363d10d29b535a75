// saima-registry: units, projects, milestones, documents, 入库 applications and the change feed; and the
// dispatch records (problems, supervision orders, meeting decisions), whose orders it escalates on their dates.

#include <fstream>
#include <sstream>
#include <thread>

#include "absl/flags/flag.h"
#include "common/embedded.h"
#include "common/pg.h"
#include "common/service_main.h"
#include "services/registry/accounts.h"
#include "services/registry/dispatch.h"
#include "services/registry/dispatch_service.h"
#include "services/registry/dispatch_store.h"
#include "services/registry/pg_registry_store.h"
#include "services/registry/reference_data.h"
#include "services/registry/registry.h"
#include "services/registry/registry_service.h"
#include "spdlog/spdlog.h"

ABSL_FLAG(std::string, jwt_key_file, "",
          "file holding the HS256 key that signs access tokens (at least 32 bytes; required to serve)");
ABSL_FLAG(absl::Duration, access_token_ttl, absl::Minutes(15), "how long an access token is valid");
ABSL_FLAG(absl::Duration, refresh_token_ttl, absl::Hours(24 * 7), "how long a session lasts without a refresh");
ABSL_FLAG(int, max_failed_sign_ins, 5, "failed sign-ins in a row after which an account is locked");
ABSL_FLAG(absl::Duration, sign_in_lockout, absl::Minutes(15), "how long a locked account refuses sign-in");
ABSL_FLAG(std::string, bootstrap_accounts_file, "",
          "accounts created at start when missing (user_id, role, unit_id, name, password per line), e.g. the first "
          "system administrator of a new installation");
ABSL_FLAG(int, escalation_interval_seconds, 600,
          "how often open supervision orders are checked against their timetable dates (0: never)");

namespace saima {
extern const EmbeddedFile kRegistryMigrations[];
}

namespace {

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

saima::registry::AccountSettings AccountSettingsFromFlags() {
  saima::registry::AccountSettings settings;
  const std::string path = absl::GetFlag(FLAGS_jwt_key_file);
  settings.signing_key = path.empty() ? "" : ReadAll(path);
  settings.access_ttl = absl::GetFlag(FLAGS_access_token_ttl);
  settings.refresh_ttl = absl::GetFlag(FLAGS_refresh_token_ttl);
  settings.max_failed_sign_ins = absl::GetFlag(FLAGS_max_failed_sign_ins);
  settings.lockout = absl::GetFlag(FLAGS_sign_in_lockout);
  return settings;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace saima::registry;
  saima::ServiceSpec spec;
  spec.binary_name = "saima-registry";
  spec.schema = "registry";
  spec.default_listen = "127.0.0.1:50051";
  spec.migrations = saima::kRegistryMigrations;
  spec.statements = RegistryStatements();
  for (auto& s : DispatchStatements()) spec.statements.push_back(std::move(s));
  spec.make_services = [](saima::PgPool& pool) -> std::vector<std::shared_ptr<grpc::Service>> {
    // Owned by the lambdas' shared state for the life of the process.
    static PgRegistryStore* store = new PgRegistryStore(pool);
    static Registry* registry = new Registry(*store, ReferenceData::Embedded());
    static DispatchStore* dispatch_store = new DispatchStore(pool);
    static Dispatch* dispatch = new Dispatch(*dispatch_store, *store);
    static Accounts* accounts = new Accounts(pool, AccountSettingsFromFlags());
    if (const std::string path = absl::GetFlag(FLAGS_bootstrap_accounts_file); !path.empty()) {
      auto created = accounts->AddUsers(ReadAll(path), /*replace=*/false, absl::Now() + absl::Minutes(2));
      if (!created.ok()) {
        spdlog::error("bootstrap accounts: {}", created.status().ToString());
        std::exit(1);
      }
      spdlog::info("bootstrap accounts: {} created", *created);
    }
    if (const int interval = absl::GetFlag(FLAGS_escalation_interval_seconds); interval > 0) {
      // Orders escalate by themselves: the timetable dates are checked against today, each step recorded.
      std::thread([interval] {
        const saima::Caller system{"system:escalation", saima::kRoleSysadmin, ""};
        for (;;) {
          auto escalated = dispatch->EscalateOrders(system, {}, absl::Now() + absl::Seconds(30));
          if (!escalated.ok()) {
            spdlog::warn("escalation sweep failed: {}", escalated.status().ToString());
          } else if (escalated->escalated_size() > 0) {
            spdlog::info("escalation sweep: {} orders escalated", escalated->escalated_size());
          }
          std::this_thread::sleep_for(std::chrono::seconds(interval));
        }
      }).detach();
    }
    return {std::make_shared<RegistryService>(*registry), std::make_shared<DispatchService>(*dispatch),
            MakeAuthService(*accounts)};
  };
  spec.check_flags = [] {
    const std::string key = AccountSettingsFromFlags().signing_key;
    if (key.size() < 32) return std::string("--jwt_key_file must name a file of at least 32 bytes (the token key)");
    return std::string();
  };
  // saima-registry add-users FILE: accounts from a file (the first system administrator, or a batch).
  spec.commands["add-users"] = [](const std::vector<std::string>& args, saima::PgPool& pool) {
    if (args.size() != 1) {
      spdlog::error("usage: saima-registry add-users FILE (user_id, role, unit_id, name, password per line)");
      return 2;
    }
    Accounts accounts(pool, {});
    auto added = accounts.AddUsers(ReadAll(args[0]), /*replace=*/true, absl::Now() + absl::Minutes(5));
    if (!added.ok()) {
      spdlog::error("add-users: {}", added.status().ToString());
      return 1;
    }
    spdlog::info("add-users: {} accounts created or updated", *added);
    return 0;
  };
  return saima::ServiceMain(argc, argv, spec);
}
