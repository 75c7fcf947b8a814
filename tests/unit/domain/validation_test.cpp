#include "domain/validation.hpp"
#include "domain/matchmaking_request.hpp"
#include "domain/topic.hpp"

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <string>
#include <vector>

namespace conv::domain {
namespace {

boost::json::value json(std::string_view text) {
  return boost::json::parse(text);
}

bool has_problem(const error& e, std::string_view field) {
  for (const auto& d : e.details)
    if (d.field == field) return true;
  return false;
}

TEST(LanguageCode, AcceptsIso6391WithOptionalRegion) {
  for (auto ok : {"aa", "en", "fr", "zu", "pt-BR", "zh-TW", "es-419"})
    EXPECT_TRUE(is_language_code(ok)) << ok;
  // Two lowercase letters are not enough: "xx" and "qq" name no language, and a typo would
  // wait in a queue nobody else joins.
  for (auto bad : {"", "e", "EN", "eng", "pt-br", "pt_BR", "e1", "en-", "xx", "qq", "zz", "ab-CDE",
                   "es-41", "es-4190", "es-41A", "pt-B1", "en-BR-x"})
    EXPECT_FALSE(is_language_code(bad)) << bad;
}

TEST(SafeId, RefusesSeparatorsQuotesAndOverlongIds) {
  EXPECT_TRUE(is_safe_id("alice"));
  EXPECT_TRUE(is_safe_id("6f1c2a3e-9b7d-4c1e-8f00-123456789abc"));
  for (auto bad : {"", "a/b", "a b", "a\"b", "a\\b", "é"})
    EXPECT_FALSE(is_safe_id(bad)) << bad;
  EXPECT_FALSE(is_safe_id(std::string(129, 'a')));
}

TEST(Utf8, RejectsOverlongSurrogatesAndTruncation) {
  EXPECT_TRUE(is_valid_utf8("héllo €𝄞"));
  EXPECT_FALSE(is_valid_utf8("\xC0\xAF"));          // overlong '/'
  EXPECT_FALSE(is_valid_utf8("\xED\xA0\x80"));      // surrogate
  EXPECT_FALSE(is_valid_utf8("\xE2\x82"));          // truncated
  EXPECT_FALSE(is_valid_utf8("\xF4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_EQ(utf8_length("héllo"), 5u);
}

TEST(UserId, AnyTextAnAuthServiceWritesButControlCharacters) {
  const std::vector<std::string> valid{
      "alice", "first+tag@example.com", "AbC/dEf+gh==", "Zoë",
      "a b",   "quote\"and\\backslash", "名前",         std::string(255, 'x')};
  for (const auto& id : valid)
    EXPECT_TRUE(is_valid_user_id(id)) << id;
  const std::vector<std::string> invalid{"",
                                         "   ",
                                         "a\nb",
                                         "a\tb",
                                         std::string("a\0b", 3),
                                         "a\x7f",
                                         "a\xc2\x85"
                                         "b",  // U+0085, a C1 control
                                         "bad\xff"
                                         "utf8",
                                         std::string(256, 'x')};
  for (const auto& id : invalid)
    EXPECT_FALSE(is_valid_user_id(id)) << id;
}

TEST(JoinWish, RequiresLanguageAndLevel) {
  auto r = join_wish_from_body(json("{}"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::validation_failed);
  EXPECT_TRUE(has_problem(r.error(), "targetLanguageCode"));
  EXPECT_TRUE(has_problem(r.error(), "userLevel"));
}

TEST(JoinWish, ReportsEveryWrongFieldAtOnce) {
  auto r = join_wish_from_body(json(
      R"({"targetLanguageCode":"english","userLevel":"B9","preferredDuration":0,"extra":1,"preferredTopicId":"a/b"})"));
  ASSERT_FALSE(r);
  for (auto field :
       {"targetLanguageCode", "userLevel", "preferredDuration", "extra", "preferredTopicId"})
    EXPECT_TRUE(has_problem(r.error(), field)) << field;
}

TEST(JoinWish, RefusesWrongTypes) {
  auto r = join_wish_from_body(
      json(R"({"targetLanguageCode":1,"userLevel":["B1"],"preferredDuration":"5"})"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().details.size(), 3u);
}

TEST(JoinWish, AcceptsAFullBody) {
  auto r = join_wish_from_body(json(
      R"({"targetLanguageCode":"pt-BR","userLevel":"C2","learningProfileId":"lp-1","preferredTopicId":"t1","preferredDuration":15})"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->target_language_code, "pt-BR");
  EXPECT_EQ(r->user_level, cefr_level::c2);
  EXPECT_EQ(r->preferred_duration, 15);
}

TEST(JoinWish, TakesALearningProfileIdAsAnotherServiceWritesIt) {
  // Base64 and non-ASCII ids pass; control characters and more than 255 bytes do not. A
  // preferred topic is one of this service's ids.
  auto with_profile = [](const std::string& id) {
    boost::json::object body{{"targetLanguageCode", "en"}, {"userLevel", "B1"}};
    body["learningProfileId"] = id;
    return join_wish_from_body(body);
  };
  for (std::string ok : {"bHAtMQ+/ab==", "profil-é", "lp 1"}) {
    auto r = with_profile(ok);
    ASSERT_TRUE(r) << ok;
    EXPECT_EQ(r->learning_profile_id, ok);
  }
  for (auto bad : {std::string("lp\n1"), std::string(256, 'x'), std::string(" ")})
    EXPECT_FALSE(with_profile(bad)) << bad;
  EXPECT_FALSE(join_wish_from_body(
      json(R"({"targetLanguageCode":"en","userLevel":"B1","preferredTopicId":"t 1"})")));
}

TEST(TopicValidation, EnforcesTheContractsBounds) {
  std::string questions = "[";
  for (int i = 0; i < 21; ++i)
    questions += std::string(i ? "," : "") + "\"q\"";
  questions += "]";
  auto r = topic_from_create_body(json(R"({"targetLanguageCode":"en","level":"B1","title":")" +
                                       std::string(201, 'x') + R"(","promptQuestions":)" +
                                       questions + R"(,"estimatedDurationMinutes":61})"));
  ASSERT_FALSE(r);
  EXPECT_TRUE(has_problem(r.error(), "title"));
  EXPECT_TRUE(has_problem(r.error(), "promptQuestions"));
  EXPECT_TRUE(has_problem(r.error(), "estimatedDurationMinutes"));
}

TEST(TopicValidation, TitleLengthCountsCharactersNotBytes) {
  std::string title;
  for (int i = 0; i < 200; ++i)
    title += "é";
  auto r = topic_from_create_body(
      json(R"({"targetLanguageCode":"fr","level":"A1","title":")" + title + "\"}"));
  EXPECT_TRUE(r);
}

TEST(TopicValidation, PatchChangesOnlyWhatIsGiven) {
  auto created =
      topic_from_create_body(json(R"({"targetLanguageCode":"en","level":"B1","title":"Travel"})"));
  ASSERT_TRUE(created);
  auto patched = topic_with_patch(*created, json(R"({"title":"Trips","isActive":false})"));
  ASSERT_TRUE(patched);
  EXPECT_EQ(patched->title, "Trips");
  EXPECT_FALSE(patched->is_active);
  EXPECT_EQ(patched->level, cefr_level::b1);
  EXPECT_FALSE(topic_with_patch(*created, json(R"({"title":""})")));
}

TEST(TopicValidation, TextOfOnlyWhiteSpaceIsRefused) {
  auto r = topic_from_create_body(json(
      R"({"targetLanguageCode":"en","level":"B1","title":" \t\n ","promptQuestions":["ok","  "]})"));
  ASSERT_FALSE(r);
  EXPECT_TRUE(has_problem(r.error(), "title"));
  EXPECT_TRUE(has_problem(r.error(), "promptQuestions[1]"));
  EXPECT_TRUE(topic_from_create_body(
      json(R"({"targetLanguageCode":"en","level":"B1","title":" Travel "})")));
}

TEST(TopicValidation, PatchNullClearsOptionalFieldsAndIsRefusedForTheOthers) {
  auto created = topic_from_create_body(
      json(R"({"targetLanguageCode":"en","level":"B1","title":"Travel","description":"Trips",)"
           R"("category":"travel","promptQuestions":["Where?"]})"));
  ASSERT_TRUE(created);
  auto cleared = topic_with_patch(
      *created, json(R"({"description":null,"category":null,"promptQuestions":null})"));
  ASSERT_TRUE(cleared);
  EXPECT_EQ(cleared->description, "");
  EXPECT_EQ(cleared->category, "");
  EXPECT_TRUE(cleared->prompt_questions.empty());
  EXPECT_EQ(cleared->title, "Travel");
  auto refused =
      topic_with_patch(*created, json(R"({"title":null,"level":null,"targetLanguageCode":null,)"
                                      R"("estimatedDurationMinutes":null,"isActive":null})"));
  ASSERT_FALSE(refused);
  for (auto field :
       {"title", "level", "targetLanguageCode", "estimatedDurationMinutes", "isActive"})
    EXPECT_TRUE(has_problem(refused.error(), field)) << field;
}

}  // namespace
}  // namespace conv::domain
