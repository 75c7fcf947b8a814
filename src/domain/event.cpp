#include "domain/event.hpp"

namespace conv::domain {

std::string envelope_line(const event& e) {
  std::string line;
  line.reserve(e.data.size() + e.event_id.size() + e.type.size() + 96);
  line += R"({"eventId":)";
  append_json_string(line, e.event_id);
  line += R"(,"type":)";
  append_json_string(line, e.type);
  line += R"(,"occurredAt":")";
  line += format_rfc3339(e.occurred_at);  // digits and punctuation only
  line += R"(","version":1,"data":)";
  line += e.data;
  line += '}';
  return line;
}

void write_session_event_fields(json_object_text& out, const conversation_session& s,
                                std::string_view type) {
  std::string participants = "[";
  append_json_string(participants, s.participant1_id);
  participants += ',';
  append_json_string(participants, s.participant2_id);
  participants += ']';
  out.field("sessionId", s.id)
      .raw_field("participants", participants)
      .field("topicId", s.topic_id)
      .field("targetLanguageCode", s.target_language_code)
      .field("status", status_name(s.status));
  for (auto [key, time] : {std::pair{"startedAt", &s.started_at}, {"endedAt", &s.ended_at}}) {
    if (*time)
      out.field(key, format_rfc3339(**time));
    else
      out.null_field(key);
  }
  out.field("actualDurationSeconds", s.actual_duration_seconds);
  if (s.reason == end_reason::none)
    out.null_field("endReason");
  else
    out.field("endReason", end_reason_name(s.reason));
  if (type == "session.completed") out.field("xpEligible", true);
}

std::string session_event_data(const conversation_session& s, std::string_view type) {
  json_object_text out;
  write_session_event_fields(out, s, type);
  return out.finish();
}

std::string request_event_data(const matchmaking_request& r, std::string_view reason) {
  json_object_text out;
  out.field("requestId", r.id);
  write_fields_but_id(out, r);
  if (!reason.empty()) out.field("reason", reason);
  return out.finish();
}

}  // namespace conv::domain
