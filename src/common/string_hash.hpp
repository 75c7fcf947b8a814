#pragma once
// A hash for unordered containers keyed by std::string that also finds by string_view
// (with std::equal_to<>), so lookups do not build a string.
#include <cstddef>
#include <functional>
#include <string_view>

namespace conv {

struct string_hash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const noexcept {
    return std::hash<std::string_view>{}(s);
  }
};

}  // namespace conv
