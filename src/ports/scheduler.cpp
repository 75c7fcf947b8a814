#include "ports/scheduler.hpp"

#include <iterator>

namespace conv::ports {
namespace {

constexpr std::string_view kind_names[] = {"connect", "heartbeat", "max_duration",
                                           "expiry",  "presence",  "rematch"};

}  // namespace

std::string timer_key::encode() const {
  std::string out(kind_names[int(kind)]);
  out += '/';
  out += id;
  if (!user.empty()) {
    out += '/';
    out += user;
  }
  return out;
}

std::optional<timer_key> timer_key::decode(std::string_view text) {
  const auto first = text.find('/');
  if (first == std::string_view::npos) return std::nullopt;
  timer_key key;
  bool known = false;
  for (int k = 0; k < int(std::size(kind_names)); ++k)
    if (kind_names[k] == text.substr(0, first)) key.kind = timer_kind(k), known = true;
  if (!known) return std::nullopt;
  const auto rest = text.substr(first + 1);
  const auto second = rest.find('/');
  key.id = std::string(rest.substr(0, second));
  if (second != std::string_view::npos) key.user = std::string(rest.substr(second + 1));
  return key;
}

}  // namespace conv::ports
