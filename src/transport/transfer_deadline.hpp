#pragma once
// Deadlines for the streamed audio transfers. Each chunk must move within `chunk_timeout`,
// and the transfer as a whole must average at least `min_rate` from its start, after the
// same slack: a client sending (or reading) a byte every so often cannot hold a connection,
// an open file and a 64 KiB buffer for hours. 4 KiB/s is a 32 kbit/s uplink, slower than any
// a call could have been made over.
#include <algorithm>
#include <chrono>
#include <cstdint>

namespace conv::transport {

class transfer_deadline {
 public:
  using clock = std::chrono::steady_clock;
  static constexpr std::chrono::seconds chunk_timeout{30};
  static constexpr std::uint64_t min_rate = 4 * 1024;  // bytes per second, on average

  explicit transfer_deadline(clock::time_point started) : started_(started) {}

  // When the next chunk, which would bring the transfer to `bytes_after` bytes, must have
  // moved.
  clock::time_point next(clock::time_point now, std::uint64_t bytes_after) const {
    const auto average =
        started_ + chunk_timeout + std::chrono::milliseconds(bytes_after * 1000 / min_rate);
    return std::min(now + chunk_timeout, average);
  }

 private:
  clock::time_point started_;
};

}  // namespace conv::transport
