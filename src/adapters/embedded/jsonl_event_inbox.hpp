#pragma once
// ports::event_source for the single-machine setup: each topic is a JSON Lines file in the
// inbox directory, `<topic>.jsonl`, one event per line, appended by whoever stands in for
// the platform's producers (a developer's `echo … >> data/inbox/user.events.jsonl`, a test,
// a local bridge). Read like `tail -F`: only complete lines; a file moved away is read to
// its end before the new one at the path; a file cut shorter is read again from the start.
// How far each file was handled is kept beside it in `<topic>.position` (which file, byte
// offset), so a restart delivers only what was not acknowledged. A file replaced while the
// service was down is read from its start. One file that cannot be read does not hold up
// the others.
#include "common/blocking_pool.hpp"
#include "ports/event_source.hpp"

#include <cstdint>
#include <filesystem>
#include <mutex>
#include <string_view>
#include <vector>

namespace conv::adapters::embedded {

class jsonl_event_inbox : public ports::event_source {
 public:
  // Makes `directory` if it is not there.
  jsonl_event_inbox(std::filesystem::path directory, std::vector<std::string_view> topics,
                    blocking_pool& pool);
  ~jsonl_event_inbox() override;
  jsonl_event_inbox(const jsonl_event_inbox&) = delete;
  jsonl_event_inbox& operator=(const jsonl_event_inbox&) = delete;

  ports::task<std::vector<ports::inbound_event>> poll(std::size_t max) override;
  ports::task<void> acknowledge() override;

 private:
  // Which file a position is about. Its inode number alone is not enough: a file system
  // gives a removed file's number to the next file made. With its birth time it is.
  struct file_identity {
    std::uint64_t inode = 0;
    std::int64_t born_s = 0;
    std::uint32_t born_ns = 0;
    bool operator==(const file_identity&) const = default;
  };
  struct position {
    file_identity file;
    std::uint64_t offset = 0;
    bool skipping = false;  // inside a line too long to deliver: its rest is passed over
    bool operator==(const position&) const = default;
  };
  struct topic_file {
    std::string topic;
    std::filesystem::path file, position_file;
    int fd = -1;
    position delivered;     // after the last line poll() returned
    position acknowledged;  // what <topic>.position says
  };

  result<void> read_topic(topic_file& t, std::vector<ports::inbound_event>& out, std::size_t max);
  // Reads complete lines from t.delivered until `size` or `max` events: true when no
  // complete line is left before `size`.
  result<bool> read_lines(topic_file& t, std::uint64_t size, std::vector<ports::inbound_event>& out,
                          std::size_t max);
  result<void> save_position(topic_file& t);

  blocking_pool& pool_;
  std::mutex mutex_;
  std::vector<topic_file> topics_;  // under mutex_
  std::vector<char> buffer_;        // under mutex_
};

}  // namespace conv::adapters::embedded
