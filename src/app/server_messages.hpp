#pragma once
// The server → client messages of the WebSocket protocol (contract: WebSocket /ws).
#include "app/outbound_message.hpp"
#include "common/error.hpp"
#include "domain/matchmaking_request.hpp"
#include "domain/session.hpp"
#include "domain/topic.hpp"

#include <boost/json/object.hpp>

#include <chrono>
#include <optional>
#include <string_view>

namespace conv::app::messages {

outbound_message match_found(const domain::conversation_session& s, const std::string& user,
                             const std::optional<domain::topic>& topic,
                             boost::json::object ice_servers,
                             std::chrono::seconds heartbeat_interval);
outbound_message session_started(const domain::conversation_session& s);
outbound_message session_ended(const domain::conversation_session& s);
outbound_message match_timeout(const domain::matchmaking_request& r);
outbound_message peer_status(const std::string& session_id, const std::string& user,
                             bool connected);
outbound_message heartbeat_ack(std::string_view session_id);
outbound_message feedback_ready(const std::string& session_id, boost::json::object feedback);
outbound_message error(errc code, std::string_view message);

}  // namespace conv::app::messages
