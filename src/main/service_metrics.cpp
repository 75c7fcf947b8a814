#include "main/service_metrics.hpp"

namespace conv {

void register_service_metrics(observability::metrics_registry& metrics,
                              const transport::authenticator& authenticator,
                              const app::live_session_cache& sessions, const app::presence_hub& hub,
                              const app::conversation_service& service) {
  metrics.add_counter_read_from(
      "conv_auth_throttled_total",
      "requests and handshakes refused unverified: their address sent too many "
      "invalid tokens",
      [&authenticator] { return double(authenticator.throttled_total()); });
  metrics.add_gauge("conv_live_sessions", "waiting and active sessions known to this instance",
                    [&sessions] { return double(sessions.size()); });
  metrics.add_gauge("conv_users_online", "users with an open WebSocket on this instance",
                    [&hub] { return double(hub.online_count()); });
  metrics.add_counter_read_from("conv_events_published_total", "events handed to the event sink",
                                [&service] { return double(service.outbox.published_total()); });
  metrics.add_gauge("conv_users_with_held_messages",
                    "offline users with messages held until they connect",
                    [&hub] { return double(hub.held_users()); });
  metrics.add_counter_read_from("conv_held_messages_dropped_total",
                                "messages for offline users dropped at the held-message bound",
                                [&hub] { return double(hub.held_dropped_total()); });
  metrics.add_counter_read_from("conv_signaling_relayed_total", "signaling messages relayed",
                                [&service] { return double(service.signaling.relayed_total()); });
  // The platform's own figures: what this instance stored. Requests are joins that were
  // stored (pending, or matched at once); each match is a session created.
  const auto& requests = service.matching.totals();
  metrics.add_counter_read_from("conv_matchmaking_requests_total", "matchmaking requests stored",
                                [&requests] { return double(requests.requests.load()); });
  metrics.add_counter_read_from("conv_matches_total", "sessions created by a match",
                                [&requests] { return double(requests.matches.load()); });
  metrics.add_counter_read_from(
      "conv_matchmaking_requests_ended_total", "requests that ended unmatched, by status",
      [&requests] { return double(requests.expired.load()); }, "status=\"expired\"");
  metrics.add_counter_read_from(
      "conv_matchmaking_requests_ended_total", "requests that ended unmatched, by status",
      [&requests] { return double(requests.cancelled.load()); }, "status=\"cancelled\"");
  const auto& transitions = service.lifecycle.totals();
  metrics.add_counter_read_from("conv_sessions_started_total", "calls that started",
                                [&transitions] { return double(transitions.started.load()); });
  metrics.add_counter_read_from(
      "conv_sessions_ended_total", "sessions that ended, by status",
      [&transitions] { return double(transitions.completed.load()); }, "status=\"completed\"");
  metrics.add_counter_read_from(
      "conv_sessions_ended_total", "sessions that ended, by status",
      [&transitions] { return double(transitions.cancelled.load()); }, "status=\"cancelled\"");
}

}  // namespace conv
