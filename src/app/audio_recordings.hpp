#pragma once
// A session's recording: who may upload and download it, and recording it on the session
// with its `session.audio-uploaded` event once the bytes are safely stored.
#include "app/context.hpp"
#include "ports/audio_store.hpp"

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>

namespace conv::app {

bool is_supported_audio_type(std::string_view content_type);
// Uploads of one session in progress at once: each participant's, and a retry of each while
// the server has not yet seen its dropped predecessor go.
inline constexpr int max_uploads_per_session = 4;

class audio_recordings {
 public:
  audio_recordings(context& ctx, ports::audio_store& store, std::uint64_t max_bytes)
      : ctx_(ctx), store_(store), max_bytes_(max_bytes) {}

  std::uint64_t max_bytes() const { return max_bytes_; }

  // Checks that `user` may upload now (and `declared_size`, when the request gives one,
  // fits the call: PAYLOAD_TOO_LARGE), and opens the upload to stream the body into; its
  // writes are refused with PAYLOAD_TOO_LARGE once past what the call has lasted. Both
  // participants may upload at once (the first to finish wins), but a session has at most
  // max_uploads_per_session uploads in progress: past that, RATE_LIMITED until one ends.
  ports::task<std::unique_ptr<ports::audio_upload>> begin(
      std::string user, std::string session_id, std::string content_type,
      std::optional<std::uint64_t> declared_size = std::nullopt);
  // Commits the bytes and records them on the session, unless another upload of it did
  // first (AUDIO_ALREADY_UPLOADED). An empty recording is refused.
  ports::task<domain::conversation_session> finish(std::string user, std::string session_id,
                                                   std::unique_ptr<ports::audio_upload> upload,
                                                   std::string content_type, std::uint64_t size);
  ports::task<std::unique_ptr<ports::audio_download>> open(std::string user, std::string session_id,
                                                           bool is_admin);
  // At start, before any upload: removes the recordings no session names, left by a crash
  // between storing the bytes and naming them on the session (an upload that was never
  // answered). Returns how many went.
  ports::task<std::size_t> discard_leftovers();

 private:
  // Puts the committed recording's URL on the session, with its event.
  ports::task<domain::conversation_session> record(std::string session_id, std::string url,
                                                   std::string content_type, std::uint64_t size);
  class upload_place;
  class counted_upload;
  class commit_turn;
  ports::task<domain::conversation_session> store_and_record(std::string user,
                                                             std::string session_id,
                                                             ports::audio_upload& upload,
                                                             std::string content_type,
                                                             std::uint64_t size);
  ports::task<domain::conversation_session> visible_session(const std::string& user,
                                                            const std::string& session_id,
                                                            bool is_admin);
  context& ctx_;
  ports::audio_store& store_;
  std::uint64_t max_bytes_;
  // Per session: the uploads in progress here (from begin() until finished or dropped), and
  // whether one is being committed. Commits of a session take turns: the one whose turn it
  // is reads the session afresh, so a stored recording it finds that the session does not
  // name was left by a failure and may be replaced. (Per instance: right for the embedded
  // store, which only this process writes.)
  std::mutex mutex_;
  std::unordered_map<std::string, int> uploading_;
  std::unordered_set<std::string> committing_;
};

}  // namespace conv::app
