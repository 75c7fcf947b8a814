#include "domain/level.hpp"
#include "domain/matchmaking_request.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace conv::domain {
namespace {

std::vector<cefr_level> order(cefr_level l) {
  auto p = partner_levels_for(l);
  return {p.begin(), p.end()};
}

TEST(PartnerLevels, PrefersSameLevelThenOneBelowThenOneAbove) {
  using enum cefr_level;
  EXPECT_EQ(order(b1), (std::vector{b1, a2, b2}));
  EXPECT_EQ(order(a2), (std::vector{a2, a1, b1}));
  EXPECT_EQ(order(c1), (std::vector{c1, b2, c2}));
}

TEST(PartnerLevels, EdgeLevelsHaveOnlyOneNeighbour) {
  using enum cefr_level;
  EXPECT_EQ(order(a1), (std::vector{a1, a2}));
  EXPECT_EQ(order(c2), (std::vector{c2, c1}));
}

TEST(Levels, ParseOnlyTheSixCefrNames) {
  for (auto l : all_levels)
    EXPECT_EQ(parse_level(level_name(l)), l);
  for (auto bad : {"", "b1", "B3", "A", "C22", "B1 "})
    EXPECT_FALSE(parse_level(bad)) << bad;
}

TEST(QueueKey, IsLanguageColonLevel) {
  EXPECT_EQ(queue_key("en", cefr_level::b1), "en:B1");
}

}  // namespace
}  // namespace conv::domain
