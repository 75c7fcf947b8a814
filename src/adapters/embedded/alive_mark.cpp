#include "adapters/embedded/alive_mark.hpp"

#include "observability/logging.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <string>
#include <utility>

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

// One line per participant: milliseconds since the epoch, session id, user id, separated by
// tabs (neither id may hold a control character). A line that does not read is skipped.
ports::unheard_participants read_unheard(const std::filesystem::path& file) {
  ports::unheard_participants unheard;
  std::ifstream in(file);
  for (std::string line; std::getline(in, line);) {
    const auto tab1 = line.find('\t');
    const auto tab2 = tab1 == std::string::npos ? tab1 : line.find('\t', tab1 + 1);
    if (tab2 == std::string::npos || tab2 + 1 >= line.size()) continue;
    std::int64_t ms = 0;
    const auto [end, ec] = std::from_chars(line.data(), line.data() + tab1, ms);
    if (ec != std::errc{} || end != line.data() + tab1 || ms <= 0) continue;
    unheard[{line.substr(tab1 + 1, tab2 - tab1 - 1), line.substr(tab2 + 1)}] =
        timestamp(std::chrono::milliseconds(ms));
  }
  return unheard;
}

}  // namespace

alive_mark::alive_mark(std::filesystem::path file, const ports::clock& clock,
                       std::chrono::milliseconds interval)
    : file_(std::move(file)),
      clock_(clock),
      interval_(interval),
      previous_(read_mark(file_)),
      unheard_file_(file_.string() + ".unheard"),
      previous_unheard_(previous_ ? read_unheard(unheard_file_) : ports::unheard_participants{}) {}

alive_mark::~alive_mark() {
  stop();
}

void alive_mark::start() {
  // Under the lock: a stop() that came first (a signal while the service was starting)
  // leaves nothing to start, and one that comes later finds the thread to join.
  std::lock_guard lock(mutex_);
  if (stopping_) return;
  fd_ = ::open(file_.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) {
    // Not fatal: without marks a restart only loses the bound on its calls' end times.
    log()->warn("cannot write {}: {}", file_.string(), std::strerror(errno));
    return;
  }
  // This run's list before its first mark: a crash between the two must not leave a mark of
  // this run beside the previous run's list, which would bound the calls this run resumed
  // (and never heard from) by this run's start instead of the older mark.
  write_unheard(
      std::exchange(unheard_to_write_, std::nullopt).value_or(ports::unheard_participants{}));
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
  std::optional<ports::unheard_participants> unheard;
  {
    // keep_unheard() may still be called (a heartbeat during the shutdown): under the lock.
    std::lock_guard lock(mutex_);
    unheard = std::exchange(unheard_to_write_, std::nullopt);
  }
  if (unheard) write_unheard(*unheard);
  if (fd_ >= 0) {
    write_now();
    ::close(fd_);
    fd_ = -1;
  }
}

void alive_mark::keep_unheard(ports::unheard_participants unheard) {
  {
    std::lock_guard lock(mutex_);
    unheard_to_write_ = std::move(unheard);
  }
  wake_.notify_one();
}

void alive_mark::run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait_for(lock, interval_, [this] { return stopping_ || unheard_to_write_; });
    if (stopping_) return;
    auto unheard = std::exchange(unheard_to_write_, std::nullopt);
    lock.unlock();
    if (unheard) write_unheard(*unheard);
    write_now();
    lock.lock();
  }
}

void alive_mark::write_unheard(const ports::unheard_participants& unheard) {
  std::string text;
  for (const auto& [who, since] : unheard)
    text += std::to_string(
                std::chrono::duration_cast<std::chrono::milliseconds>(since.time_since_epoch())
                    .count()) +
            '\t' + who.first + '\t' + who.second + '\n';
  // Written aside and renamed into place: the next start reads the old list or the new one.
  const auto aside = unheard_file_.string() + ".new";
  std::ofstream out(aside, std::ios::trunc);
  out << text;
  out.close();
  std::error_code ec;
  if (out) std::filesystem::rename(aside, unheard_file_, ec);
  if (!out || ec)
    if (auto unlogged = write_failures_.admit(std::chrono::steady_clock::now()))
      log()->warn("cannot write {}: {} ({} more since the last such line)", unheard_file_.string(),
                  ec ? ec.message() : std::strerror(errno), *unlogged);
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
    if (auto unlogged = write_failures_.admit(std::chrono::steady_clock::now()))
      log()->warn("cannot write {}: {} ({} more since the last such line)", file_.string(),
                  std::strerror(errno), *unlogged);
}

}  // namespace conv::adapters::embedded
