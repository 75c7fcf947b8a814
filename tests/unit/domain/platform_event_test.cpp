// Decoding what the platform publishes on user.events and feedback.events.
#include "domain/platform_event.hpp"

#include <gtest/gtest.h>
#include <boost/json/serialize.hpp>

namespace conv::domain {
namespace {

TEST(platform_event, a_deleted_or_banned_user_names_the_user) {
  for (std::string type : {"user.deleted", "user.banned"}) {
    auto e = decode_platform_event(
        "user.events",
        R"({"eventId":"e1","type":")" + type +
            R"(","occurredAt":"2026-11-27T00:00:00Z","version":1,"data":{"userId":"zoë+1@example.org","extra":true}})");
    ASSERT_TRUE(e) << e.error().message;
    auto* removed = std::get_if<user_removed>(&*e);
    ASSERT_NE(removed, nullptr);
    EXPECT_EQ(removed->user_id, "zoë+1@example.org");
    EXPECT_EQ(removed->type, type);
    EXPECT_EQ(removed->occurred_at, parse_rfc3339_any("2026-11-27T00:00:00Z"));
  }
  // The time is informative: without a usable one the event still counts.
  for (std::string envelope :
       {R"({"type":"user.banned","data":{"userId":"u"}})",
        R"({"type":"user.banned","occurredAt":"yesterday","data":{"userId":"u"}})",
        R"({"type":"user.banned","occurredAt":17,"data":{"userId":"u"}})"}) {
    auto e = decode_platform_event("user.events", envelope);
    ASSERT_TRUE(e) << envelope;
    EXPECT_EQ(std::get<user_removed>(*e).occurred_at, std::nullopt) << envelope;
  }
}

TEST(platform_event, a_completed_feedback_keeps_its_data_whole) {
  auto e = decode_platform_event(
      "feedback.events",
      R"({"type":"feedback.completed","data":{"sessionId":"s-1","score":4,"notes":["a"]}})");
  ASSERT_TRUE(e) << e.error().message;
  auto* feedback = std::get_if<feedback_completed>(&*e);
  ASSERT_NE(feedback, nullptr);
  EXPECT_EQ(feedback->session_id, "s-1");
  EXPECT_EQ(boost::json::serialize(feedback->data),
            R"({"sessionId":"s-1","score":4,"notes":["a"]})");
}

TEST(platform_event, other_types_and_types_on_the_wrong_topic_are_unknown) {
  const std::pair<const char*, const char*> cases[] = {
      {"user.events", R"({"type":"user.created","data":{"userId":"u"}})"},
      {"user.events", R"({"type":"feedback.completed","data":{"sessionId":"s"}})"},
      {"feedback.events", R"({"type":"user.banned","data":{"userId":"u"}})"},
      {"feedback.events", R"({"type":"feedback.started"})"},
  };
  for (auto [topic, text] : cases) {
    auto e = decode_platform_event(topic, text);
    ASSERT_TRUE(e) << text;
    EXPECT_TRUE(std::holds_alternative<unknown_event>(*e)) << text;
  }
}

TEST(platform_event, malformed_events_say_what_is_wrong) {
  const std::tuple<const char*, const char*, errc, const char*> cases[] = {
      {"user.events", "not json", errc::malformed_json, "not JSON"},
      {"user.events", "[1]", errc::malformed_json, "not a JSON object"},
      {"user.events", R"({"data":{}})", errc::validation_failed, "type is required"},
      {"user.events", R"({"type":7})", errc::validation_failed, "type must be a string"},
      {"user.events", R"({"type":"user.banned"})", errc::validation_failed, "data is required"},
      {"user.events", R"({"type":"user.banned","data":[]})", errc::validation_failed,
       "data must be an object"},
      {"user.events", R"({"type":"user.banned","data":{}})", errc::validation_failed,
       "data.userId is required"},
      {"user.events", R"({"type":"user.banned","data":{"userId":3}})", errc::validation_failed,
       "data.userId must be a string"},
      {"user.events", R"({"type":"user.banned","data":{"userId":"a\nb"}})", errc::validation_failed,
       "data.userId is not a valid id"},
      {"user.events", R"({"type":"user.deleted","data":{"userId":""}})", errc::validation_failed,
       "data.userId is not a valid id"},
      {"feedback.events", R"({"type":"feedback.completed","data":{"sessionId":"a b"}})",
       errc::validation_failed, "data.sessionId is not a valid id"},
  };
  for (auto [topic, text, code, message] : cases) {
    auto e = decode_platform_event(topic, text);
    ASSERT_FALSE(e) << text;
    EXPECT_EQ(e.error().code, code) << text;
    EXPECT_NE(e.error().message.find(message), std::string::npos)
        << text << ": " << e.error().message;
  }
}

}  // namespace
}  // namespace conv::domain
