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

// A session's upload slot, released when the claim goes.
class audio_recordings::upload_claim {
 public:
  upload_claim(audio_recordings& owner, std::string session_id)
      : owner_(owner), session_id_(std::move(session_id)) {}
  ~upload_claim() { owner_.release(session_id_); }
  upload_claim(const upload_claim&) = delete;
  upload_claim& operator=(const upload_claim&) = delete;

 private:
  audio_recordings& owner_;
  std::string session_id_;
};

// The store's upload, holding its session's slot until it is finished or dropped.
class audio_recordings::claimed_upload final : public ports::audio_upload {
 public:
  claimed_upload(std::unique_ptr<ports::audio_upload> upload, std::unique_ptr<upload_claim> claim)
      : upload_(std::move(upload)), claim_(std::move(claim)) {}
  ports::task<void> write(std::span<const char> chunk) override { return upload_->write(chunk); }
  ports::task<std::string> commit() override { return upload_->commit(); }

 private:
  std::unique_ptr<ports::audio_upload> upload_;
  // Declared last, so freed first: once a dropped upload's partial file is gone, its slot
  // is free (what a client, or a test, can observe).
  std::unique_ptr<upload_claim> claim_;
};

bool audio_recordings::claim(const std::string& session_id) {
  std::lock_guard lock(mutex_);
  return uploading_.insert(session_id).second;
}

void audio_recordings::release(const std::string& session_id) {
  std::lock_guard lock(mutex_);
  uploading_.erase(session_id);
}

namespace {

result<void> may_upload_to(const domain::conversation_session& session) {
  if (session.status != domain::session_status::active &&
      session.status != domain::session_status::completed)
    return make_error(errc::invalid_state,
                      "a recording is accepted while the session is active or completed");
  if (session.audio_recording_url)
    return make_error(errc::audio_already_uploaded, "this session already has a recording");
  return {};
}

}  // namespace

ports::task<std::unique_ptr<ports::audio_upload>> audio_recordings::begin(
    std::string user, std::string session_id, std::string content_type) {
  auto session = co_await visible_session(user, session_id, false);
  if (!session) co_return session.error();
  if (auto allowed = may_upload_to(*session); !allowed) co_return allowed.error();
  if (!claim(session_id))
    co_return make_error(errc::audio_already_uploaded,
                         "another upload of this session's recording is in progress");
  auto claimed = std::make_unique<upload_claim>(*this, session_id);
  // Read again now that no other upload of the session can start here: one that finished
  // since the first read has put its recording on the session.
  session = co_await visible_session(user, session_id, false);
  if (!session) co_return session.error();
  if (auto allowed = may_upload_to(*session); !allowed) co_return allowed.error();
  auto upload = co_await store_.begin_upload(session_id, content_type);
  if (!upload && upload.error().code == errc::audio_already_uploaded) {
    // Stored, not on the session, and no upload of it in progress: left by a failure.
    if (auto discarded = co_await store_.discard(session_id); !discarded)
      co_return discarded.error();
    upload = co_await store_.begin_upload(std::move(session_id), std::move(content_type));
  }
  if (!upload) co_return upload.error();
  co_return std::make_unique<claimed_upload>(std::move(*upload), std::move(claimed));
}

ports::task<domain::conversation_session> audio_recordings::finish(
    std::string session_id, std::unique_ptr<ports::audio_upload> upload, std::string content_type,
    std::uint64_t size) {
  // `upload` holds the session's slot until this returns, the failure paths included.
  if (size == 0)
    co_return error{errc::validation_failed, "the recording is empty", {{"body", "is empty"}}};
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
