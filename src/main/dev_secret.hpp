#pragma once
// The HMAC secret of development tokens when CONV_DEV_AUTH is on and no CONV_JWT_SECRET is
// set: random, created once per data directory (mode 0600), so tokens survive restarts and
// the mint-token command signs with the same key as the running server. The file is
// published whole (written aside, then linked into place), so a reader never sees it partial;
// an existing file shorter than 32 bytes stops the process (config_error) instead of
// becoming a guessable key.
#include <filesystem>
#include <string>

namespace conv {

// `data_dir` exists (prepare_data_dir).
std::string load_or_create_dev_secret(const std::filesystem::path& data_dir);

}  // namespace conv
