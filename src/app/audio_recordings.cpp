#include "app/audio_recordings.hpp"

#include "domain/validation.hpp"

namespace conv::app {

bool is_supported_audio_type(std::string_view content_type) {
  for (auto t : {"audio/webm", "audio/ogg", "audio/mp4", "audio/mpeg", "audio/wav"})
    if (content_type == t) return true;
  return false;
}

ports::task<domain::conversation_session> audio_recordings::visible_session(
    const std::string& user, const std::string& session_id, bool is_admin) {
  if (!domain::is_safe_id(session_id))
    co_return make_error(errc::session_not_found, "no such session");
  auto found = co_await ctx_.store.find_session(session_id);
  if (!found) co_return found.error();
  if (!*found || (!is_admin && !(*found)->has_participant(user)))
    co_return make_error(errc::session_not_found, "no such session");
  co_return std::move(**found);
}

ports::task<std::unique_ptr<ports::audio_upload>> audio_recordings::begin(
    std::string user, std::string session_id, std::string content_type) {
  auto session = co_await visible_session(user, session_id, false);
  if (!session) co_return session.error();
  if (session->status != domain::session_status::active &&
      session->status != domain::session_status::completed)
    co_return make_error(errc::invalid_state,
                         "a recording is accepted while the session is active or completed");
  if (session->audio_recording_url)
    co_return make_error(errc::audio_already_uploaded, "this session already has a recording");
  auto upload = co_await store_.begin_upload(session_id, content_type);
  if (upload || upload.error().code != errc::audio_already_uploaded || committing(session_id))
    co_return upload;
  // Stored but never recorded on the session, and nobody is committing it: left over.
  if (auto discarded = co_await store_.discard(session_id); !discarded) co_return discarded.error();
  co_return co_await store_.begin_upload(std::move(session_id), std::move(content_type));
}

bool audio_recordings::committing(const std::string& session_id) {
  std::lock_guard lock(mutex_);
  return committing_.contains(session_id);
}

ports::task<domain::conversation_session> audio_recordings::finish(
    std::string session_id, std::unique_ptr<ports::audio_upload> upload, std::string content_type,
    std::uint64_t size) {
  {
    std::lock_guard lock(mutex_);
    committing_.insert(session_id);
  }
  struct done_committing {
    audio_recordings& self;
    const std::string& id;
    ~done_committing() {
      std::lock_guard lock(self.mutex_);
      self.committing_.erase(self.committing_.find(id));
    }
  } done{*this, session_id};
  auto url = co_await upload->commit();
  if (!url) co_return url.error();
  auto recorded = co_await record(session_id, *url, content_type, size);
  if (!recorded && recorded.error().code != errc::audio_already_uploaded) {
    // The store of sessions is down or busy: the recording is taken back, so the client's
    // retry can store it again rather than meet a recording no session refers to.
    if (auto discarded = co_await store_.discard(session_id); !discarded)
      co_return discarded.error();
  }
  co_return recorded;
}

ports::task<domain::conversation_session> audio_recordings::record(std::string session_id,
                                                                   std::string url,
                                                                   std::string content_type,
                                                                   std::uint64_t size) {
  for (int attempt = 0; attempt < 8; ++attempt) {
    auto found = co_await ctx_.store.find_session(session_id);
    if (!found) co_return found.error();
    if (!*found) co_return make_error(errc::session_not_found, "no such session");
    auto s = std::move(**found);
    if (s.audio_recording_url)
      co_return make_error(errc::audio_already_uploaded, "this session already has a recording");
    s.audio_recording_url = url;
    ++s.version;
    json_object_text data;
    domain::write_session_event_fields(data, s, "session.audio-uploaded");
    data.field("audioRecordingUrl", url)
        .field("contentType", content_type)
        .field("sizeBytes", std::int64_t(size));
    ports::change_set changes;
    changes.sessions.push_back(s);
    changes.events.push_back(ctx_.make_event("session.audio-uploaded", s.id, data.finish()));
    auto committed = co_await ctx_.store.commit(std::move(changes));
    if (committed) {
      ctx_.events_committed();
      co_return s;
    }
    if (committed.error().code != errc::invalid_state) co_return committed.error();
  }
  co_return make_error(errc::service_unavailable, "the session is changing too fast; try again");
}

ports::task<std::unique_ptr<ports::audio_download>> audio_recordings::open(std::string user,
                                                                           std::string session_id,
                                                                           bool is_admin) {
  auto session = co_await visible_session(user, session_id, is_admin);
  if (!session) co_return session.error();
  if (!session->audio_recording_url)
    co_return make_error(errc::not_found, "this session has no recording");
  co_return co_await store_.open(std::move(session_id));
}

}  // namespace conv::app
