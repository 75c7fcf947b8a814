#pragma once
// Until when this instance was known to be running: a file in the data directory that a
// thread of its own rewrites every second with the clock's time, and once more at a clean
// stop. Read at the next start, it bounds when the previous run stopped hearing heartbeats:
// a call nobody resumes after a restart ended by then, not when the service came back.
#include "ports/clock.hpp"

#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <optional>
#include <thread>

namespace conv::adapters::embedded {

class alive_mark {
 public:
  // Reads the previous run's mark; starts marking when start() is called.
  alive_mark(std::filesystem::path file, const ports::clock& clock,
             std::chrono::milliseconds interval = std::chrono::seconds(1));
  ~alive_mark();
  alive_mark(const alive_mark&) = delete;
  alive_mark& operator=(const alive_mark&) = delete;

  // The previous run's last mark: nullopt on a first start, or when the file is unreadable.
  std::optional<timestamp> previous() const { return previous_; }

  void start();
  // Writes a last mark and stops; also done by the destructor.
  void stop();

 private:
  void run();
  void write_now();

  std::filesystem::path file_;
  const ports::clock& clock_;
  std::chrono::milliseconds interval_;
  std::optional<timestamp> previous_;
  int fd_ = -1;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace conv::adapters::embedded
