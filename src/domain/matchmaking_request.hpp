#pragma once
// A learner's wish for a partner (seed ERD: MatchmakingRequest).
#include "common/error.hpp"
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

boost::json::object to_json(const matchmaking_request& r);
std::optional<matchmaking_request> request_from_json(const boost::json::value& doc);

}  // namespace conv::domain
