#pragma once
// A conversation topic (seed ERD: Topic) and its validation.
#include "common/error.hpp"
#include "common/time.hpp"
#include "domain/level.hpp"

#include <boost/json/fwd.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace conv::domain {

struct topic {
  std::string id;
  std::string target_language_code;
  cefr_level level = cefr_level::a1;
  std::string title;
  std::string description;
  std::vector<std::string> prompt_questions;
  std::string category;
  int estimated_duration_minutes = 10;
  bool is_active = true;
  timestamp created_at{};
  // Every write stores the next version over the one it read (ports::topic_store::save); a
  // topic not stored yet is version 1.
  std::int64_t version = 1;

  bool operator==(const topic&) const = default;
};

inline constexpr std::size_t max_title_chars = 200;
inline constexpr std::size_t max_description_chars = 2000;
inline constexpr std::size_t max_category_chars = 64;
inline constexpr std::size_t max_prompt_questions = 20;
inline constexpr std::size_t max_prompt_question_chars = 500;
inline constexpr int min_topic_minutes = 1;
inline constexpr int max_topic_minutes = 60;

// Builds a topic from a POST body, or says which fields are wrong. `id` and `created_at`
// are the caller's: the service generates them.
result<topic> topic_from_create_body(const boost::json::value& body);

// Applies a PATCH body: only the fields present change; the same rules as create hold.
result<topic> topic_with_patch(topic current, const boost::json::value& body);

boost::json::object to_json(const topic& t);
std::optional<topic> topic_from_json(const boost::json::value& doc);

}  // namespace conv::domain
