#include "transport/client_address.hpp"

#include "transport/http_text.hpp"

#include <algorithm>
#include <optional>
#include <string_view>

namespace conv::transport {
namespace {

// An X-Forwarded-For entry: an address, and as some proxies write it, an IPv4 address with
// a port ("192.0.2.1:4711") or a bracketed IPv6 one with or without a port ("[2001:db8::1]:80").
std::optional<asio::ip::address> address_of(std::string_view entry) {
  if (entry.starts_with('[')) {
    const auto close = entry.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    entry = entry.substr(1, close - 1);
  } else if (std::count(entry.begin(), entry.end(), ':') == 1) {
    entry = entry.substr(0, entry.find(':'));
  }
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(std::string(entry), ec);
  if (ec) return std::nullopt;
  return unmapped(address);
}

}  // namespace

bool client_address::trusts(const asio::ip::address& address) const {
  return std::any_of(trusted_.begin(), trusted_.end(),
                     [&](const ip_network& n) { return n.contains(address); });
}

std::string client_address::of(const asio::ip::address& peer, const http::fields& headers) const {
  auto client = unmapped(peer);
  if (!trusts(client)) return client_block_text(client);
  // Several X-Forwarded-For lines read as one list, in order: the last line's last entry
  // is the nearest hop.
  std::vector<std::string_view> hops;
  for (auto [it, end] = headers.equal_range("X-Forwarded-For"); it != end; ++it) {
    std::string_view line = it->value();
    for (std::size_t start = 0; start <= line.size();) {
      auto comma = line.find(',', start);
      if (comma == std::string_view::npos) comma = line.size();
      hops.push_back(trim_ows(line.substr(start, comma - start)));
      start = comma + 1;
    }
  }
  for (auto hop = hops.rbegin(); hop != hops.rend(); ++hop) {
    const auto address = address_of(*hop);
    if (!address) break;  // garbage: the proxy that passed it on is all that is known
    client = *address;
    if (!trusts(client)) break;
  }
  return client_block_text(client);
}

}  // namespace conv::transport
