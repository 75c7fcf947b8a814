#pragma once
// Until when this instance was known to be running: a file in the data directory that a
// thread of its own rewrites every second with the clock's time, and once more at a clean
// stop. Read at the next start, it bounds when the previous run stopped hearing heartbeats:
// a call nobody resumes after a restart ended by then, not when the service came back.
// Beside it, `<file>.unheard` lists the participants of resumed calls this run has not heard
// from, with their older bound (ports::liveness_record), rewritten by the same thread.
#include "observability/log_throttle.hpp"
#include "ports/clock.hpp"
#include "ports/liveness_record.hpp"

#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <optional>
#include <thread>

namespace conv::adapters::embedded {

class alive_mark : public ports::liveness_record {
 public:
  // Reads the previous run's mark; starts marking when start() is called.
  alive_mark(std::filesystem::path file, const ports::clock& clock,
             std::chrono::milliseconds interval = std::chrono::seconds(1));
  ~alive_mark() override;
  alive_mark(const alive_mark&) = delete;
  alive_mark& operator=(const alive_mark&) = delete;

  // The previous run's last mark: nullopt on a first start, or when the file is unreadable.
  std::optional<timestamp> previous_run_alive() const override { return previous_; }
  ports::unheard_participants previous_unheard() const override { return previous_unheard_; }
  void keep_unheard(ports::unheard_participants unheard) override;

  void start();
  // Writes a last mark and stops; also done by the destructor.
  void stop();

 private:
  void run();
  void write_now();
  void write_unheard(const ports::unheard_participants& unheard);

  std::filesystem::path file_;
  const ports::clock& clock_;
  std::chrono::milliseconds interval_;
  std::optional<timestamp> previous_;
  std::filesystem::path unheard_file_;
  ports::unheard_participants previous_unheard_;
  std::optional<ports::unheard_participants> unheard_to_write_;  // under mutex_
  int fd_ = -1;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
  observability::log_throttle write_failures_{std::chrono::minutes(1)};
};

}  // namespace conv::adapters::embedded
