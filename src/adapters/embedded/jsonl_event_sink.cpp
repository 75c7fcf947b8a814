#include "adapters/embedded/jsonl_event_sink.hpp"

#include <boost/json.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace conv::adapters::embedded {

jsonl_event_sink::jsonl_event_sink(std::filesystem::path file, blocking_pool& pool)
    : file_(std::move(file)), pool_(pool) {
  fd_ = ::open(file_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd_ < 0)
    throw std::runtime_error("cannot open " + file_.string() + ": " + std::strerror(errno));
}

jsonl_event_sink::~jsonl_event_sink() {
  if (fd_ >= 0) ::close(fd_);
}

result<void> jsonl_event_sink::append(const std::string& lines) {
  std::lock_guard lock(mutex_);
  std::size_t done = 0;
  while (done < lines.size()) {
    const auto n = ::write(fd_, lines.data() + done, lines.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return make_error(errc::service_unavailable,
                        std::string("event log: ") + std::strerror(errno));
    }
    done += std::size_t(n);
  }
  if (::fdatasync(fd_) != 0)
    return make_error(errc::service_unavailable, std::string("event log: ") + std::strerror(errno));
  return {};
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
