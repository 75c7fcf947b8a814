#include "transport/http_server.hpp"

#include "observability/log_throttle.hpp"

#include "observability/logging.hpp"
#include "transport/audio_endpoints.hpp"
#include "transport/cors.hpp"
#include "transport/error_mapping.hpp"
#include "transport/request_checks.hpp"
#include "transport/response_writer.hpp"
#include "transport/static_files.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include <array>
#include <optional>

namespace conv::transport {
namespace {

const auto& log() {
  static const auto logger = observability::module_logger("http");
  return logger;
}

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

// Closes after a response the client may not have read yet because it is still sending a
// body we refused: stop sending, then read and drop what keeps coming (bounded in bytes and
// time), so the client's TCP stack does not turn our response into a reset.
asio::awaitable<void> close_gracefully(beast::tcp_stream& stream) {
  boost::system::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
  std::array<char, 16 * 1024> sink;
  std::size_t drained = 0;
  stream.expires_after(std::chrono::seconds(2));
  while (drained < 64 * 1024 * 1024) {
    auto [ec, n] = co_await stream.async_read_some(asio::buffer(sink), use_tuple);
    if (ec) break;
    drained += n;
  }
}

// Some clients end a body with an extra CRLF, which then comes before the next request
// line: RFC 9112 §2.2 asks a server to ignore at least one such empty line (when it is
// already here; one arriving later fails the next request's parse).
void skip_an_empty_line(beast::flat_buffer& buffer) {
  const auto pending = buffer.data();
  const auto* bytes = static_cast<const char*>(pending.data());
  if (pending.size() >= 2 && bytes[0] == '\r' && bytes[1] == '\n') buffer.consume(2);
}

}  // namespace

http_server::http_server(std::vector<asio::io_context*> contexts, tcp::endpoint endpoint,
                         rest_api& api, ws_gateway& gateway, app::audio_recordings& audio,
                         static_files* files, server_limits limits, client_address clients,
                         observability::metrics_registry& metrics)
    : contexts_(std::move(contexts)),
      acceptor_(*contexts_.front()),
      api_(api),
      gateway_(gateway),
      audio_(audio),
      files_(files),
      limits_(limits),
      clients_(std::move(clients)),
      counts_(limits_.max_connections, limits_.max_connections_per_address),
      requests_total_(metrics.add_counter("conv_http_requests_total", "HTTP requests served")),
      refused_total_(metrics.add_counter("conv_http_connections_refused_total",
                                         "connections refused at the connection limit")),
      refused_per_address_total_(
          metrics.add_counter("conv_http_connections_refused_per_address_total",
                              "connections refused at the limit per client address")),
      request_seconds_(
          metrics.add_histogram("conv_http_request_seconds", "time to answer an HTTP request")) {
  acceptor_.open(endpoint.protocol());
  acceptor_.set_option(asio::socket_base::reuse_address(true));
  acceptor_.bind(endpoint);
  acceptor_.listen(asio::socket_base::max_listen_connections);
  metrics.add_gauge("conv_http_connections_open", "open TCP connections (HTTP and WebSocket)",
                    [this] { return double(counts_.open()); });
  for (unsigned c = 1; c <= responses_.size(); ++c)
    responses_[c - 1] = &metrics.add_counter(
        "conv_http_responses_total",
        "HTTP responses sent, by status class (WebSocket handshakes: conv_ws_* counters)",
        "class=\"" + std::to_string(c) + "xx\"");
}

void http_server::count_response(unsigned status) {
  if (status >= 100 && status < 100 * (responses_.size() + 1)) responses_[status / 100 - 1]->inc();
}

http_server::~http_server() = default;

tcp::endpoint http_server::local_endpoint() const {
  return acceptor_.local_endpoint();
}

void http_server::start() {
  asio::co_spawn(acceptor_.get_executor(), accept_loop(), asio::detached);
}

void http_server::stop_accepting() {
  stopping_ = true;
  asio::post(acceptor_.get_executor(), [this] {
    boost::system::error_code ignored;
    acceptor_.close(ignored);
  });
}

asio::awaitable<void> http_server::accept_loop() {
  observability::log_throttle accept_failures(std::chrono::seconds(10));
  while (!stopping_) {
    // Each connection lives on one context, run by one thread: its handlers never run
    // concurrently, without a strand.
    auto& context = *contexts_[next_context_++ % contexts_.size()];
    auto [ec, socket] = co_await acceptor_.async_accept(context.get_executor(), use_tuple);
    if (ec) {
      if (stopping_ || ec == asio::error::operation_aborted) break;
      // Out of file descriptors and the like: pause instead of spinning.
      if (auto unlogged = accept_failures.admit(std::chrono::steady_clock::now()))
        log()->warn("accept failed: {} ({} more since the last such line)", ec.message(),
                    *unlogged);
      asio::steady_timer pause(acceptor_.get_executor(), std::chrono::milliseconds(50));
      co_await pause.async_wait(use_tuple);
      continue;
    }
    const auto peer = socket.remote_endpoint(ec).address();
    if (ec) continue;  // gone already
    // A trusted proxy carries many clients: it is not one of them, and has no share to keep.
    auto admitted = counts_.admit(peer, !clients_.trusts(peer));
    if (auto* refused = std::get_if<connection_counts::refusal>(&admitted)) {
      (*refused == connection_counts::refusal::total ? refused_total_ : refused_per_address_total_)
          .inc();
      continue;  // the socket closes as it goes out of scope
    }
    socket.set_option(tcp::no_delay(true), ec);
    auto ex = socket.get_executor();
    asio::co_spawn(ex,
                   serve(std::move(socket), peer, std::get<connection_slot>(std::move(admitted))),
                   asio::detached);
  }
}

asio::awaitable<void> http_server::serve(tcp::socket socket, asio::ip::address peer_address,
                                         connection_slot slot) {
  const auto peer = client_block_text(peer_address);
  // Only a trusted proxy's requests name their client; it may relay many clients' requests
  // over one connection, so each request is read for its own.
  const bool proxied = clients_.trusts(peer_address);
  beast::tcp_stream stream(std::move(socket));
  // Bounded: the parser keeps in it what it cannot parse yet. A header is bounded by its own
  // limit, but a chunk-size line's extension or a trailer line would grow the buffer until
  // the request's deadline (gigabytes in seconds from one client); Beast reads at most 64 KiB
  // at a time, so the header limit plus that is room for every request that is not an
  // attack. Past it, the read fails with buffer_overflow: 400 and the connection is closed.
  beast::flat_buffer buffer(limits_.max_header + 64 * 1024);
  // A refusal the connection ends with (the caller closes it): counted, then sent.
  auto send_refusal = [&](string_response res) -> asio::awaitable<void> {
    count_response(res.result_int());
    co_await http::async_write(stream, res, use_tuple);
  };
  for (;;) {
    if (stopping_) co_return;
    skip_an_empty_line(buffer);
    http::request_parser<http::empty_body> header;
    header.header_limit(std::uint32_t(limits_.max_header));
    // Each route sets its own body limit once the header says which route it is.
    header.body_limit(boost::none);
    stream.expires_after(limits_.idle_timeout);
    auto [ec, n] = co_await http::async_read_header(stream, buffer, header, use_tuple);
    if (ec) {
      if (auto refusal = refusal_for_read_failure(ec)) {
        auto res = closing_error_response(11, *refusal);
        co_await send_refusal(std::move(res));
        co_await close_gracefully(stream);
      }
      co_return;  // closed or timed out: nobody to answer
    }
    if (stopping_) {
      // A kept-alive connection's next request, arrived after the service began to stop: it
      // would not be answered before the end. The client can send it elsewhere.
      auto res = closing_error_response(
          header.get().version(),
          make_error(errc::service_unavailable, "the service is shutting down"));
      co_await send_refusal(std::move(res));
      co_return;
    }
    const auto started = std::chrono::steady_clock::now();
    requests_total_.inc();
    ++busy_;
    struct done_guard {
      std::atomic<std::size_t>& busy;
      ~done_guard() { --busy; }
    } in_flight{busy_};
    auto& req = header.get();
    if (auto refusal = check_and_normalize(req)) {
      auto res = closing_error_response(req.version(), *refusal);
      co_await send_refusal(std::move(res));
      co_await close_gracefully(stream);
      co_return;
    }
    const auto client = proxied ? clients_.of(peer_address, req) : peer;
    const auto target = req.target();
    const auto path = target.substr(0, target.find('?'));

    if (beast::websocket::is_upgrade(req)) {
      if (path != "/ws") {
        auto res =
            closing_error_response(req.version(), make_error(errc::not_found, "no such route"));
        co_await send_refusal(std::move(res));
        co_return;
      }
      stream.expires_never();
      co_await gateway_.serve(std::move(stream), header.release(), std::move(slot), client);
      co_return;
    }

    const bool may_be_audio = req.method() == http::verb::put || req.method() == http::verb::get ||
                              req.method() == http::verb::head;
    if (auto recording_of = may_be_audio ? audio_session_of(target) : std::nullopt) {
      stream.expires_never();  // large bodies: the endpoints set their own deadlines
      const auto served =
          co_await serve_audio(stream, buffer, header, std::move(*recording_of), api_, audio_,
                               client, cors_origin(req, gateway_.origins()));
      count_response(served.status);
      request_seconds_.observe(std::chrono::steady_clock::now() - started);
      if (!served.keep_alive) break;
      continue;
    }

    // Beast checks a Content-Length against the limit only while parsing the header, which
    // ran without one: check it here. Chunked bodies are checked as they arrive.
    if (auto length = header.content_length(); length && *length > limits_.max_json_body) {
      auto res = closing_error_response(
          req.version(), make_error(errc::payload_too_large, "the request body is too large"));
      co_await send_refusal(std::move(res));
      co_await close_gracefully(stream);
      co_return;
    }
    if (!header.is_done() && req.version() >= 11 &&
        beast::iequals(req[http::field::expect], "100-continue")) {
      // The client waits for this before it sends the body (RFC 9110 §10.1.1).
      http::response<http::empty_body> go_on{http::status::continue_, req.version()};
      stream.expires_after(limits_.idle_timeout);
      if (auto [go_on_ec, go_on_n] = co_await http::async_write(stream, go_on, use_tuple); go_on_ec)
        co_return;
    }
    http::request_parser<http::string_body> full(std::move(header));
    full.body_limit(limits_.max_json_body);
    stream.expires_after(limits_.idle_timeout);
    auto [read_ec, read_n] = co_await http::async_read(stream, buffer, full, use_tuple);
    if (read_ec) {
      if (auto refusal = refusal_for_read_failure(read_ec)) {
        auto res = closing_error_response(full.get().version(), *refusal);
        co_await send_refusal(std::move(res));
        co_await close_gracefully(stream);
      }
      co_return;
    }
    auto& request = full.get();
    // HEAD is answered as GET, without the body.
    const bool head = request.method() == http::verb::head;
    if (head) request.method(http::verb::get);
    string_response res;
    if (auto preflight = preflight_answer(request, gateway_.origins())) {
      res = std::move(*preflight);
    } else {
      if (files_ && request.method() == http::verb::get && files_->serves(path))
        res = files_->respond(request);
      else
        res = co_await api_.handle(request, client);
      add_cors_headers(res, cors_origin(request, gateway_.origins()));
    }
    stream.expires_after(limits_.idle_timeout);
    count_response(res.result_int());
    const auto write_ec = co_await write_response(stream, res, head);
    const auto took = std::chrono::steady_clock::now() - started;
    request_seconds_.observe(took);
    // The path only: a query may carry a token (`?access_token=`).
    if (log()->should_log(spdlog::level::debug))
      log()->debug("{} {} {} {} µs {}", head ? "HEAD" : request.method_string(), path,
                   res.result_int(),
                   std::chrono::duration_cast<std::chrono::microseconds>(took).count(), client);
    if (write_ec) co_return;
    if (!res.keep_alive()) break;
  }
  co_await close_gracefully(stream);
}

}  // namespace conv::transport
