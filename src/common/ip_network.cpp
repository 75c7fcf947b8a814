#include "common/ip_network.hpp"

#include <algorithm>

#include <boost/asio/ip/network_v4.hpp>
#include <boost/asio/ip/network_v6.hpp>

#include <string>

namespace conv {

namespace ip = boost::asio::ip;

ip::address unmapped(const ip::address& address) {
  if (address.is_v6() && address.to_v6().is_v4_mapped())
    return ip::make_address_v4(ip::v4_mapped, address.to_v6());
  return address;
}

ip::address client_block(const ip::address& address) {
  const auto a = unmapped(address);
  if (a.is_v4()) return a;
  auto bytes = a.to_v6().to_bytes();
  std::fill(bytes.begin() + 8, bytes.end(), 0);
  return ip::address_v6(bytes);
}

std::string client_block_text(const ip::address& address) {
  const auto block = client_block(address);
  return block.is_v4() ? block.to_string() : block.to_string() + "/64";
}

std::optional<ip_network> ip_network::parse(std::string_view text) {
  boost::system::error_code ec;
  const std::string s(text);
  if (s.find('/') == std::string::npos) {
    const auto address = unmapped(ip::make_address(s, ec));
    if (ec) return std::nullopt;
    return ip_network(address, address.is_v4() ? 32 : 128);
  }
  // Asio's parsers check the prefix length against the address family.
  if (const auto v4 = ip::make_network_v4(s, ec); !ec)
    return ip_network(v4.network(), v4.prefix_length());
  if (const auto v6 = ip::make_network_v6(s, ec); !ec)
    return ip_network(v6.network(), v6.prefix_length());
  return std::nullopt;
}

bool ip_network::contains(const ip::address& candidate) const {
  const auto address = unmapped(candidate);
  if (address.is_v4() != base_.is_v4()) return false;
  if (address.is_v4()) return ip::network_v4(address.to_v4(), prefix_).network() == base_.to_v4();
  return ip::network_v6(address.to_v6(), prefix_).network() == base_.to_v6();
}

}  // namespace conv
