#include "app/server_messages.hpp"

#include <boost/json.hpp>

namespace conv::app::messages {
namespace {

outbound_message text(const boost::json::object& o) {
  return make_message(boost::json::serialize(o));
}

}  // namespace

outbound_message match_found(const domain::conversation_session& s, const std::string& user,
                             const std::optional<domain::topic>& topic,
                             boost::json::object ice_servers,
                             std::chrono::seconds heartbeat_interval) {
  const bool initiator = user == s.participant1_id;
  const auto partner_level = initiator ? s.participant2_level : s.participant1_level;
  return text(
      {{"type", "match-found"},
       {"sessionId", s.id},
       {"isInitiator", initiator},
       {"partner", {{"userId", s.partner_of(user)}, {"level", domain::level_name(partner_level)}}},
       {"topic", topic ? boost::json::value(domain::to_json(*topic)) : boost::json::value(nullptr)},
       {"iceServers", ice_servers["iceServers"]},
       {"ttlSeconds", ice_servers["ttlSeconds"]},
       {"heartbeatIntervalS", heartbeat_interval.count()}});
}

outbound_message session_started(const domain::conversation_session& s) {
  return text({{"type", "session-started"},
               {"sessionId", s.id},
               {"startedAt", s.started_at ? format_rfc3339(*s.started_at) : std::string()}});
}

outbound_message session_ended(const domain::conversation_session& s) {
  return text({{"type", "session-ended"},
               {"sessionId", s.id},
               {"status", domain::status_name(s.status)},
               {"endReason", domain::end_reason_name(s.reason)},
               {"actualDurationSeconds", s.actual_duration_seconds}});
}

outbound_message match_timeout(const domain::matchmaking_request& r) {
  return text({{"type", "match-timeout"},
               {"requestId", r.id},
               {"targetLanguageCode", r.target_language_code},
               {"userLevel", domain::level_name(r.user_level)}});
}

outbound_message peer_status(const std::string& session_id, const std::string& user,
                             bool connected) {
  return text({{"type", "peer-status"},
               {"sessionId", session_id},
               {"userId", user},
               {"status", connected ? "reconnected" : "disconnected"}});
}

outbound_message heartbeat_ack(std::string_view session_id) {
  boost::json::object o{{"type", "heartbeat-ack"}};
  if (!session_id.empty()) o["sessionId"] = session_id;
  return text(o);
}

outbound_message feedback_ready(const std::string& session_id, boost::json::object feedback) {
  return text(
      {{"type", "feedback-ready"}, {"sessionId", session_id}, {"feedback", std::move(feedback)}});
}

outbound_message error(errc code, std::string_view message) {
  return text({{"type", "error"}, {"code", code_name(code)}, {"message", message}});
}

}  // namespace conv::app::messages
