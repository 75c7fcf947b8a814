#include "transport/connections_per_address.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace conv::transport {
namespace {

boost::asio::ip::address ip(const char* text) {
  return boost::asio::ip::make_address(text);
}

TEST(ConnectionsPerAddress, AnAddressAtItsLimitIsRefusedUntilOneOfItsConnectionsCloses) {
  connections_per_address limits(2);
  auto a = limits.admit(ip("192.0.2.1"));
  auto b = limits.admit(ip("192.0.2.1"));
  ASSERT_TRUE(a && b);
  EXPECT_FALSE(limits.admit(ip("192.0.2.1")));
  EXPECT_TRUE(limits.admit(ip("192.0.2.2"))) << "another address has its own count";
  a.reset();
  EXPECT_TRUE(limits.admit(ip("192.0.2.1")));
}

TEST(ConnectionsPerAddress, ForgetsAnAddressWhoseConnectionsAllClosed) {
  connections_per_address limits(5);
  {
    std::vector<connections_per_address::ticket> open;
    for (int i = 0; i < 5; ++i)
      open.push_back(std::move(*limits.admit(ip("192.0.2.1"))));
    open.push_back(std::move(*limits.admit(ip("192.0.2.9"))));
    EXPECT_EQ(limits.addresses(), 2u);
  }
  EXPECT_EQ(limits.addresses(), 0u);
}

TEST(ConnectionsPerAddress, CountsIpv6PerSlash64AndMappedIpv4AsIpv4) {
  connections_per_address limits(1);
  auto v6 = limits.admit(ip("2001:db8:1:2::1"));
  ASSERT_TRUE(v6);
  EXPECT_FALSE(limits.admit(ip("2001:db8:1:2:ffff::7"))) << "same /64";
  EXPECT_TRUE(limits.admit(ip("2001:db8:1:3::1"))) << "another /64";
  auto v4 = limits.admit(ip("198.51.100.7"));
  ASSERT_TRUE(v4);
  EXPECT_FALSE(limits.admit(ip("::ffff:198.51.100.7"))) << "a dual-stack socket's view of it";
}

}  // namespace
}  // namespace conv::transport
