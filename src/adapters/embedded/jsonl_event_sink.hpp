#pragma once
// ports::event_sink for the single-machine setup: each event's envelope is appended as one
// line to a JSON Lines file and flushed to disk before publish() succeeds. Rotation by
// moving the file away (logrotate's default) needs no signal: the next append notices and
// starts on the file at the path.
#include "common/blocking_pool.hpp"
#include "ports/event_sink.hpp"

#include <filesystem>
#include <mutex>
#include <optional>

namespace conv::adapters::embedded {

class jsonl_event_sink : public ports::event_sink {
 public:
  jsonl_event_sink(std::filesystem::path file, blocking_pool& pool);
  ~jsonl_event_sink() override;

  ports::task<void> publish(std::vector<domain::event> events) override;
  // The file is there (the one now at the path, if it was moved or removed), the last
  // append worked, and the disk has room for the next.
  ports::task<void> probe() override;

 private:
  result<void> append(const std::string& lines);
  bool open_file();  // the file at file_, made if need be; errno on failure
  result<void> follow_the_path();

  std::filesystem::path file_;
  blocking_pool& pool_;
  std::mutex mutex_;
  int fd_ = -1;
  std::optional<error> last_failure_;  // of the last append; under mutex_
  // The file may end inside a line (a torn write that could not be taken back, or a crash
  // in the middle of one): the next append starts on a line of its own.
  bool torn_ = false;
};

}  // namespace conv::adapters::embedded
