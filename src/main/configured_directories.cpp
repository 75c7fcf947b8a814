#include "main/configured_directories.hpp"

#include "config/config.hpp"

#include <unistd.h>

#include <cerrno>
#include <string>
#include <system_error>

namespace conv {
namespace {

[[noreturn]] void refuse(const char* variable, const char* expected,
                         const std::filesystem::path& got, const std::error_code& why) {
  throw config::config_error(std::string(variable) + ": expected " + expected + ", got \"" +
                             got.string() + "\" (" + why.message() + ")");
}

}  // namespace

void prepare_data_dir(const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (!ec && !std::filesystem::is_directory(dir, ec))
    ec = std::make_error_code(std::errc::not_a_directory);
  // Everything the service keeps is created in it: write and search permission.
  if (!ec && ::access(dir.c_str(), W_OK | X_OK) != 0)
    ec = std::error_code(errno, std::generic_category());
  if (ec) refuse("CONV_DATA_DIR", "a directory this process can create or write", dir, ec);
}

void check_web_root(const std::optional<std::filesystem::path>& root) {
  if (!root) return;
  std::error_code ec;
  if (std::filesystem::is_directory(*root, ec)) return;
  if (!ec)
    ec =
        std::make_error_code(std::filesystem::exists(*root) ? std::errc::not_a_directory
                                                            : std::errc::no_such_file_or_directory);
  refuse("CONV_WEB_ROOT", "a directory of the web client", *root, ec);
}

}  // namespace conv
