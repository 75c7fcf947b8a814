#pragma once
// Events the service consumes from the rest of the platform, decoded from their envelope
// `{"eventId","type","occurredAt","version","data":{…}}`:
// - `user.events`: `user.deleted` and `user.banned` with `data.userId`;
// - `feedback.events`: `feedback.completed` with `data.sessionId`.
// Any other type on those topics is an unknown_event: skipped, as the contract asks, so
// that producers can add types without breaking this consumer.
#include "common/error.hpp"
#include "common/time.hpp"

#include <boost/json/object.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace conv::domain {

inline constexpr std::string_view user_events_topic = "user.events";
inline constexpr std::string_view feedback_events_topic = "feedback.events";

struct user_removed {
  std::string user_id;
  std::string type;  // user.deleted or user.banned
  // The envelope's `occurredAt`, when it is an RFC 3339 time (it is informative: an event
  // without a usable one is still acted on, as of when it is handled).
  std::optional<timestamp> occurred_at;
};

struct feedback_completed {
  std::string session_id;
  boost::json::object data;  // the event's data as published: handed to the participants
};

struct unknown_event {
  std::string type;
};

using platform_event = std::variant<user_removed, feedback_completed, unknown_event>;

// Fails with malformed_json (not one JSON object) or validation_failed (a missing or
// mistyped field the event's type needs), with a message naming the field.
result<platform_event> decode_platform_event(std::string_view topic, std::string_view text);

}  // namespace conv::domain
