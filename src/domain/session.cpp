#include "domain/session.hpp"

#include "common/json_text.hpp"

#include <boost/json.hpp>

namespace conv::domain {
namespace {

std::optional<std::string> optional_time(const std::optional<timestamp>& t) {
  return t ? std::optional(format_rfc3339(*t)) : std::nullopt;
}

std::optional<timestamp> read_optional_time(const boost::json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (!v || !v->is_string()) return std::nullopt;
  return parse_rfc3339(v->get_string());
}

std::optional<std::string> read_optional_text(const boost::json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (!v || !v->is_string()) return std::nullopt;
  return std::string(v->get_string());
}

}  // namespace

std::string_view status_name(session_status s) {
  switch (s) {
    case session_status::waiting:
      return "waiting";
    case session_status::active:
      return "active";
    case session_status::completed:
      return "completed";
    case session_status::cancelled:
      return "cancelled";
  }
  return "waiting";
}

std::optional<session_status> parse_session_status(std::string_view text) {
  for (auto s : {session_status::waiting, session_status::active, session_status::completed,
                 session_status::cancelled})
    if (status_name(s) == text) return s;
  return std::nullopt;
}

std::string_view end_reason_name(end_reason r) {
  switch (r) {
    case end_reason::none:
      return "";
    case end_reason::connect_timeout:
      return "connect_timeout";
    case end_reason::cancelled_by_user:
      return "cancelled_by_user";
    case end_reason::completed:
      return "completed";
    case end_reason::too_short:
      return "too_short";
    case end_reason::dropped:
      return "dropped";
    case end_reason::max_duration:
      return "max_duration";
    case end_reason::reported:
      return "reported";
    case end_reason::user_removed:
      return "user_removed";
  }
  return "";
}

namespace {
std::optional<end_reason> parse_end_reason(std::string_view text) {
  for (int r = 0; r <= int(end_reason::user_removed); ++r)
    if (end_reason_name(end_reason(r)) == text) return end_reason(r);
  return std::nullopt;
}
}  // namespace

namespace {

void write_public_fields(json_object_text& out, const conversation_session& s) {
  out.field("id", s.id)
      .field("topicId", s.topic_id)
      .field("targetLanguageCode", s.target_language_code)
      .field("participant1Id", s.participant1_id)
      .field("participant2Id", s.participant2_id)
      .field("participant1Level", level_name(s.participant1_level))
      .field("participant2Level", level_name(s.participant2_level))
      .field("status", status_name(s.status));
  out.field("scheduledAt", format_rfc3339(s.scheduled_at))
      .field("startedAt", optional_time(s.started_at))
      .field("endedAt", optional_time(s.ended_at))
      .field("actualDurationSeconds", s.actual_duration_seconds);
  if (s.reason == end_reason::none)
    out.null_field("endReason");
  else
    out.field("endReason", end_reason_name(s.reason));
  out.field("audioRecordingUrl", s.audio_recording_url)
      .field("createdAt", format_rfc3339(s.created_at))
      .field("participant1Connected", s.participant1_connected)
      .field("participant2Connected", s.participant2_connected)
      .field("version", s.version);
}

}  // namespace

std::string to_json_text(const conversation_session& s) {
  json_object_text out;
  write_public_fields(out, s);
  return out.finish();
}

std::string to_stored_json_text(const conversation_session& s) {
  json_object_text out;
  write_public_fields(out, s);
  out.field("participant1Reported", s.participant1_reported)
      .field("participant2Reported", s.participant2_reported);
  return out.finish();
}

boost::json::object to_json(const conversation_session& s) {
  return boost::json::parse(to_json_text(s)).as_object();
}

std::optional<conversation_session> session_from_json(const boost::json::value& doc) {
  const auto* o = doc.if_object();
  if (!o) return std::nullopt;
  try {
    conversation_session s;
    s.id = o->at("id").as_string();
    s.topic_id = read_optional_text(*o, "topicId");
    s.target_language_code = o->at("targetLanguageCode").as_string();
    s.participant1_id = o->at("participant1Id").as_string();
    s.participant2_id = o->at("participant2Id").as_string();
    auto l1 = parse_level(o->at("participant1Level").as_string());
    auto l2 = parse_level(o->at("participant2Level").as_string());
    auto status = parse_session_status(o->at("status").as_string());
    auto scheduled = parse_rfc3339(o->at("scheduledAt").as_string());
    auto created = parse_rfc3339(o->at("createdAt").as_string());
    if (!l1 || !l2 || !status || !scheduled || !created) return std::nullopt;
    s.participant1_level = *l1;
    s.participant2_level = *l2;
    s.status = *status;
    s.scheduled_at = *scheduled;
    s.created_at = *created;
    s.started_at = read_optional_time(*o, "startedAt");
    s.ended_at = read_optional_time(*o, "endedAt");
    s.actual_duration_seconds = int(o->at("actualDurationSeconds").to_number<std::int64_t>());
    if (auto r = read_optional_text(*o, "endReason")) {
      auto parsed = parse_end_reason(*r);
      if (!parsed) return std::nullopt;
      s.reason = *parsed;
    }
    s.audio_recording_url = read_optional_text(*o, "audioRecordingUrl");
    s.participant1_connected = o->at("participant1Connected").as_bool();
    s.participant2_connected = o->at("participant2Connected").as_bool();
    // Absent from documents stored before reports were counted.
    if (const auto* v = o->if_contains("participant1Reported"))
      s.participant1_reported = v->as_bool();
    if (const auto* v = o->if_contains("participant2Reported"))
      s.participant2_reported = v->as_bool();
    s.version = o->at("version").to_number<std::int64_t>();
    return s;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

}  // namespace conv::domain
