#include "transport/connection_slot.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <vector>

namespace conv::transport {
namespace {

boost::asio::ip::address ip(const char* text) {
  return boost::asio::ip::make_address(text);
}

// The slot, or nullopt when refused for `why`.
std::optional<connection_slot> admit(connection_counts& counts, const char* address,
                                     std::optional<connection_counts::refusal> why = {},
                                     bool per_address = true) {
  auto r = counts.admit(ip(address), per_address);
  if (auto* refused = std::get_if<connection_counts::refusal>(&r)) {
    EXPECT_EQ(why, *refused) << address;
    return std::nullopt;
  }
  EXPECT_FALSE(why) << address << " was admitted";
  return std::get<connection_slot>(std::move(r));
}

using enum connection_counts::refusal;

TEST(ConnectionCounts, AnAddressAtItsShareIsRefusedUntilOneOfItsConnectionsCloses) {
  connection_counts counts(100, 2);
  auto a = admit(counts, "192.0.2.1");
  auto b = admit(counts, "192.0.2.1");
  admit(counts, "192.0.2.1", per_address);
  auto other = admit(counts, "192.0.2.2");  // another address has its own share
  EXPECT_EQ(counts.open(), 3u);
  a.reset();
  EXPECT_EQ(counts.open(), 2u);
  auto c = admit(counts, "192.0.2.1");
}

TEST(ConnectionCounts, TheTotalLimitHoldsForEveryone) {
  connection_counts counts(2, 10);
  auto a = admit(counts, "192.0.2.1");
  auto b = admit(counts, "192.0.2.2", {}, false);
  admit(counts, "192.0.2.3", total);
  admit(counts, "192.0.2.4", total, false);
}

TEST(ConnectionCounts, ATrustedProxyHasNoShareToKeep) {
  connection_counts counts(100, 1);
  std::vector<connection_slot> proxied;
  for (int i = 0; i < 5; ++i)
    proxied.push_back(*admit(counts, "10.0.0.1", {}, false));
  auto direct = admit(counts, "10.0.0.1");  // the proxy's own address is not spent by them
  EXPECT_EQ(counts.open(), 6u);
  proxied.clear();
  EXPECT_EQ(counts.open(), 1u);
}

TEST(ConnectionCounts, ForgetsAnAddressWhoseConnectionsAllClosed) {
  connection_counts counts(100, 5);
  {
    std::vector<connection_slot> open;
    for (int i = 0; i < 5; ++i)
      open.push_back(*admit(counts, "192.0.2.1"));
    open.push_back(*admit(counts, "192.0.2.9"));
    EXPECT_EQ(counts.addresses(), 2u);
  }
  EXPECT_EQ(counts.addresses(), 0u);
  EXPECT_EQ(counts.open(), 0u);
}

TEST(ConnectionCounts, CountIpv6PerSlash64AndMappedIpv4AsIpv4) {
  connection_counts counts(100, 1);
  auto v6 = admit(counts, "2001:db8:1:2::1");
  admit(counts, "2001:db8:1:2:ffff::7", per_address);  // the same /64
  auto next = admit(counts, "2001:db8:1:3::1");        // another /64
  auto v4 = admit(counts, "198.51.100.7");
  admit(counts, "::ffff:198.51.100.7", per_address);  // a dual-stack socket's view of it
}

}  // namespace
}  // namespace conv::transport
