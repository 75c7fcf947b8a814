#pragma once
// Events the service publishes to `conversation.events`, and their envelope.
#include "common/time.hpp"
#include "domain/matchmaking_request.hpp"
#include "domain/session.hpp"

#include <boost/json/object.hpp>

#include <string>
#include <string_view>

namespace conv::domain {

struct event {
  std::string event_id;
  std::string type;  // e.g. "session.completed"
  timestamp occurred_at{};
  std::string key;  // Kafka key: the session id, or the user id for matchmaking events
  // The payload, a JSON object serialized once when the event is made: the outbox stores it
  // and the sinks copy it into the envelope as it is.
  std::string data;
};

// The envelope as one line of JSON (no newline):
// {"eventId","type","occurredAt","version":1,"data"}
std::string envelope_line(const event& e);

// Payload of the session.* events: participants, topic, language, timings and outcome.
// session.completed also carries xpEligible: true.
boost::json::object session_event_data(const conversation_session& s, std::string_view type);
// Payload of the matchmaking.* events.
boost::json::object request_event_data(const matchmaking_request& r);

}  // namespace conv::domain
