#pragma once
// One open TCP connection, counted against the server's connection limit for as long as
// whatever serves it holds the slot: an HTTP exchange, then the WebSocket it upgrades to.
#include <atomic>
#include <cstddef>
#include <utility>

namespace conv::transport {

class connection_slot {
 public:
  explicit connection_slot(std::atomic<std::size_t>& open) : open_(&open) { ++*open_; }
  connection_slot(connection_slot&& other) noexcept : open_(std::exchange(other.open_, nullptr)) {}
  connection_slot& operator=(connection_slot&&) = delete;
  ~connection_slot() {
    if (open_) --*open_;
  }

 private:
  std::atomic<std::size_t>* open_;
};

}  // namespace conv::transport
