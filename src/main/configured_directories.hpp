#pragma once
// The directories the configuration names, checked before anything starts. One that cannot
// be used stops the process like any bad value (config_error: exit code 2, one line naming
// the variable), not with a filesystem exception from deep inside an adapter, nor silently.
#include <filesystem>
#include <optional>

namespace conv {

// CONV_DATA_DIR: created when missing; it must then be a directory this process can write.
void prepare_data_dir(const std::filesystem::path& dir);

// CONV_WEB_ROOT, when set, must be an existing directory. (Unset, the service serves
// web/dist if there is one: the default may be absent, a value the operator wrote may not.)
void check_web_root(const std::optional<std::filesystem::path>& root);

}  // namespace conv
