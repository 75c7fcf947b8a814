#include "adapters/embedded/jsonl_event_sink.hpp"

#include "adapters/embedded/disk_room.hpp"
#include "observability/logging.hpp"

#include <boost/json.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace conv::adapters::embedded {
namespace {

const auto& log() {
  static const auto logger = observability::module_logger("event-log");
  return logger;
}

}  // namespace

jsonl_event_sink::jsonl_event_sink(std::filesystem::path file, blocking_pool& pool)
    : file_(std::move(file)), pool_(pool) {
  if (!open_file())
    throw std::runtime_error("cannot open " + file_.string() + ": " + std::strerror(errno));
}

jsonl_event_sink::~jsonl_event_sink() {
  if (fd_ >= 0) ::close(fd_);
}

bool jsonl_event_sink::open_file() {
  const int fd = ::open(file_.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) return false;
  if (fd_ >= 0) ::close(fd_);
  fd_ = fd;
  struct stat st {};
  char last = '\n';
  torn_ = ::fstat(fd_, &st) == 0 && st.st_size > 0 && ::pread(fd_, &last, 1, st.st_size - 1) == 1 &&
          last != '\n';
  return true;
}

// Appending to a file someone moved away (log rotation) or removed would put every event
// from then on where nobody looks: the file at the configured path is used instead (made
// if there is none). What was appended before is wherever the old file went.
result<void> jsonl_event_sink::follow_the_path() {
  struct stat opened {
  }, at_path{};
  if (::fstat(fd_, &opened) == 0 && opened.st_nlink > 0 && ::stat(file_.c_str(), &at_path) == 0 &&
      at_path.st_ino == opened.st_ino && at_path.st_dev == opened.st_dev)
    return {};
  if (!open_file())
    return make_error(errc::service_unavailable, std::string("event log: ") + std::strerror(errno));
  log()->info("{} was moved or removed: appending to the file now at that path", file_.string());
  return {};
}

result<void> jsonl_event_sink::append(const std::string& lines) {
  std::lock_guard lock(mutex_);
  auto failure = [] {
    return make_error(errc::service_unavailable, std::string("event log: ") + std::strerror(errno));
  };
  auto written = [&]() -> result<void> {
    if (auto reopened = follow_the_path(); !reopened) return reopened;
    struct stat st {};
    if (::fstat(fd_, &st) != 0) return failure();
    std::string with_newline;
    std::string_view out = lines;
    if (torn_) {
      with_newline = "\n" + lines;
      out = with_newline;
    }
    // What a failed append wrote is taken back: the batch is retried whole, and a fragment
    // left in front of it would make its first event unreadable.
    auto undo = [&] {
      const auto err = failure();
      if (::ftruncate(fd_, st.st_size) != 0) torn_ = true;
      return err;
    };
    std::size_t done = 0;
    while (done < out.size()) {
      const auto n = ::write(fd_, out.data() + done, out.size() - done);
      if (n < 0) {
        if (errno == EINTR) continue;
        return undo();
      }
      done += std::size_t(n);
    }
    if (::fdatasync(fd_) != 0) return undo();
    torn_ = false;
    return {};
  }();
  if (written)
    last_failure_.reset();
  else
    last_failure_ = written.error();
  return written;
}

ports::task<void> jsonl_event_sink::probe() {
  auto job = [this]() -> result<void> {
    std::lock_guard lock(mutex_);
    if (auto reopened = follow_the_path(); !reopened) return reopened;
    if (last_failure_) return *last_failure_;
    return check_room(file_.parent_path(), "event log");
  };
  co_return co_await pool_.run(std::move(job));
}

ports::task<void> jsonl_event_sink::publish(std::vector<domain::event> events) {
  std::string lines;
  for (const auto& e : events) {
    lines += domain::envelope_line(e);
    lines += '\n';
  }
  auto job = [this, lines = std::move(lines)] { return append(lines); };
  co_return co_await pool_.run(std::move(job));
}

}  // namespace conv::adapters::embedded
