#include "main/data_dir_lock.hpp"

#include "config/config.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace conv {

data_dir_lock::data_dir_lock(const std::filesystem::path& dir) {
  const auto file = dir / "lock";
  fd_ = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  auto refuse = [&](const std::string& why) {
    if (fd_ >= 0) ::close(fd_);
    throw config::config_error(
        "CONV_DATA_DIR: expected a directory no other conversation-service "
        "is using, got \"" +
        dir.string() + "\" (" + why + ")");
  };
  if (fd_ < 0) refuse(file.string() + ": " + std::strerror(errno));
  // A POSIX record lock, not flock(): the kernel says who holds it (F_GETLK), where a pid
  // written into the file could still be the previous holder's. It is released when the
  // process ends, or closes any descriptor of the file (this is the only one).
  struct flock whole {};
  whole.l_type = F_WRLCK;
  whole.l_whence = SEEK_SET;
  if (::fcntl(fd_, F_SETLK, &whole) == 0) return;
  if (errno != EACCES && errno != EAGAIN) refuse(file.string() + ": " + std::strerror(errno));
  struct flock holder = whole;
  const bool known = ::fcntl(fd_, F_GETLK, &holder) == 0 && holder.l_type != F_UNLCK;
  refuse("in use by process " + (known ? std::to_string(holder.l_pid) : std::string("unknown")));
}

data_dir_lock::~data_dir_lock() {
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace conv
