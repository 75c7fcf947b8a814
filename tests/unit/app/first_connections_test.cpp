// The participants whose first connection is awaited: each arrives once, and a session that
// ends takes its own entries with it, and nobody else's.
#include "app/first_connections.hpp"

#include <gtest/gtest.h>

namespace conv::app {
namespace {

TEST(FirstConnections, AnAwaitedParticipantArrivesOnceOnlyInTheirSession) {
  first_connections awaited;
  awaited.expect("s1", "jean");
  EXPECT_FALSE(awaited.arrived("s2", "jean"));
  EXPECT_FALSE(awaited.arrived("s1", "marie"));
  EXPECT_TRUE(awaited.arrived("s1", "jean"));
  EXPECT_FALSE(awaited.arrived("s1", "jean"));  // the next connection is a return
}

TEST(FirstConnections, AnEndedSessionForgetsItsOwnEntriesOnly) {
  first_connections awaited;
  awaited.expect("s1", "jean");
  awaited.expect("s1", "marie");
  awaited.expect("s10", "ana");
  awaited.expect("s0", "bo");
  awaited.forget("s1");
  EXPECT_FALSE(awaited.arrived("s1", "jean"));
  EXPECT_FALSE(awaited.arrived("s1", "marie"));
  EXPECT_TRUE(awaited.arrived("s10", "ana"));
  EXPECT_TRUE(awaited.arrived("s0", "bo"));
}

}  // namespace
}  // namespace conv::app
