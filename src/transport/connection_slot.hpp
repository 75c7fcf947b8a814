#pragma once
// One open TCP connection, counted against the server's connection limit for as long as
// whatever serves it holds the slot: an HTTP exchange, then the WebSocket it upgrades to.
// It holds its address's ticket too.
#include "transport/connections_per_address.hpp"

#include <atomic>
#include <cstddef>
#include <utility>

namespace conv::transport {

class connection_slot {
 public:
  connection_slot(std::atomic<std::size_t>& open, connections_per_address::ticket per_address)
      : open_(&open), per_address_(std::move(per_address)) {
    ++*open_;
  }
  connection_slot(connection_slot&& other) noexcept
      : open_(std::exchange(other.open_, nullptr)), per_address_(std::move(other.per_address_)) {}
  connection_slot& operator=(connection_slot&&) = delete;
  ~connection_slot() {
    if (open_) --*open_;
  }

 private:
  std::atomic<std::size_t>* open_;
  connections_per_address::ticket per_address_;
};

}  // namespace conv::transport
