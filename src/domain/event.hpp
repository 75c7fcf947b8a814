#pragma once
// Events the service publishes to `conversation.events`, and their envelope.
#include "common/json_text.hpp"
#include "common/time.hpp"
#include "domain/matchmaking_request.hpp"
#include "domain/session.hpp"

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
// session.completed also carries xpEligible: true. Events that say more (a report, a
// recording) add their fields after these.
void write_session_event_fields(json_object_text& out, const conversation_session& s,
                                std::string_view type);
std::string session_event_data(const conversation_session& s, std::string_view type);
// Payload of the matchmaking.* events: the request with its id as `requestId`, and the
// reason it ended when there is one.
std::string request_event_data(const matchmaking_request& r, std::string_view reason = {});

}  // namespace conv::domain
