#include "transport/ws_gateway.hpp"

#include "app/server_messages.hpp"
#include "observability/logging.hpp"
#include "transport/error_mapping.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/url/parse.hpp>

#include <deque>

namespace conv::transport {
namespace {

namespace websocket = beast::websocket;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

const auto& log() {
  static const auto logger = observability::module_logger("ws");
  return logger;
}

// The token from `Authorization: Bearer …`, else from `?access_token=` (browsers cannot set
// headers on a WebSocket). The query is never logged.
std::optional<std::string> token_of(const http::request<http::empty_body>& req) {
  if (auto bearer = bearer_token(req[http::field::authorization])) return std::string(*bearer);
  auto url = boost::urls::parse_origin_form(req.target());
  if (!url) return std::nullopt;
  auto it = url->params().find("access_token");
  if (it == url->params().end()) return std::nullopt;
  return std::string((*it).value);
}

class token_bucket {
 public:
  token_bucket(double rate, double burst) : rate_(rate), burst_(burst), tokens_(burst) {}
  bool take(std::chrono::steady_clock::time_point now) {
    const double elapsed = std::chrono::duration<double>(now - last_).count();
    last_ = now;
    tokens_ = std::min(burst_, tokens_ + elapsed * rate_);
    if (tokens_ < 1) return false;
    tokens_ -= 1;
    return true;
  }

 private:
  double rate_, burst_, tokens_;
  std::chrono::steady_clock::time_point last_ = std::chrono::steady_clock::now();
};

}  // namespace

// One client's WebSocket. All its state is touched on its strand only: push() and close()
// post there. Reads run in a coroutine; writes are a callback chain, so an idle connection
// holds no writer frame.
class ws_connection : public app::connection_sink,
                      public std::enable_shared_from_this<ws_connection> {
 public:
  ws_connection(ws_gateway& gateway, tcp::socket socket, std::string user)
      : gateway_(gateway),
        ws_(std::move(socket)),
        user_(std::move(user)),
        bucket_(gateway.settings().messages_per_second, gateway.settings().burst) {}
  ~ws_connection() override { gateway_.forget(this); }

  asio::awaitable<void> run(http::request<http::empty_body> req);

  bool push(app::outbound_message message) override {
    asio::post(ws_.get_executor(), [self = shared_from_this(), m = std::move(message)]() mutable {
      self->enqueue(std::move(m));
    });
    return true;
  }

  void close(std::uint16_t code, std::string_view reason) override {
    asio::post(ws_.get_executor(), [self = shared_from_this(), code, r = std::string(reason)] {
      self->begin_close(code, r);
    });
  }

 private:
  void enqueue(app::outbound_message m) {
    if (closing_ || dead_) return;
    const auto& limits = gateway_.settings();
    if (queue_.size() >= limits.max_queued_messages ||
        queued_bytes_ + m->size() > limits.max_queued_bytes) {
      gateway_.slow_readers_cut.inc();
      log()->warn("cutting off user {}: it reads too slowly", user_);
      abort();
      return;
    }
    queued_bytes_ += m->size();
    queue_.push_back(std::move(m));
    if (!writing_ && open_) write_next();
  }

  void write_next() {
    if (queue_.empty()) {
      if (closing_) finish_close();
      return;
    }
    writing_ = true;
    ws_.text(true);
    ws_.async_write(asio::buffer(*queue_.front()),
                    [self = shared_from_this()](boost::system::error_code ec, std::size_t) {
                      self->writing_ = false;
                      self->queued_bytes_ -= self->queue_.front()->size();
                      self->queue_.pop_front();
                      if (ec) {
                        self->abort();
                        return;
                      }
                      self->gateway_.messages_out.inc();
                      self->write_next();
                    });
  }

  void begin_close(std::uint16_t code, std::string reason) {
    if (closing_ || dead_) return;
    closing_ = true;
    close_reason_ = websocket::close_reason(static_cast<websocket::close_code>(code), reason);
    if (!writing_ && open_) finish_close();
  }

  void finish_close() {
    if (close_started_) return;
    close_started_ = true;
    ws_.async_close(close_reason_, [self = shared_from_this()](boost::system::error_code) {});
  }

  void abort() {
    dead_ = true;
    boost::system::error_code ignored;
    ws_.next_layer().shutdown(tcp::socket::shutdown_both, ignored);
    ws_.next_layer().close(ignored);
  }

  asio::awaitable<void> read_loop();

  ws_gateway& gateway_;
  websocket::stream<tcp::socket> ws_;
  std::string user_;
  token_bucket bucket_;
  std::size_t refusals_ = 0;
  std::deque<app::outbound_message> queue_;
  std::size_t queued_bytes_ = 0;
  websocket::close_reason close_reason_;
  bool open_ = false, writing_ = false, closing_ = false, close_started_ = false, dead_ = false;
};

asio::awaitable<void> ws_connection::run(http::request<http::empty_body> req) {
  const auto& settings = gateway_.settings();
  websocket::stream_base::timeout timeouts{};
  timeouts.handshake_timeout = std::chrono::seconds(10);
  timeouts.idle_timeout = settings.idle_timeout;
  timeouts.keep_alive_pings = true;
  ws_.set_option(timeouts);
  ws_.read_message_max(settings.max_message);
  ws_.auto_fragment(false);
  ws_.set_option(websocket::stream_base::decorator(
      [](websocket::response_type& res) { res.set(http::field::server, "conversation-service"); }));
  auto [ec] = co_await ws_.async_accept(req, use_tuple);
  if (ec) co_return;
  open_ = true;
  req = {};  // the handshake's headers (and token) are not needed for the connection's life

  auto& service = gateway_.service();
  service.ctx.hub.attach(user_, shared_from_this(), service.ctx.clock.now());
  if (!queue_.empty() && !writing_) write_next();
  co_await service.on_connected(user_);

  co_await read_loop();

  if (service.ctx.hub.detach(user_, this)) co_await service.on_disconnected(user_);
}

asio::awaitable<void> ws_connection::read_loop() {
  auto& service = gateway_.service();
  const auto& settings = gateway_.settings();
  beast::flat_buffer buffer;
  for (;;) {
    auto [ec, n] = co_await ws_.async_read(buffer, use_tuple);
    if (ec) co_return;  // closed, too big (Beast closes with 1009), timed out or cut off
    gateway_.messages_in.inc();
    if (!bucket_.take(std::chrono::steady_clock::now())) {
      gateway_.rate_limited.inc();
      if (++refusals_ >= settings.refusals_before_close) {
        begin_close(websocket::close_code::policy_error, "message flood");
        buffer.consume(buffer.size());
        continue;  // keep reading until the close handshake ends the loop
      }
      enqueue(app::messages::error(errc::rate_limited, "slow down: too many messages"));
    } else if (!ws_.got_text()) {
      enqueue(app::messages::error(errc::malformed_json, "messages are JSON text frames"));
    } else {
      const auto size = buffer.size();
      buffer.prepare(app::signaling_relay::padding());  // the parser reads a little past the end
      const std::string_view text(static_cast<const char*>(buffer.data().data()), size);
      if (auto reply = co_await service.signaling.handle(user_, text)) enqueue(std::move(reply));
    }
    buffer.consume(buffer.size());
    // Keep small buffers for the next message, give large ones back.
    if (buffer.capacity() > 4096) buffer = beast::flat_buffer();
  }
}

ws_gateway::ws_gateway(app::conversation_service& service, authenticator& auth,
                       ws_settings settings, observability::metrics_registry& metrics)
    : messages_in(metrics.add_counter("conv_ws_messages_in_total", "WebSocket messages received")),
      messages_out(metrics.add_counter("conv_ws_messages_out_total", "WebSocket messages sent")),
      rate_limited(metrics.add_counter("conv_ws_rate_limited_total",
                                       "WebSocket messages refused with RATE_LIMITED")),
      slow_readers_cut(metrics.add_counter("conv_ws_slow_readers_cut_total",
                                           "WebSocket clients cut off for reading too slowly")),
      service_(service),
      auth_(auth),
      settings_(std::move(settings)) {
  metrics.add_gauge("conv_ws_connections", "open WebSocket connections",
                    [this] { return double(connection_count()); });
}

bool ws_gateway::origin_allowed(const http::request<http::empty_body>& req) const {
  auto origin = req[http::field::origin];
  if (origin.empty()) return true;  // native clients: judged by their token alone
  for (const auto& allowed : settings_.allowed_origins)
    if (allowed == "*" || allowed == origin) return true;
  if (!settings_.allowed_origins.empty()) return false;
  // Default: the service's own origin, as the browser addressed it.
  const auto host = req[http::field::host];
  return !host.empty() &&
         (origin == "http://" + std::string(host) || origin == "https://" + std::string(host));
}

asio::awaitable<void> ws_gateway::serve(beast::tcp_stream stream,
                                        http::request<http::empty_body> req) {
  auto refuse = [&](const error& e) -> asio::awaitable<void> {
    http::response<http::string_body> res{http_status_of(e.code), req.version()};
    res.set(http::field::content_type, "application/json");
    res.keep_alive(false);
    res.body() = error_body(e);
    res.prepare_payload();
    stream.expires_after(std::chrono::seconds(10));
    co_await http::async_write(stream, res, use_tuple);
  };
  if (!origin_allowed(req)) {
    co_await refuse(make_error(errc::forbidden, "this origin may not open a WebSocket here"));
    co_return;
  }
  auto token = token_of(req);
  if (!token) {
    co_await refuse(make_error(errc::unauthorized, "a token is required"));
    co_return;
  }
  auto claims = co_await auth_.authenticate(*token);
  if (!claims) {
    co_await refuse(claims.error());
    co_return;
  }
  auto connection =
      std::make_shared<ws_connection>(*this, stream.release_socket(), claims->subject);
  {
    std::lock_guard lock(mutex_);
    connections_.insert(connection.get());
  }
  co_await connection->run(std::move(req));
}

void ws_gateway::forget(ws_connection* c) {
  std::lock_guard lock(mutex_);
  connections_.erase(c);
}

void ws_gateway::close_all() {
  std::lock_guard lock(mutex_);
  for (auto* c : connections_)
    if (auto alive = c->weak_from_this().lock()) alive->close(1001, "the server is going away");
}

std::size_t ws_gateway::connection_count() const {
  std::lock_guard lock(mutex_);
  return connections_.size();
}

}  // namespace conv::transport
