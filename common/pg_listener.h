#ifndef SAIMA_COMMON_PG_LISTENER_H_
#define SAIMA_COMMON_PG_LISTENER_H_

// PostgreSQL LISTEN/NOTIFY for waiters in this process: one thread with its own connection listens on a channel
// and wakes everyone waiting; a NOTIFY sent in a transaction arrives when it commits, from any process or replica.
// The connection is reopened after it breaks (and waiters are woken then too, so they re-read). Thread-safe.

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

#include "absl/time/time.h"

namespace saima {

class PgListener {
 public:
  PgListener(std::string url, std::string channel);
  ~PgListener();
  PgListener(const PgListener&) = delete;
  PgListener& operator=(const PgListener&) = delete;

  // How many notifications (and reconnections) there were so far.
  uint64_t count() const;
  // Waits until count() exceeds `seen` or `timeout` passes; returns count().
  uint64_t WaitAfter(uint64_t seen, absl::Duration timeout);
  // Wakes the waiters (for writes of this process, before the notification comes back).
  void Poke();
  // Whether notifications are being received (the listening connection is up).
  bool live() const { return live_.load(); }

 private:
  void Run();

  const std::string url_;
  const std::string channel_;
  mutable std::mutex mu_;
  std::condition_variable changed_;
  uint64_t count_ = 0;
  std::atomic<bool> live_{false};
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace saima

#endif  // SAIMA_COMMON_PG_LISTENER_H_
