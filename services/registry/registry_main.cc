// saima-registry: units, projects, milestones, documents, 入库 applications and the change feed; and the
// dispatch records (problems, supervision orders, meeting decisions), whose orders it escalates on their dates.

#include <fstream>
#include <sstream>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "common/client.h"
#include "common/embedded.h"
#include "common/pg.h"
#include "common/pg_listener.h"
#include "common/service_main.h"
#include "common/status.h"
#include "saima/stats/v1/stats.grpc.pb.h"
#include "services/registry/accounts.h"
#include "services/registry/dispatch.h"
#include "services/registry/dispatch_service.h"
#include "services/registry/dispatch_store.h"
#include "services/registry/pg_registry_store.h"
#include "services/registry/reference_data.h"
#include "services/registry/registry.h"
#include "services/registry/registry_service.h"
#include "spdlog/spdlog.h"

ABSL_FLAG(std::string, signing_key_file, "",
          "PEM file of the EC P-256 private key that signs access tokens (ES256; required to serve)");
ABSL_FLAG(std::vector<std::string>, previous_signing_key_files, {},
          "PEM files of keys still accepted during a rotation (public or private), comma-separated");
ABSL_FLAG(std::string, stats_addr, "127.0.0.1:50052",
          "stats service address (closing an order because its project is back to 正常 asks stats)");
ABSL_FLAG(absl::Duration, access_token_ttl, absl::Minutes(15), "how long an access token is valid");
ABSL_FLAG(absl::Duration, refresh_token_ttl, absl::Hours(24 * 7), "how long a session lasts without a refresh");
ABSL_FLAG(int, max_failed_sign_ins, 5,
          "failed sign-ins after which an account refuses sign-in from that client address (for --sign_in_lockout)");
ABSL_FLAG(
    int, max_failed_sign_ins_per_address, 20,
    "failed sign-ins from one client address, to any accounts, after which it is refused (for --sign_in_lockout)");
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

// The signing keys named by the flags, or what is wrong with them.
absl::StatusOr<saima::registry::AccountSettings> AccountSettingsFromFlags() {
  saima::registry::AccountSettings settings;
  const std::string path = absl::GetFlag(FLAGS_signing_key_file);
  if (path.empty()) return absl::InvalidArgumentError("--signing_key_file is required (the ES256 token key)");
  auto key = saima::registry::LoadSigningKey(ReadAll(path), path);
  if (!key.ok()) return key.status();
  if (key->private_pem.empty()) return absl::InvalidArgumentError(path + " holds no private key");
  settings.signing_key = *std::move(key);
  for (const std::string& previous : absl::GetFlag(FLAGS_previous_signing_key_files)) {
    auto old = saima::registry::LoadSigningKey(ReadAll(previous), previous);
    if (!old.ok()) return old.status();
    old->private_pem.clear();
    settings.previous_keys.push_back(*std::move(old));
  }
  settings.access_ttl = absl::GetFlag(FLAGS_access_token_ttl);
  settings.refresh_ttl = absl::GetFlag(FLAGS_refresh_token_ttl);
  settings.max_failed_sign_ins = absl::GetFlag(FLAGS_max_failed_sign_ins);
  settings.max_failed_sign_ins_per_address = absl::GetFlag(FLAGS_max_failed_sign_ins_per_address);
  settings.lockout = absl::GetFlag(FLAGS_sign_in_lockout);
  return settings;
}

saima::stats::v1::StatsService::Stub* g_stats = nullptr;

// A project's progress status at a period, from stats, with the caller's identity (Dispatch::StatusOf): statuses
// are computed for key and major projects.
absl::StatusOr<saima::stats::v1::ProgressStatus> StatusFromStats(const saima::Caller& caller, int64_t project_id,
                                                                 const std::string& period, absl::Time deadline) {
  namespace st = ::saima::stats::v1;
  for (const char* tier : {"PROJECT_TIER_KEY", "PROJECT_TIER_MAJOR"}) {
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(std::min(deadline, absl::Now() + absl::Seconds(10))));
    saima::AttachCaller(caller, "", context);
    st::ListProjectStatusesRequest request;
    request.set_period(period);
    request.set_tier(tier);
    st::ListProjectStatusesResponse response;
    grpc::Status status = g_stats->ListProjectStatuses(&context, request, &response);
    if (!status.ok()) {
      if (status.error_code() == grpc::StatusCode::UNAVAILABLE) {
        return saima::Error(absl::StatusCode::kUnavailable, "stats is unavailable; retry shortly",
                            "统计服务暂不可用，请稍后重试");
      }
      return saima::FromGrpcStatus(status);
    }
    for (const auto& s : response.statuses()) {
      if (s.project_id() == project_id) return s.status();
    }
  }
  return saima::Error(absl::StatusCode::kFailedPrecondition,
                      absl::StrCat("project ", project_id, " has no progress status at ", period),
                      absl::StrCat("项目在 ", period, " 没有进度评价(不是重点或重大项目，或没有年度计划)"));
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
  spec.service_names = {saima::registry::v1::RegistryService::service_full_name(),
                        saima::registry::v1::DispatchService::service_full_name(),
                        saima::auth::v1::AuthService::service_full_name()};
  spec.make_services = [](saima::PgPool& pool) -> std::vector<std::shared_ptr<grpc::Service>> {
    // Owned by the lambdas' shared state for the life of the process.
    // The projects read lately, retired by any change to projects from any replica (NOTIFY saima_projects).
    static saima::PgListener* project_changes = new saima::PgListener(pool.url(), "saima_projects");
    static ProjectCache* cache = new ProjectCache(
        [] { return project_changes->live() ? std::optional<uint64_t>(project_changes->count()) : std::nullopt; },
        [] { project_changes->Poke(); });
    static PgRegistryStore* store = new PgRegistryStore(pool, cache);
    if (absl::Status s = store->LoadHeadRevision(absl::Now() + absl::Seconds(10)); !s.ok()) {
      spdlog::warn("change feed head revision not read at start: {}", s.ToString());
    }
    static Registry* registry = new Registry(*store, ReferenceData::Embedded());
    static DispatchStore* dispatch_store = new DispatchStore(pool);
    static auto stats = saima::stats::v1::StatsService::NewStub(saima::MakeChannel(absl::GetFlag(FLAGS_stats_addr)));
    g_stats = stats.get();
    static Dispatch* dispatch = new Dispatch(*dispatch_store, *store, &StatusFromStats);
    static saima::PgListener* revocations = new saima::PgListener(pool.url(), "saima_revocations");
    static Accounts* accounts = new Accounts(pool, *AccountSettingsFromFlags(), revocations);
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
    auto settings = AccountSettingsFromFlags();
    return settings.ok() ? std::string() : std::string(settings.status().message());
  };
  // saima-registry add-users FILE: accounts from a file (the first system administrator, or a batch).
  spec.commands["add-users"] = [](const std::vector<std::string>& args, saima::PgPool& pool) {
    if (args.size() != 1) {
      spdlog::error("usage: saima-registry add-users FILE (user_id, role, unit_id, name, password per line)");
      return 2;
    }
    Accounts accounts(pool, saima::registry::AccountSettings{});
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
