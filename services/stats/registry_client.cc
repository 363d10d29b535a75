#include "services/stats/registry_client.h"

#include <algorithm>

#include "common/client.h"
#include "common/ops.h"
#include "spdlog/spdlog.h"

namespace saima::stats {

Caller StatsServiceCaller() { return Caller{"service:saima-stats", kRoleSysadmin, ""}; }

FeedFollower::FeedFollower(StatsStore& store, std::shared_ptr<grpc::Channel> registry)
    : store_(store), stub_(reg::RegistryService::NewStub(registry)) {}

FeedFollower::~FeedFollower() {
  stopping_ = true;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (active_ != nullptr) active_->TryCancel();
  }
  if (thread_.joinable()) thread_.join();
}

void FeedFollower::Start() {
  thread_ = std::thread([this] { Run(); });
}

void FeedFollower::Run() {
  while (!stopping_) {
    auto position = store_.FeedPosition(absl::Now() + absl::Seconds(5));
    if (!position.ok()) {
      spdlog::warn("change feed: cannot read position: {}", position.status().ToString());
      absl::SleepFor(absl::Seconds(1));
      continue;
    }
    // Present from the start (not only after the first change): the lag is head − applied.
    NamedGauge("saima_change_feed_applied_revision", "the last registry revision stats applied")
        .Set(static_cast<double>(std::max<int64_t>(applied_.load(), *position)));
    grpc::ClientContext context;
    AttachCaller(StatsServiceCaller(), "", context);
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stopping_) return;
      active_ = &context;
    }
    reg::WatchProjectChangesRequest request;
    request.set_from_revision(*position);
    auto reader = stub_->WatchProjectChanges(&context, request);
    reg::WatchProjectChangesResponse message;
    bool healthy = true;
    while (healthy && reader->Read(&message)) {
      absl::Status applied = store_.ApplyChange(message.change(), absl::Now() + absl::Seconds(10));
      if (!applied.ok()) {
        spdlog::warn("change feed: revision {} not applied: {}", message.change().revision(), applied.ToString());
        context.TryCancel();  // Reconnect from the stored position.
        healthy = false;
      } else {
        applied_ = message.change().revision();
        NamedGauge("saima_change_feed_applied_revision", "the last registry revision stats applied")
            .Set(static_cast<double>(applied_.load()));
      }
    }
    grpc::Status status = reader->Finish();
    {
      std::lock_guard<std::mutex> lock(mu_);
      active_ = nullptr;
    }
    if (!stopping_) {
      spdlog::info("change feed: stream ended ({}), reconnecting", status.error_message());
      absl::SleepFor(absl::Milliseconds(500));
    }
  }
}

RegistryUnits::RegistryUnits(std::shared_ptr<grpc::Channel> registry)
    : stub_(reg::RegistryService::NewStub(registry)) {}

std::map<std::string, std::string> RegistryUnits::UnitNames(absl::Time deadline) {
  std::lock_guard<std::mutex> lock(mu_);
  // Cached briefly; an empty answer (units not loaded yet) is never kept.
  if (!names_.empty() && absl::Now() - fetched_ < absl::Seconds(10)) return names_;
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(std::min(deadline, absl::Now() + absl::Seconds(5))));
  AttachCaller(StatsServiceCaller(), "", context);
  reg::ListUnitsResponse response;
  if (stub_->ListUnits(&context, reg::ListUnitsRequest(), &response).ok()) {
    names_.clear();
    for (const auto& u : response.units()) names_[u.unit_id()] = u.name();
    fetched_ = absl::Now();
  }
  return names_;  // Unit ids stand in for names while the registry is unreachable.
}

}  // namespace saima::stats
