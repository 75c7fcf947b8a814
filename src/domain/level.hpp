#pragma once
// CEFR levels and which levels may practise together.
#include <array>
#include <optional>
#include <string_view>

namespace conv::domain {

enum class cefr_level { a1, a2, b1, b2, c1, c2 };

inline constexpr std::array<cefr_level, 6> all_levels{
    cefr_level::a1, cefr_level::a2, cefr_level::b1, cefr_level::b2, cefr_level::c1, cefr_level::c2};

std::optional<cefr_level> parse_level(std::string_view text);
std::string_view level_name(cefr_level level);

// Levels whose queues a joiner may take a partner from, in the seed's preference order:
// the same level, then one below, then one above. Edge levels have fewer neighbours.
struct partner_levels {
  std::array<cefr_level, 3> levels{};
  std::size_t count = 0;
  const cefr_level* begin() const { return levels.data(); }
  const cefr_level* end() const { return levels.data() + count; }
};
partner_levels partner_levels_for(cefr_level level);

inline cefr_level lower_of(cefr_level a, cefr_level b) {
  return a < b ? a : b;
}

}  // namespace conv::domain
