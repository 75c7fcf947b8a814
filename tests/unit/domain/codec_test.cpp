// Documents survive a round trip through their JSON form unchanged (the stores keep them so).
#include "domain/event.hpp"
#include "domain/matchmaking_request.hpp"
#include "domain/session.hpp"
#include "domain/starter_topics.hpp"
#include "domain/topic.hpp"

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <set>

namespace conv::domain {
namespace {

const timestamp t0{std::chrono::milliseconds(1'795'000'000'123)};

TEST(SessionCodec, RoundTripsEveryField) {
  conversation_session s;
  s.id = "s1";
  s.topic_id = "t1";
  s.target_language_code = "fr";
  s.participant1_id = "marie";
  s.participant2_id = "jean";
  s.participant1_level = cefr_level::b1;
  s.participant2_level = cefr_level::b2;
  s.status = session_status::completed;
  s.scheduled_at = t0;
  s.started_at = t0 + std::chrono::seconds(5);
  s.ended_at = t0 + std::chrono::seconds(300);
  s.actual_duration_seconds = 295;
  s.reason = end_reason::completed;
  s.audio_recording_url = "/sessions/s1/audio";
  s.created_at = t0;
  s.participant1_connected = true;
  s.version = 4;
  auto back = session_from_json(boost::json::parse(boost::json::serialize(to_json(s))));
  ASSERT_TRUE(back);
  EXPECT_EQ(to_json(*back), to_json(s));
}

TEST(SessionCodec, WhoReportedIsStoredButNeverShown) {
  conversation_session s;
  s.id = "s1";
  s.participant1_reported = true;
  EXPECT_EQ(to_json_text(s).find("Reported"), std::string::npos);
  auto back = session_from_json(boost::json::parse(to_stored_json_text(s)));
  ASSERT_TRUE(back);
  EXPECT_TRUE(back->participant1_reported);
  EXPECT_FALSE(back->participant2_reported);
  // A document stored before reports were counted reads as nobody having reported.
  auto old = session_from_json(boost::json::parse(to_json_text(s)));
  ASSERT_TRUE(old);
  EXPECT_FALSE(old->participant1_reported);
}

TEST(SessionCodec, UsesTheErdsCamelCaseNames) {
  conversation_session s;
  auto doc = to_json(s);
  for (auto key : {"id", "topicId", "targetLanguageCode", "participant1Id", "participant2Id",
                   "status", "scheduledAt", "startedAt", "endedAt", "actualDurationSeconds",
                   "endReason", "audioRecordingUrl", "createdAt"})
    EXPECT_TRUE(doc.contains(key)) << key;
}

TEST(RequestCodec, RoundTripsEveryField) {
  matchmaking_request r;
  r.id = "r1";
  r.user_id = "alice";
  r.learning_profile_id = "lp";
  r.target_language_code = "en";
  r.user_level = cefr_level::a2;
  r.preferred_topic_id = "t";
  r.preferred_duration = 10;
  r.status = request_status::matched;
  r.matched_with_user_id = "bob";
  r.session_id = "s";
  r.created_at = t0;
  r.expires_at = t0 + std::chrono::seconds(120);
  r.version = 2;
  auto back = request_from_json(boost::json::parse(boost::json::serialize(to_json(r))));
  ASSERT_TRUE(back);
  EXPECT_EQ(to_json(*back), to_json(r));
}

TEST(TopicCodec, RoundTripsAndRejectsBrokenDocuments) {
  auto topics = starter_topics(t0);
  ASSERT_FALSE(topics.empty());
  auto back = topic_from_json(to_json(topics.front()));
  ASSERT_TRUE(back);
  EXPECT_EQ(to_json(*back), to_json(topics.front()));
  EXPECT_FALSE(topic_from_json(boost::json::parse(R"({"id":"x"})")));
}

TEST(StarterTopics, CoverSeveralLanguagesAndEveryLevelWithUniqueIds) {
  std::set<std::string> ids;
  std::set<std::pair<std::string, cefr_level>> covered;
  for (const auto& t : starter_topics(t0)) {
    EXPECT_TRUE(ids.insert(t.id).second) << t.id;
    covered.insert({t.target_language_code, t.level});
    EXPECT_TRUE(topic_from_create_body(boost::json::parse(boost::json::serialize([&] {
      auto doc = to_json(t);
      doc.erase("id");
      doc.erase("createdAt");
      doc.erase("version");
      return doc;
    }()))))
        << t.id << " breaks the topic rules";
  }
  for (auto lang : {"en", "fr", "es", "de", "it", "pt-BR"})
    for (auto level : all_levels)
      EXPECT_TRUE(covered.count({lang, level})) << lang;
}

TEST(EventEnvelope, HasTheContractsFields) {
  event e{"e1", "session.completed", t0, "s1", R"({"sessionId":"s1"})"};
  auto env = boost::json::parse(envelope_line(e)).as_object();
  EXPECT_EQ(env.size(), 5u);
  EXPECT_EQ(env["eventId"], "e1");
  EXPECT_EQ(env["type"], "session.completed");
  EXPECT_EQ(env["occurredAt"], "2026-11-18T11:06:40.123Z");
  EXPECT_EQ(env["version"], 1);
  EXPECT_EQ(env["data"].as_object()["sessionId"], "s1");
}

boost::json::object parsed(const std::string& text) {
  return boost::json::parse(text).as_object();
}

TEST(SessionEvents, CompletedCarriesXpEligibility) {
  conversation_session s;
  s.status = session_status::completed;
  EXPECT_EQ(parsed(session_event_data(s, "session.completed"))["xpEligible"], true);
  EXPECT_FALSE(parsed(session_event_data(s, "session.cancelled")).contains("xpEligible"));
}

TEST(SessionEvents, NameTheParticipantsTimingsAndOutcome) {
  conversation_session s;
  s.id = "s1";
  s.participant1_id = "marie";
  s.participant2_id = "jean";
  s.started_at = t0;
  s.reason = end_reason::dropped;
  auto data = parsed(session_event_data(s, "session.cancelled"));
  EXPECT_EQ(data["sessionId"], "s1");
  EXPECT_EQ(data["participants"], boost::json::parse(R"(["marie","jean"])"));
  EXPECT_EQ(data["topicId"], nullptr);
  EXPECT_EQ(data["startedAt"], "2026-11-18T11:06:40.123Z");
  EXPECT_EQ(data["endedAt"], nullptr);
  EXPECT_EQ(data["endReason"], "dropped");
}

TEST(RequestEvents, CarryTheRequestAsRequestIdWithoutItsVersion) {
  matchmaking_request r;
  r.id = "r1";
  r.user_id = "alice";
  r.version = 3;
  auto data = parsed(request_event_data(r, "left"));
  auto doc = to_json(r);
  EXPECT_EQ(data["requestId"], "r1");
  EXPECT_FALSE(data.contains("id"));
  EXPECT_FALSE(data.contains("version"));
  EXPECT_EQ(data["reason"], "left");
  for (const auto& [key, value] : doc) {
    if (key == "id" || key == "version") continue;
    EXPECT_EQ(data[key], value) << key;
  }
  EXPECT_FALSE(parsed(request_event_data(r)).contains("reason"));
}

TEST(DocumentText, EscapesWhatJsonRequires) {
  // Reports carry a participant's free text; it must come back as it was written.
  const std::string text = "say \"hi\"\\ then\n\ttab \x01 and é";
  auto doc = parsed(json_object_text().field("details", text).field("n", 7).finish());
  EXPECT_EQ(doc["details"].as_string(), text);
  EXPECT_EQ(doc["n"], 7);
}

}  // namespace
}  // namespace conv::domain
