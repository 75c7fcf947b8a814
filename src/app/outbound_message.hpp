#pragma once
// A WebSocket text message on its way to a client. Immutable and shared: a fan-out to two
// participants or a held copy shares one buffer instead of copying per receiver.
#include <memory>
#include <string>

namespace conv::app {

using outbound_message = std::shared_ptr<const std::string>;

inline outbound_message make_message(std::string text) {
  return std::make_shared<const std::string>(std::move(text));
}

}  // namespace conv::app
