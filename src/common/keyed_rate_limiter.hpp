#pragma once
// A token bucket per key (a user): a steady rate with a burst allowance. Thread-safe,
// sharded. A key whose bucket has refilled is indistinguishable from one never seen, so
// such entries are dropped as the limiter goes: memory follows the keys active within the
// last burst / rate seconds, not every key ever seen.
#include "common/token_bucket.hpp"

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace conv {

class keyed_rate_limiter {
 public:
  using clock = std::chrono::steady_clock;

  keyed_rate_limiter(double per_second, double burst);

  // Takes one token from `key`'s bucket; false when it is empty.
  bool allow(std::string_view key, clock::time_point now);
  // Whether allow() would refuse `key` now; takes nothing.
  bool exhausted(std::string_view key, clock::time_point now) const;
  std::size_t tracked() const;

 private:
  // Keys are kept as their 64-bit hash: an entry is then 32 bytes instead of ~80 with the
  // key's string, which counts when every user who just connected has one. Two keys sharing
  // a hash would share a budget; at 64 bits that does not happen in practice.
  struct identity {
    std::size_t operator()(std::uint64_t h) const noexcept { return std::size_t(h); }
  };
  struct shard {
    mutable std::mutex mutex;
    std::unordered_map<std::uint64_t, token_bucket, identity> buckets;
    clock::time_point last_prune{};
  };
  void prune(shard& s, clock::time_point now);

  double rate_, burst_;
  clock::duration refill_;  // time for an empty bucket to fill
  static constexpr std::size_t shard_count = 32;
  std::array<shard, shard_count> shards_;
};

}  // namespace conv
