#include "transport/byte_range.hpp"

#include "transport/http_text.hpp"

#include <boost/beast/core/string.hpp>

#include <algorithm>
#include <charconv>
#include <optional>

namespace conv::transport {
namespace {

std::optional<std::uint64_t> number(std::string_view digits) {
  std::uint64_t n = 0;
  if (digits.empty() || digits.front() == '+') return std::nullopt;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
  if (ec != std::errc{} || end != digits.data() + digits.size()) return std::nullopt;
  return n;
}

}  // namespace

std::variant<std::monostate, byte_range, unsatisfiable_range> requested_range(
    std::string_view header, std::uint64_t size) {
  header = trim_ows(header);
  constexpr std::string_view unit = "bytes=";
  if (header.size() < unit.size() || !boost::beast::iequals(header.substr(0, unit.size()), unit))
    return std::monostate{};
  const auto spec = trim_ows(header.substr(unit.size()));
  const auto dash = spec.find('-');
  if (dash == std::string_view::npos || spec.find(',') != std::string_view::npos)
    return std::monostate{};
  const auto first_text = spec.substr(0, dash), last_text = spec.substr(dash + 1);
  if (first_text.empty()) {  // "-n": the last n bytes
    const auto n = number(last_text);
    if (!n) return std::monostate{};
    if (*n == 0 || size == 0) return unsatisfiable_range{};
    return byte_range{size - std::min(*n, size), size - 1};
  }
  const auto first = number(first_text);
  if (!first) return std::monostate{};
  std::uint64_t last = size == 0 ? 0 : size - 1;
  if (!last_text.empty()) {
    const auto asked = number(last_text);
    if (!asked || *asked < *first) return std::monostate{};
    last = std::min(*asked, last);
  }
  if (*first >= size) return unsatisfiable_range{};
  return byte_range{*first, last};
}

}  // namespace conv::transport
