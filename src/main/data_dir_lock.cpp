#include "main/data_dir_lock.hpp"

#include "config/config.hpp"

#include <fcntl.h>
#include <sys/file.h>
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
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    if (errno != EWOULDBLOCK) refuse(file.string() + ": " + std::strerror(errno));
    char holder[32] = {};
    const auto n = ::pread(fd_, holder, sizeof holder - 1, 0);
    std::string pid(holder, n > 0 ? std::size_t(n) : 0);
    while (!pid.empty() && (pid.back() == '\n' || pid.back() == ' '))
      pid.pop_back();
    refuse("in use by process " + (pid.empty() ? std::string("unknown") : pid));
  }
  // Who holds it, for the message above. The lock, not this text, is what counts: if the
  // write fails, that message only says "unknown".
  const auto pid = std::to_string(::getpid()) + "\n";
  const bool named =
      ::ftruncate(fd_, 0) == 0 && ::pwrite(fd_, pid.data(), pid.size(), 0) == ssize_t(pid.size());
  (void)named;
}

data_dir_lock::~data_dir_lock() {
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace conv
