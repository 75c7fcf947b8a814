#pragma once
// Recordings. Promises: a recording is written in chunks and never held whole in memory;
// it becomes visible only when committed, so a failed upload leaves nothing behind; at
// most one committed recording per session (the second commit fails with
// errc::audio_already_uploaded; beginning an upload does not look: the commit decides).
#include "ports/async.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace conv::ports {

class audio_upload {
 public:
  virtual ~audio_upload() = default;  // an upload dropped before commit() is discarded
  virtual task<void> write(std::span<const char> chunk) = 0;
  // Makes the recording visible; returns its URL for `audioRecordingUrl`.
  virtual task<std::string> commit() = 0;
};

class audio_download {
 public:
  virtual ~audio_download() = default;
  virtual std::uint64_t size() const = 0;
  virtual const std::string& content_type() const = 0;
  // Reads up to `into.size()` bytes; 0 at the end.
  virtual task<std::size_t> read(std::span<char> into) = 0;
  // Reads go on from `offset` (at most size()): a range of the recording (HTTP Range).
  virtual task<void> seek(std::uint64_t offset) = 0;
};

class audio_store {
 public:
  virtual ~audio_store() = default;
  virtual task<std::unique_ptr<audio_upload>> begin_upload(std::string session_id,
                                                           std::string content_type) = 0;
  virtual task<std::unique_ptr<audio_download>> open(std::string session_id) = 0;  // not_found
  // Removes a committed recording that the session never took (recording it on the session
  // failed, or the process stopped in between), so that a new upload can commit.
  virtual task<void> discard(std::string session_id) = 0;
  // The sessions that have a committed recording (named by their session or not).
  virtual task<std::vector<std::string>> recorded_sessions() = 0;
  // Succeeds when recordings can be stored now (for /readyz).
  virtual task<void> probe() = 0;
};

}  // namespace conv::ports
