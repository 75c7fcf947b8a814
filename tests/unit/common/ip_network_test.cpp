// Addresses and CIDR networks as CONV_TRUSTED_PROXIES names them.
#include "common/ip_network.hpp"

#include <gtest/gtest.h>

namespace conv {
namespace {

boost::asio::ip::address addr(const char* text) {
  return boost::asio::ip::make_address(text);
}

TEST(IpNetwork, AnAddressContainsItselfOnly) {
  const auto one = ip_network::parse("10.1.2.3");
  ASSERT_TRUE(one);
  EXPECT_TRUE(one->contains(addr("10.1.2.3")));
  EXPECT_FALSE(one->contains(addr("10.1.2.4")));
}

TEST(IpNetwork, ANetworkContainsItsPrefix) {
  const auto net = ip_network::parse("10.0.0.0/8");
  ASSERT_TRUE(net);
  EXPECT_TRUE(net->contains(addr("10.255.0.1")));
  EXPECT_FALSE(net->contains(addr("11.0.0.1")));
  // Host bits in the configured network do not matter.
  const auto loose = ip_network::parse("192.168.7.9/16");
  ASSERT_TRUE(loose);
  EXPECT_TRUE(loose->contains(addr("192.168.200.1")));
  EXPECT_FALSE(loose->contains(addr("192.169.0.1")));
}

TEST(IpNetwork, IPv6NetworksAndMappedIPv4) {
  const auto net = ip_network::parse("2001:db8::/32");
  ASSERT_TRUE(net);
  EXPECT_TRUE(net->contains(addr("2001:db8:1::5")));
  EXPECT_FALSE(net->contains(addr("2001:db9::5")));
  EXPECT_FALSE(net->contains(addr("10.0.0.1")));
  // A dual-stack socket reports an IPv4 peer as ::ffff:a.b.c.d.
  const auto v4 = ip_network::parse("127.0.0.0/8");
  ASSERT_TRUE(v4);
  EXPECT_TRUE(v4->contains(addr("::ffff:127.0.0.1")));
  EXPECT_FALSE(v4->contains(addr("::1")));
}

TEST(IpNetwork, RefusesWhatIsNotAnAddressOrNetwork) {
  for (const char* bad : {"", "localhost", "10.0.0.0/33", "10.0.0/8", "::1/129", "10.0.0.0/",
                          "10.0.0.0/-1", "1.2.3.4.5", "10.0.0.0/8/8"})
    EXPECT_FALSE(ip_network::parse(bad)) << bad;
}

TEST(ClientBlock, IsTheIpv4AddressOrTheIpv6Slash64) {
  const auto ip = [](const char* t) { return boost::asio::ip::make_address(t); };
  EXPECT_EQ(client_block_text(ip("192.0.2.1")), "192.0.2.1");
  EXPECT_EQ(client_block_text(ip("::ffff:192.0.2.1")), "192.0.2.1");
  EXPECT_EQ(client_block_text(ip("2001:db8:1:2:3:4:5:6")), "2001:db8:1:2::/64");
  EXPECT_EQ(client_block(ip("2001:db8:1:2:3:4:5:6")), client_block(ip("2001:db8:1:2::ffff")));
}

}  // namespace
}  // namespace conv
