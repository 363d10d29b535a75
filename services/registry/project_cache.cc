#include "services/registry/project_cache.h"

#include <utility>

#include "common/ops.h"

namespace saima::registry {

ProjectCache::ProjectCache(std::function<std::optional<uint64_t>()> generation, std::function<void()> advance,
                           size_t capacity, absl::Duration max_age)
    : generation_(std::move(generation)), advance_(std::move(advance)), capacity_(capacity), max_age_(max_age) {}

std::optional<v1::Project> ProjectCache::Get(int64_t project_id) const {
  static prometheus::Counter& hits =
      NamedCounter("saima_project_cache_hits_total", "project reads by id served from the registry's cache");
  static prometheus::Counter& misses =
      NamedCounter("saima_project_cache_misses_total", "project reads by id that went to the database");
  const std::optional<uint64_t> now = generation_();
  if (now.has_value()) {
    absl::ReaderMutexLock lock(&mu_);
    auto it = entries_.find(project_id);
    if (it != entries_.end() && it->second.generation == *now && absl::Now() - it->second.loaded < max_age_) {
      hits.Increment();
      return it->second.project;
    }
  }
  misses.Increment();
  return std::nullopt;
}

void ProjectCache::Put(const v1::Project& project, std::optional<uint64_t> loaded_under) {
  if (!loaded_under.has_value() || generation_() != loaded_under) return;  // changed meanwhile: not kept
  absl::MutexLock lock(&mu_);
  if (entries_.size() >= capacity_) {
    // Full: drop what belongs to older generations, or everything.
    for (auto it = entries_.begin(); it != entries_.end();) {
      if (it->second.generation != *loaded_under) {
        entries_.erase(it++);
      } else {
        ++it;
      }
    }
    if (entries_.size() >= capacity_) entries_.clear();
  }
  entries_[project.project_id()] = Entry{*loaded_under, absl::Now(), project};
}

size_t ProjectCache::size() const {
  absl::ReaderMutexLock lock(&mu_);
  return entries_.size();
}

}  // namespace saima::registry
