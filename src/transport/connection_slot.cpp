#include "transport/connection_slot.hpp"

#include "common/ip_network.hpp"

#include <cstring>

namespace conv::transport {
namespace {

detail::address_key key_of(const boost::asio::ip::address& address) {
  const auto block = client_block(address);
  if (block.is_v6()) return block.to_v6().to_bytes();
  // As ::ffff:a.b.c.d, apart from every IPv6 block.
  return boost::asio::ip::make_address_v6(boost::asio::ip::v4_mapped, block.to_v4()).to_bytes();
}

}  // namespace

std::size_t detail::address_key_hash::operator()(const address_key& k) const noexcept {
  std::uint64_t high, low;
  std::memcpy(&high, k.data(), 8);
  std::memcpy(&low, k.data() + 8, 8);
  return std::hash<std::uint64_t>{}(high * 0x9e3779b97f4a7c15ULL ^ low);
}

connection_slot::~connection_slot() {
  if (entry_) entry_->second.owner->release(entry_);
}

connection_counts::connection_counts(std::size_t max_total, std::size_t max_per_address)
    : max_total_(max_total),
      max_per_address_(max_per_address),
      uncounted_{detail::address_key{}, {this, 0}} {}

std::variant<connection_slot, connection_counts::refusal> connection_counts::admit(
    const boost::asio::ip::address& address, bool per_address) {
  std::lock_guard lock(mutex_);
  if (open_.load() >= max_total_) return refusal::total;
  auto* entry = &uncounted_;
  if (per_address) {
    entry = &*by_address_.try_emplace(key_of(address), detail::address_count{this, 0}).first;
    if (entry->second.open >= max_per_address_) return refusal::per_address;
  }
  ++entry->second.open;
  ++open_;
  return connection_slot(entry);
}

void connection_counts::release(detail::address_counts::value_type* entry) {
  std::lock_guard lock(mutex_);
  --open_;
  if (--entry->second.open == 0 && entry != &uncounted_) {
    const auto k = entry->first;  // not a reference into the element being erased
    by_address_.erase(k);
  }
}

std::size_t connection_counts::addresses() const {
  std::lock_guard lock(mutex_);
  return by_address_.size();
}

}  // namespace conv::transport
