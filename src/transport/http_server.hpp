#pragma once
// Accepts TCP connections and serves HTTP/1.1 on them: REST, the streamed audio
// endpoints, the web client's static files, and the upgrade to the WebSocket gateway.
#include "transport/client_address.hpp"
#include "transport/connection_slot.hpp"
#include "transport/http_types.hpp"
#include "transport/rest_api.hpp"
#include "transport/ws_gateway.hpp"

#include <boost/asio/io_context.hpp>

#include <array>
#include <atomic>
#include <filesystem>
#include <memory>
#include <optional>
#include <vector>

namespace conv::transport {

class static_files;

struct server_limits {
  std::size_t max_connections = 50'000;
  // Per client address (IPv6: per /64); a trusted proxy's connections are not counted.
  std::size_t max_connections_per_address = 2'000;
  std::size_t max_json_body = 64 * 1024;
  std::size_t max_header = 16 * 1024;
  std::chrono::seconds idle_timeout{60};
};

class http_server {
 public:
  // Listens on the first context; accepted connections go to each context in turn, and
  // each is served on its context's one thread.
  http_server(std::vector<asio::io_context*> contexts, tcp::endpoint endpoint, rest_api& api,
              ws_gateway& gateway, app::audio_recordings& audio, static_files* files,
              server_limits limits, client_address clients,
              observability::metrics_registry& metrics);
  ~http_server();

  tcp::endpoint local_endpoint() const;
  void start();
  // Stops accepting; requests in flight finish, and a request that arrives afterwards on a
  // kept-alive connection gets 503 SERVICE_UNAVAILABLE and the connection closes.
  void stop_accepting();
  std::size_t open_connections() const { return counts_.open(); }
  // Requests being answered now (idle keep-alive connections do not count).
  std::size_t requests_in_flight() const { return busy_.load(); }

 private:
  asio::awaitable<void> accept_loop();
  asio::awaitable<void> serve(tcp::socket socket, asio::ip::address peer_address,
                              connection_slot slot);
  void count_response(unsigned status);  // conv_http_responses_total

  std::vector<asio::io_context*> contexts_;
  std::size_t next_context_ = 0;  // the accept loop's only
  tcp::acceptor acceptor_;
  rest_api& api_;
  ws_gateway& gateway_;
  app::audio_recordings& audio_;
  static_files* files_;
  server_limits limits_;
  client_address clients_;
  connection_counts counts_;
  std::atomic<std::size_t> busy_{0};
  std::atomic<bool> stopping_{false};
  observability::counter& requests_total_;
  observability::counter& refused_total_;
  observability::counter& refused_per_address_total_;
  observability::histogram& request_seconds_;
  std::array<observability::counter*, 5> responses_{};  // by status class, 1xx to 5xx
};

}  // namespace conv::transport
