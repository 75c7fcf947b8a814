#include "domain/level.hpp"

namespace conv::domain {

std::optional<cefr_level> parse_level(std::string_view text) {
  for (auto level : all_levels)
    if (level_name(level) == text) return level;
  return std::nullopt;
}

std::string_view level_name(cefr_level level) {
  switch (level) {
    case cefr_level::a1:
      return "A1";
    case cefr_level::a2:
      return "A2";
    case cefr_level::b1:
      return "B1";
    case cefr_level::b2:
      return "B2";
    case cefr_level::c1:
      return "C1";
    case cefr_level::c2:
      return "C2";
  }
  return "A1";
}

partner_levels partner_levels_for(cefr_level level) {
  partner_levels result;
  result.levels[result.count++] = level;
  if (level != cefr_level::a1) result.levels[result.count++] = cefr_level(int(level) - 1);
  if (level != cefr_level::c2) result.levels[result.count++] = cefr_level(int(level) + 1);
  return result;
}

}  // namespace conv::domain
