#include "transport/connections_per_address.hpp"

#include "common/ip_network.hpp"

#include <cstring>
#include <utility>

namespace conv::transport {
namespace {

std::array<unsigned char, 16> key_of(const boost::asio::ip::address& address) {
  const auto a = unmapped(address);
  std::array<unsigned char, 16> k{};
  if (a.is_v4()) {  // as ::ffff:a.b.c.d, apart from every IPv6 block
    const auto v4 = a.to_v4().to_bytes();
    k[10] = k[11] = 0xff;
    std::memcpy(k.data() + 12, v4.data(), 4);
    return k;
  }
  const auto v6 = a.to_v6().to_bytes();
  std::memcpy(k.data(), v6.data(), 8);  // the /64
  return k;
}

}  // namespace

std::size_t connections_per_address::key_hash::operator()(const key& k) const noexcept {
  std::uint64_t high, low;
  std::memcpy(&high, k.data(), 8);
  std::memcpy(&low, k.data() + 8, 8);
  return std::hash<std::uint64_t>{}(high * 0x9e3779b97f4a7c15ULL ^ low);
}

connections_per_address::ticket::ticket(ticket&& other) noexcept
    : owner_(std::exchange(other.owner_, nullptr)), entry_(std::exchange(other.entry_, nullptr)) {}

connections_per_address::ticket::~ticket() {
  if (owner_) owner_->release(entry_);
}

std::optional<connections_per_address::ticket> connections_per_address::admit(
    const boost::asio::ip::address& address) {
  std::lock_guard lock(mutex_);
  auto& entry = *open_.try_emplace(key_of(address), 0).first;
  if (entry.second >= limit_) return std::nullopt;
  ++entry.second;
  return ticket(this, &entry);
}

void connections_per_address::release(map::value_type* entry) {
  std::lock_guard lock(mutex_);
  if (--entry->second == 0) {
    const auto k = entry->first;  // not a reference into the element being erased
    open_.erase(k);
  }
}

std::size_t connections_per_address::addresses() const {
  std::lock_guard lock(mutex_);
  return open_.size();
}

}  // namespace conv::transport
