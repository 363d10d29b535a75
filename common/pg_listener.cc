#include "common/pg_listener.h"

#include <pqxx/pqxx>

#include "spdlog/spdlog.h"

namespace saima {
namespace {

class Receiver final : public pqxx::notification_receiver {
 public:
  Receiver(pqxx::connection_base& connection, const std::string& channel, PgListener* listener)
      : pqxx::notification_receiver(connection, channel), listener_(listener) {}
  void operator()(const std::string&, int) override { listener_->Poke(); }

 private:
  PgListener* listener_;
};

}  // namespace

PgListener::PgListener(std::string url, std::string channel) : url_(std::move(url)), channel_(std::move(channel)) {
  thread_ = std::thread([this] { Run(); });
}

PgListener::~PgListener() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  changed_.notify_all();
  thread_.join();
}

uint64_t PgListener::count() const {
  std::lock_guard<std::mutex> lock(mu_);
  return count_;
}

uint64_t PgListener::WaitAfter(uint64_t seen, absl::Duration timeout) {
  std::unique_lock<std::mutex> lock(mu_);
  changed_.wait_for(lock, absl::ToChronoNanoseconds(timeout), [&] { return count_ > seen || stopping_; });
  return count_;
}

void PgListener::Poke() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++count_;
  }
  changed_.notify_all();
}

void PgListener::Run() {
  auto stopping = [this] {
    std::lock_guard<std::mutex> lock(mu_);
    return stopping_;
  };
  while (!stopping()) {
    try {
      pqxx::connection connection(url_);
      Receiver receiver(connection, channel_, this);
      Poke();             // (re)connected: whatever was missed meanwhile is read again by the waiters
      live_.store(true);  // after Poke: nothing remembered from before the break is current any more
      while (!stopping()) connection.await_notification(0, 200000);
      live_.store(false);
    } catch (const std::exception& e) {
      live_.store(false);
      spdlog::warn("listener on {}: {}; reconnecting", channel_, e.what());
      std::unique_lock<std::mutex> lock(mu_);
      changed_.wait_for(lock, std::chrono::seconds(1), [this] { return stopping_; });
    }
  }
}

}  // namespace saima
