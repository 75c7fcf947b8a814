#pragma once
// One process per data directory. Two instances on one directory would each resume the
// other's calls and requests with their own timers and queues, publish the same events
// twice and delete each other's uploads in progress (many instances share Redis and MongoDB,
// never a data directory). An exclusive lock on `<data dir>/lock` for the process's
// lifetime: the kernel releases it however the process ends, so a crash leaves nothing to
// clean up.
#include <filesystem>

namespace conv {

class data_dir_lock {
 public:
  // Throws config::config_error naming CONV_DATA_DIR (and the holder's pid) when another
  // process holds the directory.
  explicit data_dir_lock(const std::filesystem::path& dir);
  ~data_dir_lock();
  data_dir_lock(const data_dir_lock&) = delete;
  data_dir_lock& operator=(const data_dir_lock&) = delete;

 private:
  int fd_ = -1;
};

}  // namespace conv
