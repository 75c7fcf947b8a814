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

TEST(Rfc3339, ReadsWhatOtherServicesWrite) {
  const auto at = [](const char* text) { return parse_rfc3339_any(text); };
  const auto t = parse_rfc3339("2026-11-27T10:20:30.000Z");
  EXPECT_EQ(at("2026-11-27T10:20:30Z"), t);
  EXPECT_EQ(at("2026-11-27t10:20:30z"), t);
  EXPECT_EQ(at("2026-11-27T10:20:30.1Z"), parse_rfc3339("2026-11-27T10:20:30.100Z"));
  EXPECT_EQ(at("2026-11-27T10:20:30.123456789Z"), parse_rfc3339("2026-11-27T10:20:30.123Z"));
  EXPECT_EQ(at("2026-11-27T12:20:30+02:00"), t);
  EXPECT_EQ(at("2026-11-27T05:50:30.000-04:30"), t);
  for (auto bad : {"", "2026-11-27", "2026-11-27T10:20:30", "2026-11-27T10:20:30.Z",
                   "2026-11-27T10:20:30+0200", "2026-11-27T10:20:30+24:00", "2026-11-27 10:20:30Z",
                   "2026-02-30T10:20:30Z", "yesterday at noon!!"})
    EXPECT_FALSE(at(bad)) << bad;
}

}  // namespace
}  // namespace conv
