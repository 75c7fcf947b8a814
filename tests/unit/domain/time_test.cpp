#include "common/time.hpp"

#include <gtest/gtest.h>

namespace conv {
namespace {

TEST(Rfc3339, FormatsUtcWithMilliseconds) {
  EXPECT_EQ(format_rfc3339(timestamp{std::chrono::milliseconds(0)}), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(format_rfc3339(timestamp{std::chrono::milliseconds(1'795'000'000'123)}),
            "2026-11-18T11:06:40.123Z");
}

TEST(Rfc3339, PadsEveryFieldAndRoundTripsAcrossYears) {
  using namespace std::chrono;
  // Single-digit fields, the last millisecond of a year, a leap day, a far year.
  EXPECT_EQ(format_rfc3339(timestamp{sys_days{2001y / 2 / 3} + hours{4} + minutes{5} + seconds{6} +
                                     milliseconds{7}}),
            "2001-02-03T04:05:06.007Z");
  EXPECT_EQ(format_rfc3339(timestamp{sys_days{2027y / 1 / 1} - milliseconds{1}}),
            "2026-12-31T23:59:59.999Z");
  EXPECT_EQ(format_rfc3339(timestamp{sys_days{2028y / 2 / 29} + milliseconds{40}}),
            "2028-02-29T00:00:00.040Z");
  for (auto ms = milliseconds{0}; ms < milliseconds{400LL * 365 * 86'400'000};
       ms += milliseconds{86'400'000LL * 37 + 3'723'017})
    EXPECT_EQ(parse_rfc3339(format_rfc3339(timestamp{ms})), timestamp{ms});
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
