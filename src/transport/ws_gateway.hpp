#pragma once
// The WebSocket side of the contract: authenticates the upgrade, checks its Origin, and
// runs one ws_connection per client, which reads messages into the signaling use case
// and writes what the presence hub hands it.
#include "app/conversation_service.hpp"
#include "common/keyed_rate_limiter.hpp"
#include "observability/metrics.hpp"
#include "transport/authenticator.hpp"
#include "transport/connection_slot.hpp"
#include "transport/http_types.hpp"
#include "transport/origin_policy.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/http/empty_body.hpp>

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace conv::transport {

struct ws_settings {
  // Normalised (common/web_origin.hpp), as config::load gives them. Empty: the service's own
  // origin; "*": any.
  std::vector<std::string> allowed_origins;
  std::size_t max_message = 64 * 1024;
  // No frame (not even a pong) for this long: the peer is gone, and is cut off. A quiet
  // connection is pinged after half of it.
  std::chrono::seconds idle_timeout{30};
  // Token bucket per connection: a steady rate with a burst allowance. Past the bucket a
  // message gets RATE_LIMITED; a client that keeps flooding is closed (1008).
  double messages_per_second = 50;
  double burst = 100;
  std::size_t refusals_before_close = 20;
  // Handshakes per user, the same way: past them, 429 RATE_LIMITED. A reconnect must not
  // buy a fresh message bucket (and a pair of peer-status messages) at will.
  double handshakes_per_second = 1;
  double handshake_burst = 10;
  // A reader this far behind is cut off rather than allowed to grow our memory.
  std::size_t max_queued_messages = 1024;
  std::size_t max_queued_bytes = 4 * 1024 * 1024;
};

class ws_connection;

class ws_gateway {
 public:
  ws_gateway(app::conversation_service& service, authenticator& auth, ws_settings settings,
             observability::metrics_registry& metrics, asio::any_io_executor sweep_executor);

  // Starts watching connections for idleness (see ws_settings::idle_timeout).
  void start_idle_sweep();

  // Authenticates the upgrade from the client at `peer` and starts the connection, which
  // then lives on its own: this returns once the handshake is under way.
  asio::awaitable<void> serve(beast::tcp_stream stream, http::request<http::empty_body> req,
                              connection_slot slot, std::string peer);
  // Stops the idle sweep and closes every connection with 1001 (going away), for shutdown.
  void close_all();
  // Cuts every connection still open, without waiting for its close handshake.
  void cut_all();
  std::size_t connection_count() const;

  // Used by ws_connection.
  app::conversation_service& service() { return service_; }
  const ws_settings& settings() const { return settings_; }
  // The browser origins allowed here, also for REST's CORS answers.
  const origin_policy& origins() const { return origins_; }
  void remember(ws_connection* c);
  void forget(ws_connection* c);

  observability::counter& messages_in;
  observability::counter& messages_out;
  observability::counter& rate_limited;
  observability::counter& slow_readers_cut;
  observability::counter& handshakes_refused;

 private:
  std::vector<std::shared_ptr<ws_connection>> alive_connections() const;

  app::conversation_service& service_;
  authenticator& auth_;
  ws_settings settings_;
  origin_policy origins_;
  keyed_rate_limiter handshake_budget_;  // per user
  mutable std::mutex mutex_;
  // Open connections, linked through the connections themselves (no node per connection).
  ws_connection* first_ = nullptr;
  std::size_t count_ = 0;
  std::atomic<app::connection_order> handshakes_{0};  // numbers connections as they come
  void sweep_after_interval();
  // On the service's context, which one thread runs (main/io_threads.hpp).
  asio::steady_timer sweep_timer_;
  bool sweep_stopped_ = false;  // touched on that thread only
};

}  // namespace conv::transport
