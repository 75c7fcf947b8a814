#pragma once
// The HMAC secret of development tokens when CONV_DEV_AUTH is on and no CONV_JWT_SECRET is
// set: random, created once per data directory (mode 0600), so tokens survive restarts and
// the mint-token command signs with the same key as the running server.
#include <filesystem>
#include <string>

namespace conv {

std::string load_or_create_dev_secret(const std::filesystem::path& data_dir);

}  // namespace conv
