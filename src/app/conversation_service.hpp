#pragma once
// The use cases of one instance, wired together: what the transport calls into, and the
// start-up that resumes whatever the store says was in flight.
#include "app/audio_recordings.hpp"
#include "app/context.hpp"
#include "app/matchmaker.hpp"
#include "app/outbox_relay.hpp"
#include "app/platform_event_consumer.hpp"
#include "app/session_lifecycle.hpp"
#include "app/signaling_relay.hpp"
#include "ports/liveness_record.hpp"

namespace conv::app {

class conversation_service {
 public:
  conversation_service(context& ctx, ports::audio_store& audio, ports::event_sink& events,
                       ports::event_source& platform_events, boost::asio::any_io_executor executor,
                       std::uint64_t audio_max_bytes);

  // Seeds topics, resumes live sessions and pending requests with their timers, starts
  // firing timers, relaying events and consuming the platform's. `previous_run_alive`: until when
  // the previous run of this instance was known to be running, when known. `liveness`: what the
  // previous run left about the calls it stopped hearing, and where this run leaves the same for
  // the next (none in tests that do not restart).
  ports::task<void> start(ports::liveness_record* liveness = nullptr);
  // Stops timers and the platform events' consumer; the outbox relay publishes what it can
  // and returns.
  boost::asio::awaitable<void> stop();

  // A user's connection opened (possibly replacing another) or their last one closed.
  boost::asio::awaitable<void> on_connected(std::string user);
  boost::asio::awaitable<void> on_disconnected(std::string user);

  context& ctx;
  session_lifecycle lifecycle;
  matchmaker matching;
  signaling_relay signaling;
  audio_recordings audio;
  outbox_relay outbox;
  removed_users removed;  // loaded from the store by start()
  platform_event_consumer platform_events;

 private:
  boost::asio::any_io_executor executor_;
  std::atomic<bool> outbox_done_{false};
  std::atomic<bool> platform_events_done_{false};
};

}  // namespace conv::app
