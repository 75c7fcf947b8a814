// Whose request it is: the TCP peer, or behind trusted proxies the nearest untrusted hop of
// X-Forwarded-For.
#include "transport/client_address.hpp"

#include <gtest/gtest.h>

namespace conv::transport {
namespace {

boost::asio::ip::address addr(const char* text) {
  return boost::asio::ip::make_address(text);
}

client_address trusting(std::initializer_list<const char*> entries) {
  std::vector<ip_network> networks;
  for (const char* e : entries)
    networks.push_back(*ip_network::parse(e));
  return client_address(std::move(networks));
}

http::fields forwarded_for(std::initializer_list<const char*> lines) {
  http::fields f;
  for (const char* line : lines)
    f.insert("X-Forwarded-For", line);
  return f;
}

TEST(ClientAddress, WithoutTrustedProxiesThePeerIsTheClient) {
  const client_address clients({});
  EXPECT_EQ(clients.of(addr("198.51.100.7"), forwarded_for({"203.0.113.9"})), "198.51.100.7");
}

TEST(ClientAddress, AnUntrustedPeerCannotNameAnotherClient) {
  const auto clients = trusting({"10.0.0.0/8"});
  EXPECT_EQ(clients.of(addr("198.51.100.7"), forwarded_for({"203.0.113.9"})), "198.51.100.7");
}

TEST(ClientAddress, BehindATrustedProxyTheLastHopIsTheClient) {
  const auto clients = trusting({"10.0.0.0/8"});
  EXPECT_EQ(clients.of(addr("10.0.0.5"), forwarded_for({"203.0.113.9"})), "203.0.113.9");
}

TEST(ClientAddress, WhatTheClientWroteFurtherLeftIsIgnored) {
  // The client sent "X-Forwarded-For: 192.0.2.1" itself; the proxy appended its real address.
  const auto clients = trusting({"10.0.0.0/8"});
  EXPECT_EQ(clients.of(addr("10.0.0.5"), forwarded_for({"192.0.2.1, 203.0.113.9"})), "203.0.113.9");
}

TEST(ClientAddress, AChainOfTrustedProxiesIsWalkedRightToLeft) {
  const auto clients = trusting({"10.0.0.0/8", "172.16.0.0/12"});
  EXPECT_EQ(clients.of(addr("10.0.0.5"), forwarded_for({"192.0.2.1, 203.0.113.9, 172.16.3.4"})),
            "203.0.113.9");
  // Several header lines are one list, in order.
  EXPECT_EQ(clients.of(addr("10.0.0.5"), forwarded_for({"192.0.2.1, 203.0.113.9", "172.16.3.4"})),
            "203.0.113.9");
}

TEST(ClientAddress, GarbageStopsTheWalkAtTheProxyThatPassedItOn) {
  const auto clients = trusting({"10.0.0.0/8"});
  EXPECT_EQ(clients.of(addr("10.0.0.5"), forwarded_for({"unknown"})), "10.0.0.5");
  EXPECT_EQ(clients.of(addr("10.0.0.5"), forwarded_for({"203.0.113.9, not-an-ip, 10.0.0.7"})),
            "10.0.0.7");
  EXPECT_EQ(clients.of(addr("10.0.0.5"), forwarded_for({"203.0.113.9,,"})), "10.0.0.5");
}

TEST(ClientAddress, NoHeaderOrOnlyProxiesLeavesTheNearestProxy) {
  const auto clients = trusting({"10.0.0.0/8"});
  EXPECT_EQ(clients.of(addr("10.0.0.5"), http::fields{}), "10.0.0.5");
  EXPECT_EQ(clients.of(addr("10.0.0.5"), forwarded_for({"10.9.9.9, 10.0.0.6"})), "10.9.9.9");
}

TEST(ClientAddress, PortsAndBracketsAsSomeProxiesWriteThem) {
  const auto clients = trusting({"10.0.0.0/8", "::1"});
  EXPECT_EQ(clients.of(addr("10.0.0.5"), forwarded_for({"203.0.113.9:4711"})), "203.0.113.9");
  EXPECT_EQ(clients.of(addr("10.0.0.5"), forwarded_for({"[2001:db8::7]:443"})), "2001:db8::/64");
  EXPECT_EQ(clients.of(addr("::1"), forwarded_for({"2001:db8::8"})), "2001:db8::/64");
  EXPECT_EQ(clients.of(addr("::ffff:10.0.0.5"), forwarded_for({"::ffff:203.0.113.9"})),
            "203.0.113.9");
}

TEST(ClientAddress, AnIpv6ClientIsItsSlash64) {
  // One subscriber's block: every address in it spends one budget.
  const client_address clients({});
  EXPECT_EQ(clients.of(addr("2001:db8:1:2:aaaa::1"), {}), "2001:db8:1:2::/64");
  EXPECT_EQ(clients.of(addr("2001:db8:1:2:bbbb::9"), {}), "2001:db8:1:2::/64");
  EXPECT_EQ(clients.of(addr("2001:db8:1:3::1"), {}), "2001:db8:1:3::/64");
}

}  // namespace
}  // namespace conv::transport
