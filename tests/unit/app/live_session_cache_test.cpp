// The cache of live sessions follows each session's latest version, whatever order the
// transitions' aftermaths reach it in.
#include "app/live_session_cache.hpp"

#include <gtest/gtest.h>

namespace conv::app {
namespace {

using domain::session_status;

domain::conversation_session at_version(std::int64_t version, session_status status) {
  domain::conversation_session s;
  s.id = "s1";
  s.participant1_id = "marie";
  s.participant2_id = "jean";
  s.status = status;
  s.version = version;
  return s;
}

TEST(LiveSessionCache, FollowsASessionUntilItEnds) {
  live_session_cache cache;
  EXPECT_TRUE(cache.update(at_version(1, session_status::waiting)));
  EXPECT_TRUE(cache.update(at_version(2, session_status::active)));
  ASSERT_TRUE(cache.find("s1"));
  EXPECT_EQ(cache.find("s1")->status, session_status::active);
  EXPECT_EQ(cache.of_user("jean")->id, "s1");
  EXPECT_TRUE(cache.update(at_version(3, session_status::completed)));
  EXPECT_FALSE(cache.find("s1"));
  EXPECT_FALSE(cache.of_user("marie"));
}

TEST(LiveSessionCache, AnEndedSessionDoesNotComeBackWithALateAftermath) {
  // The call started (version 2) and ended (version 3); the start's aftermath ran last.
  live_session_cache cache;
  cache.update(at_version(1, session_status::waiting));
  EXPECT_TRUE(cache.update(at_version(3, session_status::cancelled)));
  EXPECT_FALSE(cache.update(at_version(2, session_status::active)));
  EXPECT_FALSE(cache.find("s1"));
  EXPECT_FALSE(cache.of_user("marie"));
  EXPECT_EQ(cache.size(), 0u);
}

TEST(LiveSessionCache, AnOlderLiveStateDoesNotReplaceANewerOne) {
  live_session_cache cache;
  EXPECT_TRUE(cache.update(at_version(2, session_status::active)));
  EXPECT_FALSE(cache.update(at_version(1, session_status::waiting)));
  EXPECT_EQ(cache.find("s1")->status, session_status::active);
  EXPECT_TRUE(cache.update(at_version(2, session_status::active)));  // the same again: fine
}

}  // namespace
}  // namespace conv::app
