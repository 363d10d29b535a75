#ifndef SAIMA_SERVICES_STATS_REGISTRY_CLIENT_H_
#define SAIMA_SERVICES_STATS_REGISTRY_CLIENT_H_

// What stats takes from the registry: the change feed (FeedFollower) and unit names (RegistryUnits).

#include <atomic>
#include <memory>
#include <mutex>
#include <thread>

#include "saima/registry/v1/registry.grpc.pb.h"
#include "services/stats/stats.h"
#include "services/stats/stats_store.h"

namespace saima::stats {

// Follows WatchProjectChanges from the stored position and applies each change with StatsStore::ApplyChange.
// After a broken stream (either side restarted) it reconnects from the stored position, so nothing is missed or
// applied twice. Runs on its own thread from Start() until destroyed.
class FeedFollower {
 public:
  FeedFollower(StatsStore& store, std::shared_ptr<grpc::Channel> registry);
  ~FeedFollower();
  void Start();
  // The last revision applied by this process (0 before the first).
  int64_t applied_revision() const { return applied_.load(); }

 private:
  void Run();

  StatsStore& store_;
  std::unique_ptr<reg::RegistryService::Stub> stub_;
  std::atomic<bool> stopping_{false};
  std::atomic<int64_t> applied_{0};
  std::mutex mu_;
  grpc::ClientContext* active_ = nullptr;  // guarded by mu_
  std::thread thread_;
};

// Unit names from the registry, cached for ten seconds.
class RegistryUnits : public UnitDirectory {
 public:
  explicit RegistryUnits(std::shared_ptr<grpc::Channel> registry);
  std::map<std::string, std::string> UnitNames(absl::Time deadline) override;

 private:
  std::unique_ptr<reg::RegistryService::Stub> stub_;
  std::mutex mu_;
  std::map<std::string, std::string> names_;
  absl::Time fetched_ = absl::InfinitePast();
};

// The identity stats uses towards the registry.
Caller StatsServiceCaller();

}  // namespace saima::stats

#endif  // SAIMA_SERVICES_STATS_REGISTRY_CLIENT_H_
