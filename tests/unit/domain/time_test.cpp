#include "common/time.hpp"

#include <gtest/gtest.h>

namespace conv {
namespace {

TEST(Rfc3339, FormatsUtcWithMilliseconds) {
  EXPECT_EQ(format_rfc3339(timestamp{std::chrono::milliseconds(0)}), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(format_rfc3339(timestamp{std::chrono::milliseconds(1'795'000'000'123)}),
            "2026-11-18T11:06:40.123Z");
}

TEST(Rfc3339, ParsesWhatItFormats) {
  const timestamp t{std::chrono::milliseconds(1'795'000'000'123)};
  EXPECT_EQ(parse_rfc3339(format_rfc3339(t)), t);
  for (auto bad :
       {"", "2026-11-19T08:26:40Z", "2026-13-19T08:26:40.123Z", "2026-02-30T08:26:40.123Z",
        "2026-11-19 08:26:40.123Z", "2026-11-19T24:00:00.000Z"})
    EXPECT_FALSE(parse_rfc3339(bad)) << bad;
}

}  // namespace
}  // namespace conv
