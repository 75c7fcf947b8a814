#include "transport/audio_endpoints.hpp"

#include "domain/session.hpp"
#include "transport/byte_range.hpp"
#include "transport/cors.hpp"
#include "transport/error_mapping.hpp"
#include "transport/http_date.hpp"
#include "transport/http_text.hpp"
#include "transport/response_writer.hpp"
#include "transport/transfer_deadline.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/json.hpp>
#include <boost/url/parse.hpp>

#include <algorithm>
#include <variant>
#include <vector>

namespace conv::transport {
namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t chunk_size = 64 * 1024;
constexpr auto chunk_timeout = transfer_deadline::chunk_timeout;

std::string media_type(std::string_view content_type) {
  auto semicolon = content_type.find(';');
  std::string lower(trim_ows(content_type.substr(0, semicolon)));
  for (auto& c : lower)
    c = char(std::tolower(static_cast<unsigned char>(c)));
  return lower;
}

// Where this request's answer goes, and how: the CORS origin to name, and whether only
// the header is sent (HEAD).
struct responder {
  beast::tcp_stream& stream;
  std::optional<std::string> cors;
  bool head_only = false;
  // The request came with a body no route here reads: answering on the same connection
  // would read that body as the next request.
  bool close_after = false;
  unsigned status = 0;  // of the response sent, once it is

  template <class Body>
  void decorate(http::response<Body>& res) {
    status = res.result_int();
    stamp_date(res);
    add_cors_headers(res, cors);
    if (close_after) res.keep_alive(false);
  }
  // Sends a whole response; true when the connection may carry another request.
  asio::awaitable<bool> send(string_response res) {
    decorate(res);
    stream.expires_after(chunk_timeout);
    const auto ec = co_await write_response(stream, res, head_only);
    co_return !ec && res.keep_alive();
  }
};

asio::awaitable<bool> upload(responder& out, beast::flat_buffer& buffer,
                             http::request_parser<http::empty_body>& header,
                             const std::string& session_id, app::audio_recordings& audio,
                             const caller& who) {
  auto& stream = out.stream;
  const auto& req = header.get();
  // A refusal before the body is read closes the connection: the unread body would
  // otherwise be taken for the next request.
  auto refuse = [&](const error& e) {
    auto res = rest_api::error_response(req, e);
    res.keep_alive(false);
    return out.send(std::move(res));
  };
  const auto type = media_type(req[http::field::content_type]);
  if (!app::is_supported_audio_type(type))
    co_return co_await refuse(
        make_error(errc::unsupported_media_type,
                   "recordings are audio/webm, audio/ogg, audio/mp4, audio/mpeg or audio/wav"));
  if (auto length = header.content_length(); length && *length > audio.max_bytes())
    co_return co_await refuse(make_error(errc::payload_too_large, "the recording is too large"));
  if (header.content_length().value_or(0) == 0 && !header.chunked()) {
    // Named: GCC 12 miscompiles braced temporaries in a co_await expression.
    const error empty{errc::validation_failed, "the recording is empty", {{"body", "is empty"}}};
    co_return co_await refuse(empty);
  }

  std::optional<std::uint64_t> declared;
  if (auto length = header.content_length()) declared = *length;
  auto target = co_await audio.begin(who.user, session_id, type, declared);
  if (!target) co_return co_await refuse(target.error());

  if (beast::iequals(req[http::field::expect], "100-continue")) {
    http::response<http::empty_body> go_on{http::status::continue_, req.version()};
    stream.expires_after(chunk_timeout);
    auto [ec, n] = co_await http::async_write(stream, go_on, use_tuple);
    if (ec) co_return false;
  }

  http::request_parser<http::buffer_body> body(std::move(header));
  body.body_limit(audio.max_bytes());
  std::vector<char> chunk(chunk_size);
  std::uint64_t total = 0;
  const transfer_deadline deadline(transfer_deadline::clock::now());
  while (!body.is_done()) {
    body.get().body().data = chunk.data();
    body.get().body().size = chunk.size();
    stream.expires_at(deadline.next(transfer_deadline::clock::now(), total + chunk.size()));
    auto [ec, n] = co_await http::async_read_some(stream, buffer, body, use_tuple);
    if (ec == http::error::body_limit)
      co_return co_await refuse(make_error(errc::payload_too_large, "the recording is too large"));
    if (ec && ec != http::error::need_buffer) {
      if (auto refusal = refusal_for_read_failure(ec)) co_return co_await refuse(*refusal);
      co_return false;  // the client went away
    }
    const auto got = chunk.size() - body.get().body().size;
    if (got == 0) continue;
    total += got;
    auto written = co_await (*target)->write(std::span<const char>(chunk.data(), got));
    if (!written) co_return co_await refuse(written.error());
  }
  auto finished = co_await audio.finish(who.user, session_id, std::move(*target), type, total);
  if (!finished)
    co_return co_await out.send(rest_api::error_response(body.get(), finished.error()));
  co_return co_await out.send(
      rest_api::json_response(body.get(), http::status::ok, domain::to_json(*finished)));
}

asio::awaitable<bool> download(responder& out, const http::request<http::empty_body>& req,
                               const std::string& session_id, app::audio_recordings& audio,
                               const caller& who) {
  auto& stream = out.stream;
  auto source = co_await audio.open(who.user, session_id, who.is_admin);
  if (!source) co_return co_await out.send(rest_api::error_response(req, source.error()));
  auto& in = **source;

  // One range of the recording, for players that seek (RFC 9110 §14). With If-Range the
  // whole is sent: a recording has no validator to compare it with.
  auto range = requested_range(req[http::field::range], in.size());
  if (req.count(http::field::if_range)) range = std::monostate{};
  if (std::holds_alternative<unsatisfiable_range>(range)) {
    auto res = rest_api::error_response(
        req, error{errc::validation_failed,
                   "the range is outside the recording",
                   {{"Range", "must start before byte " + std::to_string(in.size())}}});
    res.result(http::status::range_not_satisfiable);
    res.set(http::field::content_range, "bytes */" + std::to_string(in.size()));
    co_return co_await out.send(std::move(res));
  }
  const auto* part = std::get_if<byte_range>(&range);
  if (part) {
    if (auto moved = co_await in.seek(part->first); !moved) co_return false;
  }
  const std::uint64_t length = part ? part->length() : in.size();

  http::response<http::buffer_body> res{part ? http::status::partial_content : http::status::ok,
                                        req.version()};
  res.set(http::field::content_type, in.content_type());
  res.set(http::field::cache_control, "private, max-age=3600");
  res.set(http::field::accept_ranges, "bytes");
  if (part)
    res.set(http::field::content_range, "bytes " + std::to_string(part->first) + "-" +
                                            std::to_string(part->last) + "/" +
                                            std::to_string(in.size()));
  res.content_length(length);
  res.keep_alive(req.keep_alive());
  res.body().data = nullptr;
  res.body().more = true;
  out.decorate(res);
  http::response_serializer<http::buffer_body> writer{res};
  stream.expires_after(chunk_timeout);
  if (auto [ec, n] = co_await http::async_write_header(stream, writer, use_tuple); ec)
    co_return false;
  if (out.head_only) co_return res.keep_alive();

  std::vector<char> chunk(chunk_size);
  std::uint64_t sent = 0;
  const transfer_deadline deadline(transfer_deadline::clock::now());
  for (;;) {
    const auto wanted = std::size_t(std::min<std::uint64_t>(chunk.size(), length - sent));
    std::size_t got = 0;
    if (wanted > 0) {
      auto read = co_await in.read(std::span<char>(chunk.data(), wanted));
      // The headers are out: all a failure can do is cut the response short.
      if (!read) co_return false;
      got = *read;
    }
    res.body().data = got ? chunk.data() : nullptr;
    res.body().size = got;
    res.body().more = got != 0;
    sent += got;
    stream.expires_at(deadline.next(transfer_deadline::clock::now(), sent));
    auto [ec, n] = co_await http::async_write(stream, writer, use_tuple);
    if (ec == http::error::need_buffer) continue;
    if (ec) co_return false;
    if (got == 0 || writer.is_done()) break;
  }
  co_return res.keep_alive();
}

}  // namespace

std::optional<std::string> audio_session_of(std::string_view target) {
  // Decoded as the REST routes decode theirs: /sessions/%61bc/audio is abc's recording.
  const auto url = boost::urls::parse_origin_form(target);
  if (!url) return std::nullopt;
  const auto segments = url->segments();
  if (segments.size() != 3) return std::nullopt;
  auto it = segments.begin();
  if (*it != "sessions") return std::nullopt;
  std::string session_id = *++it;
  if (*++it != "audio" || session_id.empty()) return std::nullopt;
  return session_id;
}

asio::awaitable<audio_served> serve_audio(beast::tcp_stream& stream, beast::flat_buffer& buffer,
                                          http::request_parser<http::empty_body>& header,
                                          std::string session_id, rest_api& api,
                                          app::audio_recordings& audio, std::string_view peer,
                                          std::optional<std::string> cors) {
  const auto& req = header.get();
  const bool reads_body = req.method() == http::verb::put;
  responder out{stream, std::move(cors), req.method() == http::verb::head,
                !reads_body && !header.is_done()};
  bool keep = false;
  if (auto who = co_await api.authenticate(req, peer); !who) {
    auto res = rest_api::error_response(req, who.error());
    if (req.method() == http::verb::put) res.keep_alive(false);
    keep = co_await out.send(std::move(res));
  } else if (req.method() == http::verb::put) {
    keep = co_await upload(out, buffer, header, session_id, audio, *who);
  } else {
    keep = co_await download(out, req, session_id, audio, *who);
  }
  co_return audio_served{keep, out.status};
}

}  // namespace conv::transport
