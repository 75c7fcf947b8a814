#pragma once
// An IP address or a CIDR network ("10.0.0.0/8", "2001:db8::/32", "127.0.0.1"), as the
// configuration names trusted proxies.
#include <boost/asio/ip/address.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace conv {

class ip_network {
 public:
  // Nullopt when `text` is neither an address nor an address with a prefix length that
  // fits it.
  static std::optional<ip_network> parse(std::string_view text);

  // IPv4 addresses mapped into IPv6 (::ffff:a.b.c.d, what a dual-stack socket reports)
  // count as the IPv4 address.
  bool contains(const boost::asio::ip::address& address) const;

 private:
  ip_network(boost::asio::ip::address base, unsigned prefix) : base_(base), prefix_(prefix) {}
  boost::asio::ip::address base_;
  unsigned prefix_;
};

// `address` with an IPv4-mapped IPv6 address turned into the IPv4 one.
boost::asio::ip::address unmapped(const boost::asio::ip::address& address);

// What is limited per client: an IPv4 address, or the /64 block an IPv6 address is in (its
// low 64 bits zero). A subscriber is given a whole /64 and a host may use any address in it,
// so counting IPv6 addresses one by one would give one client 2^64 budgets.
boost::asio::ip::address client_block(const boost::asio::ip::address& address);
// client_block() as text: "192.0.2.1", "2001:db8:1:2::/64".
std::string client_block_text(const boost::asio::ip::address& address);

}  // namespace conv
