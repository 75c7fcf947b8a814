#include "domain/event.hpp"

#include <boost/json.hpp>

namespace conv::domain {

std::string envelope_line(const event& e) {
  std::string line;
  line.reserve(e.data.size() + e.event_id.size() + e.type.size() + 96);
  line += R"({"eventId":)";
  line += boost::json::serialize(boost::json::string_view(e.event_id));
  line += R"(,"type":)";
  line += boost::json::serialize(boost::json::string_view(e.type));
  line += R"(,"occurredAt":")";
  line += format_rfc3339(e.occurred_at);  // digits and punctuation only
  line += R"(","version":1,"data":)";
  line += e.data;
  line += '}';
  return line;
}

boost::json::object session_event_data(const conversation_session& s, std::string_view type) {
  auto doc = to_json(s);
  boost::json::object data{
      {"sessionId", s.id},
      {"participants", boost::json::array{boost::json::value(s.participant1_id),
                                          boost::json::value(s.participant2_id)}},
      {"topicId", doc["topicId"]},
      {"targetLanguageCode", s.target_language_code},
      {"status", status_name(s.status)},
      {"startedAt", doc["startedAt"]},
      {"endedAt", doc["endedAt"]},
      {"actualDurationSeconds", s.actual_duration_seconds},
      {"endReason", doc["endReason"]}};
  if (type == "session.completed") data["xpEligible"] = true;
  return data;
}

boost::json::object request_event_data(const matchmaking_request& r) {
  auto doc = to_json(r);
  doc.erase("version");
  doc["requestId"] = doc["id"];
  doc.erase("id");
  return doc;
}

}  // namespace conv::domain
