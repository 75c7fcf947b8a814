#include "main/service_metrics.hpp"

#include <atomic>
#include <cstdint>
#include <string>

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
  auto count = [&metrics](const char* name, const char* help,
                          const std::atomic<std::uint64_t>& value, std::string labels = {}) {
    metrics.add_counter_read_from(
        name, help, [&value] { return double(value.load()); }, labels);
  };
  const auto& requests = service.matching.totals();
  count("conv_matchmaking_requests_total", "matchmaking requests stored", requests.requests);
  count("conv_matches_total", "sessions created by a match", requests.matches);
  const char* unmatched = "requests that ended unmatched, by status";
  count("conv_matchmaking_requests_ended_total", unmatched, requests.expired, "status=\"expired\"");
  count("conv_matchmaking_requests_ended_total", unmatched, requests.cancelled,
        "status=\"cancelled\"");
  const auto& consumed = service.platform_events.totals();
  const char* platform = "events consumed from user.events and feedback.events, by outcome";
  count("conv_platform_events_total", platform, consumed.handled, "outcome=\"handled\"");
  count("conv_platform_events_total", platform, consumed.skipped, "outcome=\"skipped\"");
  count("conv_platform_events_total", platform, consumed.malformed, "outcome=\"malformed\"");
  count("conv_platform_events_total", platform, consumed.failed, "outcome=\"failed\"");
  const auto& transitions = service.lifecycle.totals();
  count("conv_sessions_started_total", "calls that started", transitions.started);
  const char* ended = "sessions that ended, by status";
  count("conv_sessions_ended_total", ended, transitions.completed, "status=\"completed\"");
  count("conv_sessions_ended_total", ended, transitions.cancelled, "status=\"cancelled\"");
}

}  // namespace conv
