#pragma once
// A session's recording: who may upload and download it, and recording it on the session
// with its `session.audio-uploaded` event once the bytes are safely stored.
#include "app/context.hpp"
#include "ports/audio_store.hpp"

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_set>

namespace conv::app {

bool is_supported_audio_type(std::string_view content_type);

class audio_recordings {
 public:
  audio_recordings(context& ctx, ports::audio_store& store, std::uint64_t max_bytes)
      : ctx_(ctx), store_(store), max_bytes_(max_bytes) {}

  std::uint64_t max_bytes() const { return max_bytes_; }

  // Checks that `user` may upload now, and opens the upload to stream the body into. One
  // upload of a session at a time: the upload returned holds the session until it is
  // finished or dropped, and a second one is refused meanwhile (AUDIO_ALREADY_UPLOADED).
  ports::task<std::unique_ptr<ports::audio_upload>> begin(std::string user, std::string session_id,
                                                          std::string content_type);
  // Commits the bytes and records them on the session. An empty recording is refused.
  ports::task<domain::conversation_session> finish(std::string session_id,
                                                   std::unique_ptr<ports::audio_upload> upload,
                                                   std::string content_type, std::uint64_t size);
  ports::task<std::unique_ptr<ports::audio_download>> open(std::string user, std::string session_id,
                                                           bool is_admin);

 private:
  // Puts the committed recording's URL on the session, with its event.
  ports::task<domain::conversation_session> record(std::string session_id, std::string url,
                                                   std::string content_type, std::uint64_t size);
  class upload_claim;
  class claimed_upload;
  bool claim(const std::string& session_id);
  void release(const std::string& session_id);
  ports::task<domain::conversation_session> visible_session(const std::string& user,
                                                            const std::string& session_id,
                                                            bool is_admin);
  context& ctx_;
  ports::audio_store& store_;
  std::uint64_t max_bytes_;
  // Sessions with an upload in progress here, from begin() until the upload is finished or
  // dropped. A stored recording that is not on its session, found by the upload that holds
  // the session, was left by a failure, and may be replaced. (Per instance: right for the
  // embedded store, which only this process writes.)
  std::mutex mutex_;
  std::unordered_set<std::string> uploading_;
};

}  // namespace conv::app
