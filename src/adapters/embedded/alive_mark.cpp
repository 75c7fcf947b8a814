#include "adapters/embedded/alive_mark.hpp"

#include "observability/logging.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <string>

namespace conv::adapters::embedded {
namespace {

const auto& log() {
  static const auto logger = observability::module_logger("alive-mark");
  return logger;
}

// Milliseconds since the epoch, zero-padded to a fixed width: each mark overwrites the whole
// previous one with a single small write.
constexpr std::size_t mark_width = 20;

std::optional<timestamp> read_mark(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::string text;
  if (!(in >> text)) return std::nullopt;
  std::int64_t ms = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), ms);
  if (ec != std::errc{} || end != text.data() + text.size() || ms <= 0) return std::nullopt;
  return timestamp(std::chrono::milliseconds(ms));
}

}  // namespace

alive_mark::alive_mark(std::filesystem::path file, const ports::clock& clock,
                       std::chrono::milliseconds interval)
    : file_(std::move(file)), clock_(clock), interval_(interval), previous_(read_mark(file_)) {}

alive_mark::~alive_mark() {
  stop();
}

void alive_mark::start() {
  fd_ = ::open(file_.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) {
    // Not fatal: without marks a restart only loses the bound on its calls' end times.
    log()->warn("cannot write {}: {}", file_.string(), std::strerror(errno));
    return;
  }
  write_now();
  thread_ = std::thread([this] { run(); });
}

void alive_mark::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
  if (fd_ >= 0) {
    write_now();
    ::close(fd_);
    fd_ = -1;
  }
}

void alive_mark::run() {
  std::unique_lock lock(mutex_);
  while (!wake_.wait_for(lock, interval_, [this] { return stopping_; })) {
    lock.unlock();
    write_now();
    lock.lock();
  }
}

void alive_mark::write_now() {
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(clock_.now().time_since_epoch())
          .count();
  char text[mark_width + 1];
  std::memset(text, '0', mark_width);
  text[mark_width] = '\n';
  auto digits = std::to_string(ms);
  std::memcpy(text + mark_width - digits.size(), digits.data(), digits.size());
  // No fsync: after a power cut the mark is older than it should be, which only shortens
  // the calls it bounds.
  if (::pwrite(fd_, text, sizeof text, 0) != ssize_t(sizeof text))
    log()->warn("cannot write {}: {}", file_.string(), std::strerror(errno));
}

}  // namespace conv::adapters::embedded
