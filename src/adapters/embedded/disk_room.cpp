#include "adapters/embedded/disk_room.hpp"

#include <sys/statvfs.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace conv::adapters::embedded {

result<void> check_room(const std::filesystem::path& path, std::string_view what,
                        std::uint64_t floor) {
  struct statvfs fs {};
  if (::statvfs(path.c_str(), &fs) != 0)
    return make_error(errc::service_unavailable,
                      std::string(what) + ": cannot ask the file system: " + std::strerror(errno));
  const auto available = std::uint64_t(fs.f_bavail) * fs.f_frsize;
  if (available < floor)
    return make_error(errc::service_unavailable, std::string(what) + ": the disk is full (" +
                                                     std::to_string(available / 1024) +
                                                     " KiB available)");
  return {};
}

}  // namespace conv::adapters::embedded
