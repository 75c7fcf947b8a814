#pragma once
// Every connection is a file descriptor. Debian's default soft limit (1,024) is far below
// the connection caps, and a client could hold every descriptor with idle connections while
// the caps never refuse it: new clients then wait for accept() in vain. At start the soft
// limit is raised to the hard one, and the connection cap is kept below what it allows.
#include <cstddef>

namespace conv {

// Descriptors kept for everything that is not a connection: the store's connections and
// WAL, the event log, recordings being uploaded or downloaded, JWKS fetches, the listener.
inline constexpr std::size_t reserved_file_descriptors = 256;

// Raises the soft limit on open files to the hard limit; returns the limit now in force.
std::size_t raise_open_file_limit();

}  // namespace conv
