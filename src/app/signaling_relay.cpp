#include "app/signaling_relay.hpp"

#include "app/server_messages.hpp"
#include "common/json_text.hpp"
#include "common/repeated_keys.hpp"

#include <simdjson.h>
#include <boost/json.hpp>

#include <cstring>
#include <new>
#include <variant>
#include <vector>

namespace conv::app {
namespace {

enum class client_message { offer, answer, ice_candidate, peer_connected, heartbeat, unknown };

client_message classify(std::string_view type) {
  if (type == "ice-candidate") return client_message::ice_candidate;
  if (type == "offer") return client_message::offer;
  if (type == "answer") return client_message::answer;
  if (type == "heartbeat") return client_message::heartbeat;
  if (type == "peer-connected") return client_message::peer_connected;
  return client_message::unknown;
}

outbound_message refuse(errc code, std::string_view message) {
  return messages::error(code, message);
}

}  // namespace

std::string with_sender(std::string_view object_text, std::string_view user) {
  const auto open = object_text.find('{');
  std::string out;
  out.reserve(object_text.size() + user.size() + 12);
  out.append("{\"from\":");
  append_json_string(out, user);  // user ids may hold quotes and backslashes
  out.append(",");
  out.append(object_text.substr(open + 1));
  return out;
}

namespace {

// Deep enough for any signaling payload (an ice-candidate is two levels), and the same for
// both parsers here: Boost.JSON's default is 32 and it throws past it when not asked for an
// error code, which once let one nested message end the process.
constexpr std::size_t max_depth = 32;

// A client message that passed the checks every type shares.
struct checked_message {
  client_message kind;
  bool has_session;
  std::string_view session_id;
  bool has_from;  // the client wrote its own `from`, which the relay must replace
};

// Parses and checks `text`; a refusal for the sender when it fails. The views point into
// the thread's parser, valid until its next parse.
std::variant<checked_message, outbound_message> check(std::string_view text) {
  // One parser per I/O thread, and one padded copy of the input (simdjson reads up to
  // SIMDJSON_PADDING bytes past the end): both keep their buffers between messages, so
  // callers need not pad what they read, and a message costs no heap allocation.
  thread_local simdjson::dom::parser parser = [] {
    simdjson::dom::parser p;
    // The depth is kept when the parser grows for a larger message.
    if (p.allocate(simdjson::dom::MINIMAL_DOCUMENT_CAPACITY, max_depth) != simdjson::SUCCESS)
      throw std::bad_alloc();
    return p;
  }();
  thread_local std::vector<char> padded;
  if (padded.size() < text.size() + simdjson::SIMDJSON_PADDING)
    padded.resize(text.size() + simdjson::SIMDJSON_PADDING);
  std::memcpy(padded.data(), text.data(), text.size());
  simdjson::dom::element doc;
  if (const auto e = parser.parse(padded.data(), text.size(), false).get(doc);
      e != simdjson::SUCCESS)
    return refuse(errc::malformed_json, e == simdjson::DEPTH_ERROR
                                            ? "the message is nested too deeply"
                                            : "the message is not valid JSON");
  simdjson::dom::object object;
  if (doc.get_object().get(object) != simdjson::SUCCESS)
    return refuse(errc::malformed_json, "a message is a JSON object");
  // The relay forwards the sender's own bytes, and the lookups below find a key's first
  // occurrence while a browser's JSON.parse keeps its last: with `type` twice, a message
  // checked as an ice-candidate would reach the partner as, say, a session-ended.
  if (repeats_a_key(object))
    return refuse(errc::validation_failed, "a message may not repeat a key");

  std::string_view type;
  if (object["type"].get_string().get(type) != simdjson::SUCCESS)
    return refuse(errc::validation_failed, "the message needs a string `type`");
  checked_message m{classify(type), false, {}, false};
  if (m.kind == client_message::unknown)
    return refuse(errc::unknown_message_type, "unknown message type");

  const auto session_field = object["sessionId"];
  m.has_session = session_field.error() == simdjson::SUCCESS && !session_field.is_null();
  if (m.has_session && session_field.get_string().get(m.session_id) != simdjson::SUCCESS)
    return refuse(errc::validation_failed, "`sessionId` must be a string");
  if (m.kind == client_message::heartbeat) return m;
  if (!m.has_session) return refuse(errc::validation_failed, "the message needs a `sessionId`");
  if (m.kind == client_message::peer_connected) return m;

  const bool candidate = m.kind == client_message::ice_candidate;
  auto payload = object[candidate ? "candidate" : "sdp"];
  if (payload.error() != simdjson::SUCCESS || (!candidate && !payload.is_string()))
    return refuse(errc::validation_failed, candidate ? "an ice-candidate needs a `candidate`"
                                                     : "an offer or answer needs an `sdp` string");
  m.has_from = object["from"].error() == simdjson::SUCCESS;
  return m;
}

bool is_relayed(client_message kind) {
  return kind == client_message::offer || kind == client_message::answer ||
         kind == client_message::ice_candidate;
}

}  // namespace

std::optional<outbound_message> signaling_relay::try_handle(const std::string& user,
                                                            std::string_view text) {
  auto checked = check(text);
  if (auto* refusal = std::get_if<outbound_message>(&checked)) return std::move(*refusal);
  const auto& m = std::get<checked_message>(checked);
  if (!is_relayed(m.kind)) return std::nullopt;
  // The cache answers nearly every relay; a miss needs a store read, so a coroutine.
  live_session_ptr session = ctx_.sessions.find(m.session_id);
  if (!session) return std::nullopt;
  return relay(user, text, m.has_from, session);
}

boost::asio::awaitable<outbound_message> signaling_relay::handle(const std::string& user,
                                                                 std::string_view text) {
  auto checked = check(text);
  if (auto* refusal = std::get_if<outbound_message>(&checked)) co_return std::move(*refusal);
  const auto m = std::get<checked_message>(checked);
  std::optional<std::string> session_id;
  if (m.has_session) session_id = std::string(m.session_id);

  if (m.kind == client_message::heartbeat) {
    auto counted = co_await lifecycle_.on_heartbeat(user, std::move(session_id));
    // A heartbeat is always answered (contract): one naming a session that has just ended
    // (the client's timer raced `session-ended`) or was never the sender's counts for no
    // session, and its ack says so by naming none.
    if (!counted && counted.error().code == errc::session_not_found)
      co_return messages::heartbeat_ack("");
    if (!counted) co_return refuse(counted.error().code, counted.error().message);
    co_return messages::heartbeat_ack(*counted);
  }
  if (m.kind == client_message::peer_connected) {
    auto done = co_await lifecycle_.on_peer_connected(user, std::move(*session_id));
    if (!done) co_return refuse(done.error().code, done.error().message);
    co_return outbound_message{};
  }
  live_session_ptr session = ctx_.sessions.find(*session_id);
  if (!session) {
    auto loaded = co_await lifecycle_.live_session(*session_id);
    if (!loaded) co_return refuse(loaded.error().code, loaded.error().message);
    session = std::move(*loaded);
  }
  co_return relay(user, text, m.has_from, session);
}

outbound_message signaling_relay::relay(const std::string& user, std::string_view text,
                                        bool has_from, const live_session_ptr& session) {
  if (!session || !session->has(user))
    return refuse(errc::session_not_found, "no live session of yours has that id");
  std::string forwarded;
  if (has_from) {
    // A client cannot speak for someone else: its own `from` is replaced.
    boost::system::error_code ec;
    boost::json::parse_options options;
    options.max_depth = max_depth;  // as deep as check() allowed
    auto rebuilt = boost::json::parse(text, ec, {}, options);
    if (ec || !rebuilt.is_object())
      return refuse(errc::malformed_json, "the message is not valid JSON");
    rebuilt.as_object().erase("from");
    forwarded = with_sender(boost::json::serialize(rebuilt), user);
  } else {
    forwarded = with_sender(text, user);
  }
  ctx_.hub.send(session->partner_of(user), make_message(std::move(forwarded)), ctx_.clock.now(),
                presence_hub::origin::relayed);
  relayed_.fetch_add(1, std::memory_order_relaxed);
  return outbound_message{};
}

}  // namespace conv::app
