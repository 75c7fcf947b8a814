#include "common/keyed_rate_limiter.hpp"

#include <algorithm>

namespace conv {

keyed_rate_limiter::keyed_rate_limiter(double per_second, double burst)
    : rate_(per_second),
      burst_(burst),
      refill_(std::chrono::duration_cast<clock::duration>(
          std::chrono::duration<double>(burst / per_second))) {}

namespace {

// 64 bits whatever the platform's size_t; the shard is picked from the high bits, the
// bucket within it from the low ones.
std::uint64_t hash_of(std::string_view key) {
  return std::hash<std::string_view>{}(key);
}

}  // namespace

bool keyed_rate_limiter::allow(std::string_view key, clock::time_point now) {
  const auto h = hash_of(key);
  auto& s = shards_[(h >> 56) % shard_count];
  std::lock_guard lock(s.mutex);
  prune(s, now);
  auto it = s.buckets.find(h);
  if (it == s.buckets.end()) it = s.buckets.emplace(h, token_bucket(burst_, now)).first;
  return it->second.take(now, rate_, burst_);
}

bool keyed_rate_limiter::exhausted(std::string_view key, clock::time_point now) const {
  const auto h = hash_of(key);
  const auto& s = shards_[(h >> 56) % shard_count];
  std::lock_guard lock(s.mutex);
  const auto it = s.buckets.find(h);
  return it != s.buckets.end() && it->second.empty(now, rate_, burst_);
}

// Dropping full buckets changes nothing a caller sees. Done at most once per refill time
// per shard, so its cost spreads thin.
void keyed_rate_limiter::prune(shard& s, clock::time_point now) {
  if (now - s.last_prune < std::max<clock::duration>(refill_, std::chrono::seconds(1))) return;
  s.last_prune = now;
  std::erase_if(s.buckets, [&](const auto& entry) { return now - entry.second.last() >= refill_; });
}

std::size_t keyed_rate_limiter::tracked() const {
  std::size_t n = 0;
  for (const auto& s : shards_) {
    std::lock_guard lock(s.mutex);
    n += s.buckets.size();
  }
  return n;
}

}  // namespace conv
