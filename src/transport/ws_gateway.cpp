#include "transport/ws_gateway.hpp"

#include "app/server_messages.hpp"
#include "common/token_bucket.hpp"
#include "observability/logging.hpp"
#include "transport/error_mapping.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/container/devector.hpp>
#include <boost/url/parse.hpp>

#include <algorithm>
#include <memory>
#include <vector>

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

// The connection's socket names its executor's type (its I/O thread's context) rather than
// the type-erased any_io_executor: every pending operation carries copies of the executor,
// so this makes an idle connection smaller and each dispatch cheaper.
using io_executor = asio::io_context::executor_type;
using ws_socket = asio::basic_stream_socket<tcp, io_executor>;

// Moves an accepted socket onto a concrete-typed socket on the same context.
ws_socket on_own_executor(tcp::socket socket) {
  const auto* executor = socket.get_executor().target<io_executor>();
  ws_socket moved(
      executor ? *executor
               : static_cast<asio::io_context&>(socket.get_executor().context()).get_executor());
  boost::system::error_code ec;
  const auto protocol = socket.local_endpoint(ec).protocol();
  const auto handle = socket.release(ec);
  if (!ec) moved.assign(protocol, handle, ec);
  return moved;
}

// How long a close may take, from the decision to close to the peer's close frame: Beast's
// closing handshake timeout, or less when the idle timeout is shorter (a peer silent that
// long is gone anyway).
std::chrono::steady_clock::duration close_handshake_limit(std::chrono::seconds idle_timeout) {
  return std::min<std::chrono::steady_clock::duration>(std::chrono::seconds(10), idle_timeout);
}

}  // namespace

// One client's WebSocket. All its state is touched on its context's one thread only: push()
// and close() post there. Reads and writes are callback chains, not coroutines: an idle connection
// holds this object, Beast's stream and one pending read, and no coroutine frame. The handlers hold
// the connection alive; it goes when the socket closes and the last one returns.
class ws_connection : public app::connection_sink,
                      public std::enable_shared_from_this<ws_connection> {
 public:
  ws_connection(ws_gateway& gateway, ws_socket socket, std::string user, connection_slot slot,
                app::connection_order order)
      : gateway_(gateway),
        ws_(std::move(socket)),
        user_(std::move(user)),
        slot_(std::move(slot)),
        bucket_(gateway.settings().burst, std::chrono::steady_clock::now()),
        order_(order) {}
  ~ws_connection() override { gateway_.forget(this); }

  // The gateway's list of open connections, under its lock.
  ws_connection* prev_ = nullptr;
  ws_connection* next_ = nullptr;

  void start(http::request<http::empty_body> req);

  bool push(app::outbound_message message) override {
    asio::post(ws_.get_executor(), [self = shared_from_this(), m = std::move(message)]() mutable {
      self->enqueue(std::move(m));
    });
    return true;
  }

  // Cuts the connection without a close handshake (shutdown, once the handshake had its
  // time): the pending operations end, and with them the connection.
  void cut() {
    asio::post(ws_.get_executor(), [self = shared_from_this()] { self->abort(); });
  }

  // Called by the gateway's sweep: pings a connection quiet for half the idle timeout,
  // cuts one quiet for all of it (the peer is gone without closing), one whose write has
  // not moved for as long (the peer reads nothing, whatever it sends), and one whose close
  // has not completed within close_handshake_limit (its close frame is stuck behind such a
  // write, or the peer never answers it).
  void check_idle(std::chrono::steady_clock::time_point now) {
    asio::post(ws_.get_executor(), [self = shared_from_this(), now] {
      if (!self->open_ || self->dead_) return;
      const auto limit = self->gateway_.settings().idle_timeout;
      if (self->closing_) {
        if (now - self->out_->closing_since >= close_handshake_limit(limit)) {
          log()->info("cutting off user {}: its connection did not close in time", self->user_);
          self->abort();
        }
        return;
      }
      if (self->writing_ && now - self->out_->write_started >= limit) {
        self->gateway_.slow_readers_cut.inc();
        log()->warn("cutting off user {}: it has read nothing for {} s", self->user_,
                    std::chrono::duration_cast<std::chrono::seconds>(limit).count());
        self->abort();
        return;
      }
      const auto quiet = now - self->last_heard_;
      if (quiet >= limit) {
        log()->info("cutting off user {}: nothing heard for {} s", self->user_,
                    std::chrono::duration_cast<std::chrono::seconds>(quiet).count());
        self->abort();
      } else if (quiet >= limit / 2 && !self->ping_pending_) {
        self->ping_pending_ = true;
        self->ws_.async_ping({},
                             [self](boost::system::error_code) { self->ping_pending_ = false; });
      }
    });
  }

  void close(std::uint16_t code, std::string_view reason) override {
    asio::post(ws_.get_executor(), [self = shared_from_this(), code, r = std::string(reason)] {
      self->begin_close(code, r);
    });
  }

 private:
  void on_accepted();
  void read_next();
  void on_read(boost::system::error_code ec);
  void handle_message();
  void after_message();
  void on_read_end();

  void enqueue(app::outbound_message m) {
    if (closing_ || dead_ || !m) return;
    const auto& limits = gateway_.settings();
    if (!out_) out_ = std::make_unique<outgoing>();
    if (out_->queue.size() >= limits.max_queued_messages ||
        out_->bytes + m->size() > limits.max_queued_bytes) {
      gateway_.slow_readers_cut.inc();
      log()->warn("cutting off user {}: it reads too slowly", user_);
      abort();
      return;
    }
    out_->bytes += m->size();
    out_->queue.push_back(std::move(m));
    if (!writing_ && open_) write_next();
  }

  void write_next() {
    if (!out_ || out_->queue.empty()) {
      if (closing_)
        finish_close();
      else
        out_.reset();  // drained: an idle connection keeps no write state
      return;
    }
    writing_ = true;
    out_->write_started = std::chrono::steady_clock::now();
    ws_.text(true);
    ws_.async_write(asio::buffer(*out_->queue.front()),
                    [self = shared_from_this()](boost::system::error_code ec, std::size_t) {
                      self->writing_ = false;
                      self->out_->bytes -= self->out_->queue.front()->size();
                      self->out_->queue.pop_front();
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
    if (!out_) out_ = std::make_unique<outgoing>();
    out_->closing_since = std::chrono::steady_clock::now();
    out_->close_code = code;
    out_->close_text = std::move(reason);
    if (!writing_ && open_) finish_close();
  }

  void finish_close() {
    if (close_started_) return;
    close_started_ = true;
    // Beast writes the reason into the close frame as the operation starts.
    const websocket::close_reason reason(static_cast<websocket::close_code>(out_->close_code),
                                         out_->close_text);
    ws_.async_close(reason, [self = shared_from_this()](boost::system::error_code) {});
  }

  void abort() {
    dead_ = true;
    boost::system::error_code ignored;
    ws_.next_layer().shutdown(ws_socket::shutdown_both, ignored);
    ws_.next_layer().close(ignored);
  }

  ws_gateway& gateway_;
  websocket::stream<ws_socket> ws_;
  std::string user_;
  connection_slot slot_;
  token_bucket bucket_;
  // When its handshake arrived, among all connections (presence_hub); 32 bits beside
  // refusals_ keep the connection in its allocation size class.
  app::connection_order order_;
  std::uint32_t refusals_ = 0;
  std::vector<char> buffer_;  // the message being read
  // Messages waiting to be written and the close to send after them: allocated while there
  // is something to write or a close pending, so an idle connection carries none of it.
  struct outgoing {
    // Not a std::deque: that allocates a 512-byte block up front.
    boost::container::devector<app::outbound_message> queue;
    std::size_t bytes = 0;
    std::chrono::steady_clock::time_point write_started;  // of the write in progress
    std::chrono::steady_clock::time_point closing_since;  // once closing_
    std::uint16_t close_code = 0;
    std::string close_text;
  };
  std::unique_ptr<outgoing> out_;
  std::chrono::steady_clock::time_point last_heard_ = std::chrono::steady_clock::now();
  bool open_ = false, writing_ = false, closing_ = false, close_started_ = false, dead_ = false;
  bool ping_pending_ = false;
};

void ws_connection::start(http::request<http::empty_body> req) {
  const auto& settings = gateway_.settings();
  // Beast times the opening and closing handshakes only. Idleness is watched by the
  // gateway's sweep (check_idle), not by a timer per connection.
  websocket::stream_base::timeout timeouts{};
  timeouts.handshake_timeout = std::chrono::seconds(10);
  timeouts.idle_timeout = websocket::stream_base::none();
  timeouts.keep_alive_pings = false;
  ws_.set_option(timeouts);
  // Pings, pongs and close frames are signs of life too. The callback runs inside this
  // stream's own read operations, on the connection's thread. A ping costs a pong that
  // Beast writes by itself, so pings draw on the message budget too: a flood of them (one
  // core's worth from two connections) is closed like a flood of messages. The close is
  // posted, as no operation may be started from inside the read.
  ws_.control_callback([this](websocket::frame_type kind, beast::string_view) {
    const auto now = std::chrono::steady_clock::now();
    last_heard_ = now;
    const auto& limits = gateway_.settings();
    if (kind != websocket::frame_type::ping || closing_ ||
        bucket_.take(now, limits.messages_per_second, limits.burst))
      return;
    gateway_.rate_limited.inc();
    if (++refusals_ == limits.refusals_before_close)
      asio::post(ws_.get_executor(), [self = shared_from_this()] {
        self->begin_close(websocket::close_code::policy_error, "ping flood");
      });
  });
  ws_.read_message_max(settings.max_message);
  ws_.auto_fragment(false);
  ws_.set_option(websocket::stream_base::decorator(
      [](websocket::response_type& res) { res.set(http::field::server, "conversation-service"); }));
  // The request lives in the handler until the handshake's answer is written, then goes.
  auto request = std::make_unique<http::request<http::empty_body>>(std::move(req));
  auto& ref = *request;
  ws_.async_accept(
      ref, [self = shared_from_this(), request = std::move(request)](boost::system::error_code ec) {
        if (!ec) self->on_accepted();
      });
}

void ws_connection::on_accepted() {
  open_ = true;
  if (closing_) {  // the server began shutting down during the handshake
    finish_close();
    return;
  }
  auto& service = gateway_.service();
  if (service.ctx.hub.attach(user_, shared_from_this(), service.ctx.clock.now(), order_) ==
      app::presence_hub::attached::stale) {
    read_next();  // a newer connection of the user got here first: this one is closing
    return;
  }
  if (out_ && !writing_) write_next();
  log()->debug("user {} connected", user_);
  // Reading starts once the service has seen the connection (held messages, peer-status).
  asio::co_spawn(ws_.get_executor(), service.on_connected(user_),
                 [self = shared_from_this()](std::exception_ptr) { self->read_next(); });
}

// An idle connection waits with buffer_ prepared for the next message's first bytes: a
// small first read keeps that cheap (Beast's own reads would prepare 1536 bytes); the rest
// of a larger message follows in reads sized to what remains of it.
constexpr std::size_t first_read_bytes = 256;

void ws_connection::read_next() {
  const auto had = buffer_.size();
  const auto want = had == 0 ? first_read_bytes : ws_.read_size_hint(first_read_bytes);
  buffer_.resize(had + want);
  ws_.async_read_some(
      asio::buffer(buffer_.data() + had, want),
      [self = shared_from_this(), had](boost::system::error_code ec, std::size_t n) {
        self->buffer_.resize(had + n);
        self->on_read(ec);
      });
}

void ws_connection::on_read(boost::system::error_code ec) {
  if (ec) {  // closed, too big (Beast closes with 1009), timed out or cut off
    on_read_end();
    return;
  }
  if (closing_) {
    // Replaced, flooding or shutting down: what it still sends is read (its close frame is
    // awaited behind it) but not acted on, nor taken as a sign of life.
    buffer_.clear();
    read_next();
    return;
  }
  last_heard_ = std::chrono::steady_clock::now();
  if (!ws_.is_message_done()) {
    read_next();
    return;
  }
  gateway_.messages_in.inc();
  const auto& limits = gateway_.settings();
  if (!bucket_.take(std::chrono::steady_clock::now(), limits.messages_per_second, limits.burst)) {
    gateway_.rate_limited.inc();
    if (++refusals_ >= gateway_.settings().refusals_before_close)
      begin_close(websocket::close_code::policy_error, "message flood");  // read on to the end
    else
      enqueue(app::messages::error(errc::rate_limited, "slow down: too many messages"));
  } else if (!ws_.got_text()) {
    enqueue(app::messages::error(errc::malformed_json, "messages are JSON text frames"));
  } else {
    handle_message();
    return;
  }
  after_message();
}

void ws_connection::handle_message() {
  auto& signaling = gateway_.service().signaling;
  const std::string_view text(buffer_.data(), buffer_.size());
  if (auto reply = signaling.try_handle(user_, text)) {
    enqueue(std::move(*reply));
    after_message();
    return;
  }
  // Heartbeats, peer-connected and cache misses suspend; the next read waits for them, so
  // a client's messages are handled in the order it sent them, and `text` (in buffer_)
  // stays valid until after_message().
  asio::co_spawn(
      ws_.get_executor(), signaling.handle(user_, text),
      [self = shared_from_this()](std::exception_ptr failure, app::outbound_message reply) {
        if (failure)
          self->enqueue(app::messages::error(errc::internal, "the message could not be handled"));
        else
          self->enqueue(std::move(reply));
        self->after_message();
      });
}

void ws_connection::after_message() {
  buffer_.clear();
  // Keep a buffer the size of the first read for the next message, give larger ones back.
  if (buffer_.capacity() > first_read_bytes) std::vector<char>().swap(buffer_);
  read_next();
}

void ws_connection::on_read_end() {
  auto& service = gateway_.service();
  if (!service.ctx.hub.detach(user_, this)) return;  // replaced: the user is still connected
  log()->debug("user {} disconnected", user_);
  asio::co_spawn(ws_.get_executor(), service.on_disconnected(user_),
                 [self = shared_from_this()](std::exception_ptr) {});
}

ws_gateway::ws_gateway(app::conversation_service& service, authenticator& auth,
                       ws_settings settings, observability::metrics_registry& metrics,
                       asio::any_io_executor sweep_executor)
    : messages_in(metrics.add_counter("conv_ws_messages_in_total", "WebSocket messages received")),
      messages_out(metrics.add_counter("conv_ws_messages_out_total", "WebSocket messages sent")),
      rate_limited(metrics.add_counter("conv_ws_rate_limited_total",
                                       "WebSocket messages refused with RATE_LIMITED")),
      slow_readers_cut(metrics.add_counter("conv_ws_slow_readers_cut_total",
                                           "WebSocket clients cut off for reading too slowly")),
      handshakes_refused(metrics.add_counter(
          "conv_ws_handshakes_rate_limited_total",
          "WebSocket handshakes refused with 429: the user reconnected too often")),
      service_(service),
      auth_(auth),
      settings_(std::move(settings)),
      origins_(settings_.allowed_origins),
      handshake_budget_(settings_.handshakes_per_second, settings_.handshake_burst),
      sweep_timer_(std::move(sweep_executor)) {
  metrics.add_gauge("conv_ws_connections", "open WebSocket connections",
                    [this] { return double(connection_count()); });
}

asio::awaitable<void> ws_gateway::serve(beast::tcp_stream stream,
                                        http::request<http::empty_body> req, connection_slot slot,
                                        std::string peer) {
  auto refuse = [&](const error& e) -> asio::awaitable<void> {
    auto res = closing_error_response(req.version(), e);
    stream.expires_after(std::chrono::seconds(10));
    co_await http::async_write(stream, res, use_tuple);
  };
  if (const auto origin = req[http::field::origin];
      !origin.empty() && !origins_.allows(origin, req[http::field::host])) {  // none: native
    co_await refuse(make_error(errc::forbidden, "this origin may not open a WebSocket here"));
    co_return;
  }
  auto token = token_of(req);
  if (!token) {
    co_await refuse(make_error(errc::unauthorized, "a token is required"));
    co_return;
  }
  auto claims = co_await auth_.authenticate(*token, peer);
  if (!claims) {
    co_await refuse(claims.error());
    co_return;
  }
  if (!handshake_budget_.allow(claims->subject, std::chrono::steady_clock::now())) {
    handshakes_refused.inc();
    co_await refuse(make_error(errc::rate_limited, "reconnecting too often: slow down"));
    co_return;
  }
  // Numbered before the handshake is answered: a client opens its next connection only
  // after that answer, so the numbers follow the order the user opened them in.
  const auto order = handshakes_.fetch_add(1, std::memory_order_relaxed) + 1;
  auto connection = std::make_shared<ws_connection>(*this, on_own_executor(stream.release_socket()),
                                                    claims->subject, std::move(slot), order);
  remember(connection.get());
  connection->start(std::move(req));  // it lives on in its handlers; this frame goes
}

void ws_gateway::remember(ws_connection* c) {
  std::lock_guard lock(mutex_);
  c->next_ = first_;
  if (first_) first_->prev_ = c;
  first_ = c;
  ++count_;
}

void ws_gateway::forget(ws_connection* c) {
  std::lock_guard lock(mutex_);
  (c->prev_ ? c->prev_->next_ : first_) = c->next_;
  if (c->next_) c->next_->prev_ = c->prev_;
  --count_;
}

// The connections are collected under the lock and told outside it: the last reference to
// one may be the one taken here, and its destructor takes the lock (forget()).
std::vector<std::shared_ptr<ws_connection>> ws_gateway::alive_connections() const {
  std::vector<std::shared_ptr<ws_connection>> alive;
  std::lock_guard lock(mutex_);
  alive.reserve(count_);
  for (auto* c = first_; c; c = c->next_)
    if (auto connection = c->weak_from_this().lock()) alive.push_back(std::move(connection));
  return alive;
}

void ws_gateway::start_idle_sweep() {
  asio::post(sweep_timer_.get_executor(), [this] { sweep_after_interval(); });
}

// Every quarter of the idle timeout: a dead peer is cut between 1 and 1.25 times the
// timeout after it was last heard, and a quiet one is pinged in between. Messages held for
// offline users past their age go in the same sweep.
void ws_gateway::sweep_after_interval() {
  if (sweep_stopped_) return;
  sweep_timer_.expires_after(std::max<std::chrono::steady_clock::duration>(
      settings_.idle_timeout / 4, std::chrono::milliseconds(250)));
  sweep_timer_.async_wait([this](boost::system::error_code ec) {
    if (ec || sweep_stopped_) return;
    const auto now = std::chrono::steady_clock::now();
    for (auto& connection : alive_connections())
      connection->check_idle(now);
    service_.ctx.hub.drop_expired(service_.ctx.clock.now());
    sweep_after_interval();
  });
}

void ws_gateway::close_all() {
  asio::post(sweep_timer_.get_executor(), [this] {
    sweep_stopped_ = true;
    sweep_timer_.cancel();
  });
  for (auto& connection : alive_connections())
    connection->close(1001, "the server is going away");
}

void ws_gateway::cut_all() {
  for (auto& connection : alive_connections())
    connection->cut();
}

std::size_t ws_gateway::connection_count() const {
  std::lock_guard lock(mutex_);
  return count_;
}

}  // namespace conv::transport
