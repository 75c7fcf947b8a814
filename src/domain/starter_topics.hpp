#pragma once
// The catalogue a new, empty store starts with, so a fresh install can hold conversations
// at once. Ids are fixed ("starter-<lang>-<level>-<n>") so that several instances seeding
// the same store at once write the same documents instead of duplicates.
#include "domain/topic.hpp"

#include <vector>

namespace conv::domain {

std::vector<topic> starter_topics(timestamp created_at);

}  // namespace conv::domain
