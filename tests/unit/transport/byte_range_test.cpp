#include "transport/byte_range.hpp"

#include <gtest/gtest.h>

namespace conv::transport {
namespace {

std::pair<std::uint64_t, std::uint64_t> range_of(std::string_view header, std::uint64_t size) {
  const auto r = requested_range(header, size);
  const auto* part = std::get_if<byte_range>(&r);
  EXPECT_TRUE(part) << header;
  return part ? std::pair{part->first, part->last} : std::pair<std::uint64_t, std::uint64_t>{};
}

bool whole(std::string_view header, std::uint64_t size) {
  return std::holds_alternative<std::monostate>(requested_range(header, size));
}

bool unsatisfiable(std::string_view header, std::uint64_t size) {
  return std::holds_alternative<unsatisfiable_range>(requested_range(header, size));
}

TEST(ByteRange, TheThreeFormsOfOneRange) {
  EXPECT_EQ(range_of("bytes=0-99", 1000), (std::pair<std::uint64_t, std::uint64_t>{0, 99}));
  EXPECT_EQ(range_of("bytes=990-", 1000), (std::pair<std::uint64_t, std::uint64_t>{990, 999}));
  EXPECT_EQ(range_of("bytes=-10", 1000), (std::pair<std::uint64_t, std::uint64_t>{990, 999}));
  EXPECT_EQ(range_of("Bytes=5-5 ", 1000), (std::pair<std::uint64_t, std::uint64_t>{5, 5}));
}

TEST(ByteRange, IsClippedToTheEnd) {
  EXPECT_EQ(range_of("bytes=900-5000", 1000), (std::pair<std::uint64_t, std::uint64_t>{900, 999}));
  EXPECT_EQ(range_of("bytes=-5000", 1000), (std::pair<std::uint64_t, std::uint64_t>{0, 999}));
}

TEST(ByteRange, PastTheEndCannotBeSatisfied) {
  EXPECT_TRUE(unsatisfiable("bytes=1000-", 1000));
  EXPECT_TRUE(unsatisfiable("bytes=1000-2000", 1000));
  EXPECT_TRUE(unsatisfiable("bytes=-0", 1000));
  EXPECT_TRUE(unsatisfiable("bytes=0-", 0));
}

TEST(ByteRange, WhatItCannotReadMeansTheWhole) {
  for (auto header : {"", "bytes", "items=0-1", "bytes=0-1,5-6", "bytes=5-1", "bytes=a-b",
                      "bytes=+1-2", "bytes=-", "bytes=99999999999999999999-"})
    EXPECT_TRUE(whole(header, 1000)) << header;
}

}  // namespace
}  // namespace conv::transport
