#pragma once
// A token bucket's state: tokens refill at `rate` per second up to `burst`; each allowed
// event takes one. Rate and burst are passed in, not kept, so that many buckets sharing
// them (one per connection or per user) stay small.
#include <algorithm>
#include <chrono>

namespace conv {

class token_bucket {
 public:
  using clock = std::chrono::steady_clock;

  token_bucket(double burst, clock::time_point now) : tokens_(float(burst)), last_(now) {}

  bool take(clock::time_point now, double rate, double burst) {
    const double elapsed = std::max(0.0, std::chrono::duration<double>(now - last_).count());
    last_ = now;
    tokens_ = float(std::min(burst, double(tokens_) + elapsed * rate));
    if (tokens_ < 1) return false;
    tokens_ -= 1;
    return true;
  }
  // Whether take() would refuse now, without taking.
  bool empty(clock::time_point now, double rate, double burst) const {
    const double elapsed = std::max(0.0, std::chrono::duration<double>(now - last_).count());
    return std::min(burst, double(tokens_) + elapsed * rate) < 1;
  }
  clock::time_point last() const { return last_; }

 private:
  float tokens_;
  clock::time_point last_;
};

}  // namespace conv
