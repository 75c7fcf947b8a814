#include "app/signaling_relay.hpp"

#include "app/server_messages.hpp"

#include <simdjson.h>
#include <boost/json.hpp>

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

std::size_t signaling_relay::padding() {
  return simdjson::SIMDJSON_PADDING;
}

std::string with_sender(std::string_view object_text, std::string_view user) {
  const auto open = object_text.find('{');
  std::string out;
  out.reserve(object_text.size() + user.size() + 12);
  out.append("{\"from\":\"");
  out.append(user);  // user ids are safe ids: nothing to escape
  out.append("\",");
  out.append(object_text.substr(open + 1));
  return out;
}

boost::asio::awaitable<outbound_message> signaling_relay::handle(const std::string& user,
                                                                 std::string_view text) {
  // One parser per I/O thread: it keeps its buffers between messages (no per-message heap).
  thread_local simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(text.data(), text.size(), false).get(doc) != simdjson::SUCCESS)
    co_return refuse(errc::malformed_json, "the message is not valid JSON");
  simdjson::dom::object object;
  if (doc.get_object().get(object) != simdjson::SUCCESS)
    co_return refuse(errc::malformed_json, "a message is a JSON object");

  std::string_view type;
  if (object["type"].get_string().get(type) != simdjson::SUCCESS)
    co_return refuse(errc::validation_failed, "the message needs a string `type`");
  const auto kind = classify(type);
  if (kind == client_message::unknown)
    co_return refuse(errc::unknown_message_type, "unknown message type");

  std::string_view session_view;
  const auto session_field = object["sessionId"];
  const bool has_session = session_field.error() == simdjson::SUCCESS && !session_field.is_null();
  if (has_session && session_field.get_string().get(session_view) != simdjson::SUCCESS)
    co_return refuse(errc::validation_failed, "`sessionId` must be a string");

  if (kind == client_message::heartbeat) {
    std::optional<std::string> session_id;
    if (has_session) session_id = std::string(session_view);
    auto counted = co_await lifecycle_.on_heartbeat(user, std::move(session_id));
    if (!counted) co_return refuse(counted.error().code, counted.error().message);
    co_return messages::heartbeat_ack(*counted);
  }
  if (!has_session) co_return refuse(errc::validation_failed, "the message needs a `sessionId`");
  std::string session_id(session_view);

  if (kind == client_message::peer_connected) {
    auto done = co_await lifecycle_.on_peer_connected(user, std::move(session_id));
    if (!done) co_return refuse(done.error().code, done.error().message);
    co_return outbound_message{};
  }

  const char* payload_field = kind == client_message::ice_candidate ? "candidate" : "sdp";
  auto payload = object[payload_field];
  if (payload.error() != simdjson::SUCCESS ||
      (kind != client_message::ice_candidate && !payload.is_string()))
    co_return refuse(errc::validation_failed, kind == client_message::ice_candidate
                                                  ? "an ice-candidate needs a `candidate`"
                                                  : "an offer or answer needs an `sdp` string");

  // The cache answers nearly every relay; only a miss costs a coroutine and a store read.
  live_session_ptr session = ctx_.sessions.find(session_id);
  if (!session) {
    auto loaded = co_await lifecycle_.live_session(session_id);
    if (!loaded) co_return refuse(loaded.error().code, loaded.error().message);
    session = std::move(*loaded);
  }
  if (!session || !session->has(user))
    co_return refuse(errc::session_not_found, "no live session of yours has that id");

  std::string forwarded;
  if (object["from"].error() == simdjson::SUCCESS) {
    // A client cannot speak for someone else: its own `from` is replaced.
    auto rebuilt = boost::json::parse(text).as_object();
    rebuilt.erase("from");
    forwarded = with_sender(boost::json::serialize(rebuilt), user);
  } else {
    forwarded = with_sender(text, user);
  }
  ctx_.hub.send(session->partner_of(user), make_message(std::move(forwarded)), ctx_.clock.now());
  relayed_.fetch_add(1, std::memory_order_relaxed);
  co_return outbound_message{};
}

}  // namespace conv::app
