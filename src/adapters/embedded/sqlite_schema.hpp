#pragma once
// The embedded store's tables, created or upgraded when the database opens.
#include "adapters/embedded/sqlite_connection.hpp"

namespace conv::adapters::embedded {

inline constexpr int schema_version = 3;
void migrate(sqlite_connection& db);

}  // namespace conv::adapters::embedded
