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
      std::uint64_t inode = 0, offset = 0;
      if (in >> inode >> offset) {
        t.acknowledged_inode = t.inode = static_cast<ino_t>(inode);
        t.acknowledged = t.delivered = offset;
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
    for (auto& t : topics_) {
      if (out.size() >= max) break;
      if (auto r = read_topic(t, out, max); !r) {
        // What was read before the failure is delivered; the rest waits for the next poll.
        if (out.empty()) return r.error();
        log()->warn("{}", r.error().message);
      }
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
      struct stat st {};
      if (::fstat(t.fd, &st) != 0) return failure("cannot read", t.file);
      if (st.st_ino != t.inode) {
        // Not the file the position is about: a new one, read from its start.
        t.inode = st.st_ino;
        t.delivered = 0;
        t.skipping = false;
      }
    }
    struct stat opened {
    }, at_path{};
    if (::fstat(t.fd, &opened) != 0) return failure("cannot read", t.file);
    const bool replaced = ::stat(t.file.c_str(), &at_path) != 0 || at_path.st_ino != opened.st_ino;
    const auto size = static_cast<std::uint64_t>(opened.st_size);
    if (size < t.delivered) {
      log()->warn("{} is shorter than what was read of it: reading it again from its start",
                  t.file.string());
      t.delivered = 0;
      t.skipping = false;
    }
    auto drained = read_lines(t, size, out, max);
    if (!drained) return drained.error();
    if (!*drained || !replaced) return {};
    // The file was moved away or removed, and everything in it is read: on to the file now
    // at the path. A last line without its newline will never be finished there.
    if (t.delivered < size)
      log()->warn("{} was moved away with an unfinished last line ({} bytes): skipped",
                  t.file.string(), size - t.delivered);
    ::close(t.fd);
    t.fd = -1;
  }
  return {};
}

result<bool> jsonl_event_inbox::read_lines(topic_file& t, std::uint64_t size,
                                           std::vector<ports::inbound_event>& out,
                                           std::size_t max) {
  constexpr auto longest = ports::max_inbound_event_bytes;
  while (t.delivered < size) {
    const auto wanted =
        static_cast<std::size_t>(std::min<std::uint64_t>(chunk_bytes, size - t.delivered));
    const auto got = ::pread(t.fd, buffer_.data(), wanted, static_cast<off_t>(t.delivered));
    if (got < 0) return failure("cannot read", t.file);
    if (got == 0) return true;  // cut shorter meanwhile: the next poll sees it
    const std::string_view chunk(buffer_.data(), static_cast<std::size_t>(got));
    std::size_t pos = 0;
    while (pos < chunk.size()) {
      if (out.size() >= max) return false;
      const auto newline = chunk.find('\n', pos);
      if (newline == std::string_view::npos) {
        const auto rest = chunk.size() - pos;
        if (t.skipping) {
          t.delivered += rest;
        } else if (rest > longest) {
          out.push_back({t.topic, std::string(chunk.substr(pos, longest)), true});
          t.skipping = true;
          t.delivered += rest;
        } else if (t.delivered + rest >= size) {
          return true;  // an unfinished last line: wait for its newline
        }
        break;  // the next chunk starts at t.delivered
      }
      auto line = chunk.substr(pos, newline - pos);
      const auto length = line.size();
      if (line.ends_with('\r')) line.remove_suffix(1);  // written on Windows
      if (t.skipping)
        t.skipping = false;  // the end of a line too long, delivered cut short already
      else if (line.size() > longest)
        out.push_back({t.topic, std::string(line.substr(0, longest)), true});
      else if (!blank(line))
        out.push_back({t.topic, std::string(line), false});
      t.delivered += length + 1;
      pos = newline + 1;
    }
  }
  return true;
}

ports::task<void> jsonl_event_inbox::acknowledge() {
  co_return co_await pool_.run([this]() -> result<void> {
    std::lock_guard lock(mutex_);
    for (auto& t : topics_) {
      if (t.inode == t.acknowledged_inode && t.delivered == t.acknowledged) continue;
      if (auto saved = save_position(t); !saved) return saved;
    }
    return {};
  });
}

// Written aside and renamed over the old one, so a crash leaves one position or the other.
// Not synced: after a power cut the events since the last synced position come again,
// which at least once allows.
result<void> jsonl_event_inbox::save_position(topic_file& t) {
  const auto text = fmt::format("{} {}\n", static_cast<std::uint64_t>(t.inode), t.delivered);
  auto aside = t.position_file;
  aside += ".new";
  const int fd = ::open(aside.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return failure("cannot write", aside);
  const bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  ::close(fd);
  if (!written || ::rename(aside.c_str(), t.position_file.c_str()) != 0)
    return failure("cannot write", t.position_file);
  t.acknowledged_inode = t.inode;
  t.acknowledged = t.delivered;
  return {};
}

}  // namespace conv::adapters::embedded
