#include "gateway/rate_limit.h"

#include <algorithm>
#include <cmath>

namespace saima::gateway {

bool RateLimiter::Allow(const std::string& key, absl::Time now) {
  if (per_second_ <= 0) return true;
  std::lock_guard<std::mutex> lock(mu_);
  if (buckets_.size() > 100000) {
    // Forget buckets that have refilled completely: they hold nothing a new bucket would not.
    for (auto it = buckets_.begin(); it != buckets_.end();) {
      it = now - it->second.last > absl::Seconds(burst_ / per_second_) ? buckets_.erase(it) : std::next(it);
    }
  }
  auto [it, fresh] = buckets_.try_emplace(key, Bucket{burst_, now});
  Bucket& bucket = it->second;
  if (!fresh) {
    bucket.tokens = std::min(burst_, bucket.tokens + absl::ToDoubleSeconds(now - bucket.last) * per_second_);
    bucket.last = now;
  }
  if (bucket.tokens < 1) return false;
  bucket.tokens -= 1;
  return true;
}

int RateLimiter::RetryAfterSeconds() const {
  return per_second_ <= 0 ? 1 : std::max(1, static_cast<int>(std::ceil(1.0 / per_second_)));
}

}  // namespace saima::gateway
