#pragma once
// What a Range header asks of a recording (RFC 9110 §14.2): one range of bytes.
#include <cstdint>
#include <string_view>
#include <variant>

namespace conv::transport {

struct byte_range {
  std::uint64_t first = 0, last = 0;  // inclusive
  std::uint64_t length() const { return last - first + 1; }
};
struct unsatisfiable_range {};

// For a representation of `size` bytes: nothing when the whole is to be sent (no header,
// another unit, several ranges, or one that does not parse: RFC 9110 lets a server ignore
// those), the one range asked for, clipped to the end, or unsatisfiable (416).
std::variant<std::monostate, byte_range, unsatisfiable_range> requested_range(
    std::string_view header, std::uint64_t size);

}  // namespace conv::transport
