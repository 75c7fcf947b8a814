#pragma once
// Whether the file system under an embedded store still has room for its next writes. A
// full disk leaves every file openable and readable, so the probes that open or read find
// nothing wrong while every commit, append and upload fails: /readyz asks this as well.
#include "common/error.hpp"

#include <cstdint>
#include <filesystem>
#include <string_view>

namespace conv::adapters::embedded {

// Below this, a store is reported down: a commit of the store alone writes ~200 KiB of WAL.
inline constexpr std::uint64_t min_free_bytes = 1 << 20;

// service_unavailable, naming `what`, when the file system holding `path` has fewer than
// `floor` bytes available to this process (or cannot be asked). Blocks on the file system.
result<void> check_room(const std::filesystem::path& path, std::string_view what,
                        std::uint64_t floor = min_free_bytes);

}  // namespace conv::adapters::embedded
