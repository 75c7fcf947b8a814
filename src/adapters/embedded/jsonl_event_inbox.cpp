#include "adapters/embedded/jsonl_event_inbox.hpp"

#include "observability/logging.hpp"

#include <fmt/format.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <optional>

namespace conv::adapters::embedded {
namespace {

const auto& log() {
  static const auto logger = observability::module_logger("inbox");
  return logger;
}

// Read at a time: more than one line of the longest deliverable length, so a chunk with
// no newline in it is a line too long.
constexpr std::size_t chunk_bytes = 4 * ports::max_inbound_event_bytes;

error failure(std::string_view what, const std::filesystem::path& file) {
  return make_error(errc::service_unavailable,
                    fmt::format("inbox: {} {}: {}", what, file.string(), std::strerror(errno)));
}

bool blank(std::string_view line) {
  return line.find_first_not_of(" \t\r") == std::string_view::npos;
}

// The file's inode and birth time (zero where the file system keeps none), for `fd` or, with
// `fd` AT_FDCWD, for `path`.
template <class Identity>
std::optional<Identity> identify(int fd, const char* path) {
  struct statx st {};
  const int flags = fd == AT_FDCWD ? 0 : AT_EMPTY_PATH;
  if (::statx(fd, fd == AT_FDCWD ? path : "", flags, STATX_INO | STATX_BTIME, &st) != 0)
    return std::nullopt;
  Identity id;
  id.inode = st.stx_ino;
  if (st.stx_mask & STATX_BTIME) {
    id.born_s = st.stx_btime.tv_sec;
    id.born_ns = st.stx_btime.tv_nsec;
  }
  return id;
}

}  // namespace

jsonl_event_inbox::jsonl_event_inbox(std::filesystem::path directory,
                                     std::vector<std::string_view> topics, blocking_pool& pool)
    : pool_(pool), buffer_(chunk_bytes) {
  std::error_code ec;
  std::filesystem::create_directories(directory, ec);
  if (ec) log()->warn("cannot make the inbox {}: {}", directory.string(), ec.message());
  for (auto topic : topics) {
    topic_file t;
    t.topic = topic;
    t.file = directory / (std::string(topic) + ".jsonl");
    t.position_file = directory / (std::string(topic) + ".position");
    if (std::ifstream in(t.position_file); in) {
      position p;
      int skipping = 0;
      if (in >> p.file.inode >> p.file.born_s >> p.file.born_ns >> p.offset >> skipping) {
        p.skipping = skipping != 0;
        t.acknowledged = t.delivered = p;
      } else {
        log()->warn("{} is unreadable: reading {} from its start", t.position_file.string(),
                    t.file.string());
      }
    }
    topics_.push_back(std::move(t));
  }
}

jsonl_event_inbox::~jsonl_event_inbox() {
  for (auto& t : topics_)
    if (t.fd >= 0) ::close(t.fd);
}

ports::task<std::vector<ports::inbound_event>> jsonl_event_inbox::poll(std::size_t max) {
  co_return co_await pool_.run([this, max]() -> result<std::vector<ports::inbound_event>> {
    std::lock_guard lock(mutex_);
    std::vector<ports::inbound_event> out;
    std::optional<error> failed;
    for (auto& t : topics_) {
      if (out.size() >= max) break;
      // One file that cannot be read does not hold up the others: the failure is reported
      // only when nothing else came (the consumer logs it and tries again later).
      if (auto r = read_topic(t, out, max); !r) {
        if (failed) log()->warn("{}", failed->message);
        failed = r.error();
      }
    }
    if (failed) {
      if (out.empty()) return *failed;
      log()->warn("{}", failed->message);
    }
    return out;
  });
}

result<void> jsonl_event_inbox::read_topic(topic_file& t, std::vector<ports::inbound_event>& out,
                                           std::size_t max) {
  while (out.size() < max) {
    if (t.fd < 0) {
      t.fd = ::open(t.file.c_str(), O_RDONLY | O_CLOEXEC);
      if (t.fd < 0) return errno == ENOENT ? result<void>{} : failure("cannot open", t.file);
      const auto opened = identify<file_identity>(t.fd, nullptr);
      if (!opened) return failure("cannot read", t.file);
      // Not the file the position is about: a new one, read from its start.
      if (*opened != t.delivered.file) t.delivered = position{*opened, 0, false};
    }
    struct stat opened {};
    if (::fstat(t.fd, &opened) != 0) return failure("cannot read", t.file);
    const auto at_path = identify<file_identity>(AT_FDCWD, t.file.c_str());
    const bool replaced = !at_path || *at_path != t.delivered.file;
    const auto size = static_cast<std::uint64_t>(opened.st_size);
    if (size < t.delivered.offset) {
      log()->warn("{} is shorter than what was read of it: reading it again from its start",
                  t.file.string());
      t.delivered.offset = 0;
      t.delivered.skipping = false;
    }
    auto drained = read_lines(t, size, out, max);
    if (!drained) return drained.error();
    if (!*drained || !replaced) return {};
    // The file was moved away or removed, and everything in it is read: on to the file now
    // at the path. A last line without its newline will never be finished there.
    if (t.delivered.offset < size)
      log()->warn("{} was moved away with an unfinished last line ({} bytes): skipped",
                  t.file.string(), size - t.delivered.offset);
    ::close(t.fd);
    t.fd = -1;
    t.delivered = position{};  // whatever comes next at the path is new
  }
  return {};
}

result<bool> jsonl_event_inbox::read_lines(topic_file& t, std::uint64_t size,
                                           std::vector<ports::inbound_event>& out,
                                           std::size_t max) {
  constexpr auto longest = ports::max_inbound_event_bytes;
  auto& at = t.delivered;
  while (at.offset < size) {
    const auto wanted =
        static_cast<std::size_t>(std::min<std::uint64_t>(chunk_bytes, size - at.offset));
    const auto got = ::pread(t.fd, buffer_.data(), wanted, static_cast<off_t>(at.offset));
    if (got < 0) return failure("cannot read", t.file);
    // Cut shorter since it was measured: its end is here (the next poll sees the rest).
    if (static_cast<std::size_t>(got) < wanted) size = at.offset + static_cast<std::uint64_t>(got);
    const std::string_view chunk(buffer_.data(), static_cast<std::size_t>(got));
    std::size_t pos = 0;
    while (pos < chunk.size()) {
      if (out.size() >= max) return false;
      const auto newline = chunk.find('\n', pos);
      if (newline == std::string_view::npos) {
        const auto rest = chunk.size() - pos;
        if (at.skipping) {
          at.offset += rest;
        } else if (rest > longest) {
          out.push_back({t.topic, std::string(chunk.substr(pos, longest)), true});
          at.skipping = true;
          at.offset += rest;
        } else if (at.offset + rest >= size) {
          return true;  // an unfinished last line: wait for its newline
        }
        break;  // the next chunk starts at the offset
      }
      auto line = chunk.substr(pos, newline - pos);
      const auto length = line.size();
      if (line.ends_with('\r')) line.remove_suffix(1);  // written on Windows
      if (at.skipping)
        at.skipping = false;  // the end of a line too long, delivered cut short already
      else if (line.size() > longest)
        out.push_back({t.topic, std::string(line.substr(0, longest)), true});
      else if (!blank(line))
        out.push_back({t.topic, std::string(line), false});
      at.offset += length + 1;
      pos = newline + 1;
    }
  }
  return true;
}

ports::task<void> jsonl_event_inbox::acknowledge() {
  co_return co_await pool_.run([this]() -> result<void> {
    std::lock_guard lock(mutex_);
    for (auto& t : topics_) {
      if (t.delivered == t.acknowledged) continue;
      if (auto saved = save_position(t); !saved) return saved;
    }
    return {};
  });
}

// Written aside and renamed over the old one, so a crash leaves one position or the other.
// Not synced: after a power cut the events since the last synced position come again,
// which at least once allows.
result<void> jsonl_event_inbox::save_position(topic_file& t) {
  const auto& p = t.delivered;
  const auto text = fmt::format("{} {} {} {} {}\n", p.file.inode, p.file.born_s, p.file.born_ns,
                                p.offset, p.skipping ? 1 : 0);
  auto aside = t.position_file;
  aside += ".new";
  const int fd = ::open(aside.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return failure("cannot write", aside);
  const bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  ::close(fd);
  if (!written || ::rename(aside.c_str(), t.position_file.c_str()) != 0)
    return failure("cannot write", t.position_file);
  t.acknowledged = t.delivered;
  return {};
}

}  // namespace conv::adapters::embedded
