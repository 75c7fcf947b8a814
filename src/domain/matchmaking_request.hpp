#pragma once
// A learner's wish for a partner (seed ERD: MatchmakingRequest).
#include "common/error.hpp"
#include "common/json_text.hpp"
#include "common/time.hpp"
#include "domain/level.hpp"

#include <boost/json/fwd.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace conv::domain {

enum class request_status { pending, matched, cancelled, expired };
std::string_view status_name(request_status s);

struct matchmaking_request {
  std::string id;
  std::string user_id;
  std::optional<std::string> learning_profile_id;
  std::string target_language_code;
  cefr_level user_level = cefr_level::a1;
  std::optional<std::string> preferred_topic_id;
  std::optional<int> preferred_duration;
  request_status status = request_status::pending;
  std::optional<std::string> matched_with_user_id;
  std::optional<std::string> session_id;
  timestamp created_at{};
  timestamp expires_at{};
  std::int64_t version = 0;
};

// The queue a request waits in: "{language}:{level}".
std::string queue_key(std::string_view language, cefr_level level);

// The fields of a join body, validated. The user comes from the token, not the body.
struct join_wish {
  std::string target_language_code;
  cefr_level user_level = cefr_level::a1;
  std::optional<std::string> learning_profile_id;
  std::optional<std::string> preferred_topic_id;
  std::optional<int> preferred_duration;
};
inline constexpr int max_preferred_duration_minutes = 60;
result<join_wish> join_wish_from_body(const boost::json::value& body);

// The request as the REST API and the store show it. The text is the definition; the object
// is that text parsed, for callers that take a document apart.
std::string to_json_text(const matchmaking_request& r);
boost::json::object to_json(const matchmaking_request& r);
// Every field but `id` and `version`, in the order of to_json_text (events name the id
// `requestId` and carry no version).
void write_fields_but_id(json_object_text& out, const matchmaking_request& r);
std::optional<matchmaking_request> request_from_json(const boost::json::value& doc);

}  // namespace conv::domain
