#include "common/time.hpp"

#include <cstdio>

namespace conv {

// Written digit by digit: every row, event and response carries several timestamps, and
// snprintf's format parsing made formatting them a measurable share of a join's CPU.
std::string format_rfc3339(timestamp t) {
  using namespace std::chrono;
  const auto day = floor<days>(t);
  const year_month_day ymd{day};
  const hh_mm_ss hms{t - day};
  const int year = int(ymd.year());
  if (year < 0 || year > 9999) {  // not a time this service meets; keep it readable anyway
    char buf[48];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", year,
                  unsigned(ymd.month()), unsigned(ymd.day()), int(hms.hours().count()),
                  int(hms.minutes().count()), int(hms.seconds().count()),
                  int(hms.subseconds().count()));
    return buf;
  }
  std::string out = "0000-00-00T00:00:00.000Z";
  auto put = [&out](std::size_t end, unsigned value) {  // right-aligned in its zeros
    for (std::size_t i = end; value != 0; value /= 10)
      out[--i] = char('0' + value % 10);
  };
  put(4, unsigned(year));
  put(7, unsigned(ymd.month()));
  put(10, unsigned(ymd.day()));
  put(13, unsigned(hms.hours().count()));
  put(16, unsigned(hms.minutes().count()));
  put(19, unsigned(hms.seconds().count()));
  put(23, unsigned(hms.subseconds().count()));
  return out;
}

std::optional<timestamp> parse_rfc3339(std::string_view text) {
  // Only the form we write is accepted back: fixed width, UTC, milliseconds.
  if (text.size() != 24 || text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':' ||
      text[16] != ':' || text[19] != '.' || text[23] != 'Z')
    return std::nullopt;
  auto number = [&](std::size_t pos, std::size_t len) -> int {
    int v = 0;
    for (std::size_t i = pos; i < pos + len; ++i) {
      if (text[i] < '0' || text[i] > '9') return -1;
      v = v * 10 + (text[i] - '0');
    }
    return v;
  };
  const int y = number(0, 4), mo = number(5, 2), d = number(8, 2), h = number(11, 2),
            mi = number(14, 2), s = number(17, 2), ms = number(20, 3);
  if (y < 0 || mo < 0 || d < 0 || h < 0 || mi < 0 || s < 0 || ms < 0) return std::nullopt;
  using namespace std::chrono;
  const year_month_day ymd{year{y}, month{unsigned(mo)}, day{unsigned(d)}};
  if (!ymd.ok() || h > 23 || mi > 59 || s > 59) return std::nullopt;
  return timestamp{sys_days{ymd}} + hours{h} + minutes{mi} + seconds{s} + milliseconds{ms};
}

std::optional<timestamp> parse_rfc3339_any(std::string_view text) {
  // The date and time to the second, then written again in the fixed form to be parsed.
  if (text.size() < 20 || (text[10] != 'T' && text[10] != 't')) return std::nullopt;
  std::string fixed(text.substr(0, 19));
  fixed[10] = 'T';
  std::size_t pos = 19;
  std::string millis = "000";
  if (text[pos] == '.') {
    const auto digits = text.find_first_not_of("0123456789", pos + 1);
    if (digits == std::string_view::npos || digits == pos + 1) return std::nullopt;
    for (std::size_t i = 0; i < 3 && pos + 1 + i < digits; ++i)
      millis[i] = text[pos + 1 + i];
    pos = digits;
  }
  auto t = parse_rfc3339(fixed + "." + millis + "Z");
  if (!t) return std::nullopt;
  const auto zone = text.substr(pos);
  if (zone == "Z" || zone == "z") return t;
  // ±HH:MM: the local time is that much ahead of UTC (or behind).
  if (zone.size() != 6 || (zone[0] != '+' && zone[0] != '-') || zone[3] != ':') return std::nullopt;
  auto two = [&](std::size_t i) {
    return (zone[i] < '0' || zone[i] > '9' || zone[i + 1] < '0' || zone[i + 1] > '9')
               ? -1
               : (zone[i] - '0') * 10 + (zone[i + 1] - '0');
  };
  const int h = two(1), m = two(4);
  if (h < 0 || h > 23 || m < 0 || m > 59) return std::nullopt;
  const auto offset = std::chrono::hours(h) + std::chrono::minutes(m);
  return zone[0] == '+' ? *t - offset : *t + offset;
}

}  // namespace conv
