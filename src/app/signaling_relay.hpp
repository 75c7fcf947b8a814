#pragma once
// The client → server half of the WebSocket protocol: signaling relayed between the two
// participants of a live session, `peer-connected`, and heartbeats.
//
// The relay forwards the client's own bytes with `"from"` spliced in, so a message costs
// one validating parse and one copy, whatever its size.
#include "app/context.hpp"
#include "app/session_lifecycle.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace conv::app {

class signaling_relay {
 public:
  signaling_relay(context& ctx, session_lifecycle& lifecycle) : ctx_(ctx), lifecycle_(lifecycle) {}

  // Handles one text message from `user` without suspending, when it can: relays whose
  // session is cached and every refusal. Returns the reply for the sender (empty: none), or
  // nullopt when the message needs handle() (heartbeats, peer-connected, a cache miss).
  std::optional<outbound_message> try_handle(const std::string& user, std::string_view text);

  // Handles any text message from `user`. Returns the reply for the sender, if any (an ack
  // or an error).
  boost::asio::awaitable<outbound_message> handle(const std::string& user, std::string_view text);

  std::uint64_t relayed_total() const { return relayed_.load(std::memory_order_relaxed); }

 private:
  // Relays a validated offer/answer/ice-candidate to the partner in `session`.
  outbound_message relay(const std::string& user, std::string_view text, bool has_from,
                         const live_session_ptr& session);

  context& ctx_;
  session_lifecycle& lifecycle_;
  std::atomic<std::uint64_t> relayed_{0};
};

// `{"from":"<user>", …rest of the client's object}`; exposed for tests.
std::string with_sender(std::string_view object_text, std::string_view user);

}  // namespace conv::app
