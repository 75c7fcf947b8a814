#pragma once
// Which address a request comes from, for what is budgeted per client address (invalid
// tokens). Behind a reverse proxy or a load balancer every request arrives from the proxy;
// when the TCP peer is a proxy the configuration trusts, the client is the nearest address
// in X-Forwarded-For that is not a trusted proxy itself, read right to left (each proxy
// appends the address it received the request from; what is further left was written by
// the client and proves nothing).
#include "common/ip_network.hpp"
#include "transport/http_types.hpp"

#include <string>
#include <vector>

namespace conv::transport {

class client_address {
 public:
  explicit client_address(std::vector<ip_network> trusted_proxies)
      : trusted_(std::move(trusted_proxies)) {}

  bool trusts(const asio::ip::address& address) const;

  // The client of a request received from `peer`, as the text of its client_block() (an
  // IPv4 address, an IPv6 /64). `peer` itself unless it is a trusted proxy. An
  // X-Forwarded-For entry that is not an address stops the walk: the client is then the
  // proxy that wrote it.
  std::string of(const asio::ip::address& peer, const http::fields& headers) const;

 private:
  std::vector<ip_network> trusted_;
};

}  // namespace conv::transport
