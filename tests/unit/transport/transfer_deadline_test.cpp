// Streamed transfers must keep moving, chunk by chunk and on average.
#include "transport/transfer_deadline.hpp"

#include <gtest/gtest.h>

namespace conv::transport {
namespace {

using namespace std::chrono_literals;
using clock = transfer_deadline::clock;

TEST(TransferDeadline, EachChunkHasItsTimeoutWhileTheAverageIsKept) {
  const auto t0 = clock::time_point{} + 1h;
  const transfer_deadline d(t0);
  // 1 MiB in 10 s is far above the minimum rate: only the chunk timeout applies.
  EXPECT_EQ(d.next(t0 + 10s, 1024 * 1024), t0 + 10s + transfer_deadline::chunk_timeout);
}

TEST(TransferDeadline, ADripFeedIsCutOnceBelowTheMinimumAverage) {
  const auto t0 = clock::time_point{} + 1h;
  const transfer_deadline d(t0);
  // Ten minutes in and only 8 KiB moved: the next 64 KiB were due long ago.
  const auto now = t0 + 10min;
  EXPECT_LT(d.next(now, 8 * 1024 + 64 * 1024), now);
  // At exactly the minimum rate a transfer is never cut.
  const auto bytes = transfer_deadline::min_rate * 600;
  EXPECT_GE(d.next(now, bytes), now);
}

}  // namespace
}  // namespace conv::transport
