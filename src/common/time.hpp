#pragma once
// Timestamps of the contract: RFC 3339 UTC with milliseconds ("2026-11-24T16:06:19.123Z").
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace conv {

using timestamp = std::chrono::sys_time<std::chrono::milliseconds>;

std::string format_rfc3339(timestamp t);
// Only the form format_rfc3339 writes (what this service stores).
std::optional<timestamp> parse_rfc3339(std::string_view text);
// Any RFC 3339 date-time, as other services write it: a fraction of any length (or none;
// kept to the millisecond), `Z` or an offset such as `+02:00`, `T`/`t`. For events consumed.
std::optional<timestamp> parse_rfc3339_any(std::string_view text);

inline std::int64_t to_unix_ms(timestamp t) {
  return t.time_since_epoch().count();
}
inline timestamp from_unix_ms(std::int64_t ms) {
  return timestamp{std::chrono::milliseconds{ms}};
}

}  // namespace conv
