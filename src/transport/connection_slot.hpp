#pragma once
// Open TCP connections, counted in all (CONV_MAX_CONNECTIONS) and per client address
// (CONV_MAX_CONNECTIONS_PER_ADDRESS), so that one address cannot take the service's
// connection slots (a slow-header or idle-socket flood) from everyone else. IPv6 addresses
// count per /64, the block one subscriber is given; a trusted proxy's connections count
// only in all. A connection holds its slot for as long as whatever serves it lives: an
// HTTP exchange, then the WebSocket it upgrades to.
#include <boost/asio/ip/address.hpp>

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <unordered_map>
#include <utility>
#include <variant>

namespace conv::transport {

class connection_counts;

namespace detail {
using address_key = std::array<unsigned char, 16>;
struct address_key_hash {
  std::size_t operator()(const address_key& k) const noexcept;
};
struct address_count {
  connection_counts* owner;
  std::uint32_t open;
};
using address_counts = std::unordered_map<address_key, address_count, address_key_hash>;
}  // namespace detail

// One admitted connection. One pointer: every WebSocket holds one.
class connection_slot {
 public:
  connection_slot(connection_slot&& other) noexcept
      : entry_(std::exchange(other.entry_, nullptr)) {}
  connection_slot& operator=(connection_slot&&) = delete;
  ~connection_slot();

 private:
  friend class connection_counts;
  explicit connection_slot(detail::address_counts::value_type* entry) : entry_(entry) {}
  detail::address_counts::value_type* entry_;
};

class connection_counts {
 public:
  connection_counts(std::size_t max_total, std::size_t max_per_address);

  enum class refusal { total, per_address };
  // A slot for a connection from `address`, or why there is none. `per_address`: whether
  // the address is held to its share (a trusted proxy is not).
  std::variant<connection_slot, refusal> admit(const boost::asio::ip::address& address,
                                               bool per_address);
  std::size_t open() const { return open_.load(); }
  // Addresses (IPv6: /64 blocks) with connections open, trusted proxies' aside.
  std::size_t addresses() const;

 private:
  friend class connection_slot;
  void release(detail::address_counts::value_type* entry);

  const std::size_t max_total_, max_per_address_;
  std::atomic<std::size_t> open_{0};
  mutable std::mutex mutex_;
  detail::address_counts by_address_;  // elements stay put until erased: slots point at them
  detail::address_counts::value_type uncounted_;  // the trusted proxies' connections
};

}  // namespace conv::transport
