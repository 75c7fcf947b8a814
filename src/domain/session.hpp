#pragma once
// A conversation between two learners (seed ERD: ConversationSession).
#include "common/time.hpp"
#include "domain/level.hpp"

#include <boost/json/fwd.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace conv::domain {

enum class session_status { waiting, active, completed, cancelled };
enum class end_reason {
  none,
  connect_timeout,
  cancelled_by_user,
  completed,
  too_short,
  dropped,
  max_duration,
  reported,
  user_removed,
};

std::string_view status_name(session_status s);
std::optional<session_status> parse_session_status(std::string_view text);
std::string_view end_reason_name(end_reason r);
inline bool is_live(session_status s) {
  return s == session_status::waiting || s == session_status::active;
}

struct conversation_session {
  std::string id;
  std::optional<std::string> topic_id;
  std::string target_language_code;
  std::string participant1_id;  // the initiator: the user who waited
  std::string participant2_id;
  cefr_level participant1_level = cefr_level::a1;
  cefr_level participant2_level = cefr_level::a1;
  session_status status = session_status::waiting;
  timestamp scheduled_at{};
  std::optional<timestamp> started_at;
  std::optional<timestamp> ended_at;
  int actual_duration_seconds = 0;
  end_reason reason = end_reason::none;
  std::optional<std::string> audio_recording_url;
  timestamp created_at{};
  // Which participants have reported their RTCPeerConnection connected while waiting.
  bool participant1_connected = false;
  bool participant2_connected = false;
  // Which participants have reported their partner: once each (a report is an event for
  // moderation, and events are kept for good). Stored, never shown: a participant must not
  // learn that their partner reported them.
  bool participant1_reported = false;
  bool participant2_reported = false;
  // Compare-and-set token: every stored change increments it.
  std::int64_t version = 0;

  bool has_participant(std::string_view user) const {
    return user == participant1_id || user == participant2_id;
  }
  const std::string& partner_of(std::string_view user) const {
    return user == participant1_id ? participant2_id : participant1_id;
  }
};

// The session as the REST API shows it. The text is the definition; the object is that
// text parsed, for callers that take a document apart.
std::string to_json_text(const conversation_session& s);
boost::json::object to_json(const conversation_session& s);
// As stores keep it: the REST view and what only the service may know (who reported).
// session_from_json reads either.
std::string to_stored_json_text(const conversation_session& s);
std::optional<conversation_session> session_from_json(const boost::json::value& doc);

}  // namespace conv::domain
