#ifndef SAIMA_GATEWAY_RATE_LIMIT_H_
#define SAIMA_GATEWAY_RATE_LIMIT_H_

// Per-credential rate limits at the gateway: a token bucket per session or API key (`per_second` sustained,
// `burst` at once). Refused calls get RESOURCE_EXHAUSTED (HTTP 429 with Retry-After).

#include <map>
#include <mutex>
#include <string>

#include "absl/time/time.h"

namespace saima::gateway {

class RateLimiter {
 public:
  // per_second <= 0: no limit.
  RateLimiter(double per_second, double burst) : per_second_(per_second), burst_(burst) {}

  // Takes one call from `key`'s bucket at `now`; false when it is empty.
  bool Allow(const std::string& key, absl::Time now);
  // Whole seconds until a refused caller has a call again (at least 1).
  int RetryAfterSeconds() const;
  double per_second() const { return per_second_; }

 private:
  struct Bucket {
    double tokens;
    absl::Time last;
  };
  const double per_second_;
  const double burst_;
  std::mutex mu_;
  std::map<std::string, Bucket> buckets_;
};

}  // namespace saima::gateway

#endif  // SAIMA_GATEWAY_RATE_LIMIT_H_
