#ifndef SAIMA_SERVICES_REGISTRY_PROJECT_CACHE_H_
#define SAIMA_SERVICES_REGISTRY_PROJECT_CACHE_H_

// The projects a registry process has read lately, so that the most frequent read (a project by id, for every
// page, report and authorization) does not go to PostgreSQL each time.
//
// Correctness rests on one number, the generation: it moves whenever any project may have changed anywhere (a
// trigger on registry.projects sends NOTIFY saima_projects when a transaction commits, from any replica; this
// process also moves it itself after its own commits, before answering the writer). An entry is served only while
// the generation is the one read before the entry was loaded; so a write, wherever it happened, retires every
// entry once its notification arrives (milliseconds), and at once in the process that wrote. While notifications
// cannot be received (the listening connection is down), there is no generation and nothing is served or kept.
// As a last guard against a notification lost without the connection noticing, no entry is served after
// `max_age`.

#include <cstdint>
#include <functional>
#include <optional>

#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "saima/registry/v1/registry.pb.h"

namespace saima::registry {

class ProjectCache {
 public:
  // `generation` returns the current generation, or nullopt while changes cannot be followed. `advance` moves it
  // (after a commit of this process). `capacity` bounds the entries: when full, the cache starts afresh.
  ProjectCache(std::function<std::optional<uint64_t>()> generation, std::function<void()> advance,
               size_t capacity = 50'000, absl::Duration max_age = absl::Seconds(30));

  // The generation to load under (read it before reading the database); nullopt: do not cache.
  std::optional<uint64_t> Generation() const { return generation_(); }
  // The project, if it was loaded under the current generation.
  std::optional<v1::Project> Get(int64_t project_id) const;
  // Keeps a project read from the database after Generation() returned `loaded_under`.
  void Put(const v1::Project& project, std::optional<uint64_t> loaded_under);
  // After a commit of this process: every entry is retired.
  void Advance() { advance_(); }

  size_t size() const;

 private:
  struct Entry {
    uint64_t generation;
    absl::Time loaded;
    v1::Project project;
  };
  std::function<std::optional<uint64_t>()> generation_;
  std::function<void()> advance_;
  const size_t capacity_;
  const absl::Duration max_age_;
  mutable absl::Mutex mu_;
  absl::flat_hash_map<int64_t, Entry> entries_ ABSL_GUARDED_BY(mu_);
};

}  // namespace saima::registry

#endif  // SAIMA_SERVICES_REGISTRY_PROJECT_CACHE_H_
