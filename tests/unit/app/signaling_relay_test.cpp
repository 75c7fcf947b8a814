#include "app/signaling_relay.hpp"

#include <gtest/gtest.h>
#include <boost/json.hpp>

namespace conv::app {
namespace {

TEST(WithSender, SplicesFromIntoTheClientsOwnBytes) {
  const std::string original = R"({"type":"ice-candidate","sessionId":"s1","candidate":{"a":1}})";
  const auto forwarded = with_sender(original, "alice");
  EXPECT_EQ(forwarded,
            R"({"from":"alice","type":"ice-candidate","sessionId":"s1","candidate":{"a":1}})");
  auto parsed = boost::json::parse(forwarded).as_object();
  EXPECT_EQ(parsed["from"], "alice");
}

TEST(WithSender, ToleratesLeadingWhitespace) {
  auto parsed = boost::json::parse(with_sender("  \n{\"type\":\"offer\",\"sdp\":\"v=0\"}", "bob"));
  EXPECT_EQ(parsed.as_object()["from"], "bob");
  EXPECT_EQ(parsed.as_object()["sdp"], "v=0");
}

}  // namespace
}  // namespace conv::app
