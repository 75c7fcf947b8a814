// Timer keys are written as text by schedulers that keep them outside the process: every
// kind reads back as itself, and text that names no kind is refused.
#include "ports/scheduler.hpp"

#include <gtest/gtest.h>

namespace conv::ports {
namespace {

TEST(TimerKey, EveryKindReadsBackAsWritten) {
  for (auto kind :
       {timer_kind::connect_timeout, timer_kind::heartbeat_timeout, timer_kind::max_duration,
        timer_kind::request_expiry, timer_kind::presence_grace, timer_kind::rematch}) {
    const timer_key with_user(kind, "0190c0de-id", "user-7");
    EXPECT_EQ(timer_key::decode(with_user.encode()), with_user) << with_user.encode();
    const timer_key without(kind, "0190c0de-id");
    EXPECT_EQ(timer_key::decode(without.encode()), without) << without.encode();
  }
}

TEST(TimerKey, TextNamingNoKindIsRefused) {
  EXPECT_FALSE(timer_key::decode("nap/0190c0de-id"));
  EXPECT_FALSE(timer_key::decode("rematch"));
  EXPECT_FALSE(timer_key::decode(""));
}

}  // namespace
}  // namespace conv::ports
