#pragma once
// Connections open per client address, against CONV_MAX_CONNECTIONS_PER_ADDRESS, so that one
// address cannot take the service's connection slots (a slow-header or idle-socket flood)
// from everyone else. IPv6 addresses count per /64, the block one subscriber is given.
#include <boost/asio/ip/address.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <unordered_map>

namespace conv::transport {

class connections_per_address {
  using key = std::array<unsigned char, 16>;
  struct key_hash {
    std::size_t operator()(const key& k) const noexcept;
  };
  using map = std::unordered_map<key, std::uint32_t, key_hash>;

 public:
  // One admitted connection; its address's count drops when the ticket goes.
  class ticket {
   public:
    ticket() = default;  // not counted (a trusted proxy's connection)
    ticket(ticket&& other) noexcept;
    ticket& operator=(ticket&&) = delete;
    ~ticket();

   private:
    friend class connections_per_address;
    ticket(connections_per_address* owner, map::value_type* entry) : owner_(owner), entry_(entry) {}
    connections_per_address* owner_ = nullptr;
    map::value_type* entry_ = nullptr;
  };

  explicit connections_per_address(std::size_t limit) : limit_(limit) {}

  // A ticket for one more connection from `address`; nullopt when it already has `limit`.
  std::optional<ticket> admit(const boost::asio::ip::address& address);
  // Addresses (IPv6: /64 blocks) with connections open.
  std::size_t addresses() const;

 private:
  void release(map::value_type* entry);

  std::size_t limit_;
  mutable std::mutex mutex_;
  map open_;  // elements stay where they are until erased: tickets point at them
};

}  // namespace conv::transport
