#include "app/audio_recordings.hpp"

#include "domain/validation.hpp"

#include <fmt/format.h>

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

// One of a session's places for an upload in progress, given back when it goes.
class audio_recordings::upload_place {
 public:
  upload_place(audio_recordings& owner, std::string session_id)
      : owner_(owner), session_id_(std::move(session_id)) {}
  ~upload_place() {
    std::lock_guard lock(owner_.mutex_);
    auto it = owner_.uploading_.find(session_id_);
    if (--it->second == 0) owner_.uploading_.erase(it);
  }
  upload_place(const upload_place&) = delete;
  upload_place& operator=(const upload_place&) = delete;

 private:
  audio_recordings& owner_;
  std::string session_id_;
};

namespace {

// A recording holds no more than its call lasted: 256 KiB per second of call (48 kHz
// 16-bit stereo PCM is 188 KiB/s; compressed speech a small fraction of that) and 1 MiB
// more. Without it two accounts could store the size limit for every call of a second
// they set up, and nothing deletes recordings.
result<void> fits_the_call(const domain::conversation_session& session, std::uint64_t size,
                           timestamp now) {
  const auto end = session.ended_at.value_or(now);
  const auto lasted =
      session.started_at && end > *session.started_at
          ? std::chrono::duration_cast<std::chrono::seconds>(end - *session.started_at)
          : std::chrono::seconds(0);
  const std::uint64_t cap = (1u << 20) + (256u << 10) * std::uint64_t(lasted.count());
  if (size <= cap) return {};
  return make_error(
      errc::payload_too_large,
      fmt::format("a recording of a {} s call holds at most {} bytes", lasted.count(), cap));
}

}  // namespace

// The store's upload, holding its place until it is finished or dropped, and refusing the
// bytes past what the call has lasted so far: a recording is of the call, so at no moment
// of its upload does it hold more than it may at the end, and a client that sends more is
// stopped there, not once the whole body is on disk (finish() checks again).
class audio_recordings::counted_upload final : public ports::audio_upload {
 public:
  counted_upload(std::unique_ptr<ports::audio_upload> upload, std::unique_ptr<upload_place> place,
                 domain::conversation_session session, const ports::clock& clock)
      : upload_(std::move(upload)),
        session_(std::move(session)),
        clock_(clock),
        place_(std::move(place)) {}
  ports::task<void> write(std::span<const char> chunk) override {
    written_ += chunk.size();
    if (auto fits = fits_the_call(session_, written_, clock_.now()); !fits) co_return fits.error();
    co_return co_await upload_->write(chunk);
  }
  ports::task<std::string> commit() override { return upload_->commit(); }

 private:
  std::unique_ptr<ports::audio_upload> upload_;
  domain::conversation_session session_;  // as it was when the upload began
  const ports::clock& clock_;
  std::uint64_t written_ = 0;
  // Declared last, so given back first: once a dropped upload's partial file is gone, its
  // place is free (what a client, or a test, can observe).
  std::unique_ptr<upload_place> place_;
};

// A session's turn to commit: held by one upload at a time.
class audio_recordings::commit_turn {
 public:
  commit_turn(audio_recordings& owner, std::string session_id)
      : owner_(owner), session_id_(std::move(session_id)) {
    std::lock_guard lock(owner_.mutex_);
    taken_ = owner_.committing_.insert(session_id_).second;
  }
  ~commit_turn() {
    if (!taken_) return;
    std::lock_guard lock(owner_.mutex_);
    owner_.committing_.erase(session_id_);
  }
  commit_turn(const commit_turn&) = delete;
  commit_turn& operator=(const commit_turn&) = delete;
  bool taken() const { return taken_; }

 private:
  audio_recordings& owner_;
  std::string session_id_;
  bool taken_ = false;
};

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
    std::string user, std::string session_id, std::string content_type,
    std::optional<std::uint64_t> declared_size) {
  auto session = co_await visible_session(user, session_id, false);
  if (!session) co_return session.error();
  if (auto allowed = may_upload_to(*session); !allowed) co_return allowed.error();
  if (declared_size)
    if (auto fits = fits_the_call(*session, *declared_size, ctx_.clock.now()); !fits)
      co_return fits.error();
  {
    std::lock_guard lock(mutex_);
    auto& in_progress = uploading_[session_id];
    if (in_progress == max_uploads_per_session)
      co_return make_error(errc::rate_limited,
                           "too many uploads of this session's recording at once; try again "
                           "when one has ended");
    ++in_progress;
  }
  auto place = std::make_unique<upload_place>(*this, session_id);
  auto upload = co_await store_.begin_upload(std::move(session_id), std::move(content_type));
  if (!upload) co_return upload.error();
  co_return std::make_unique<counted_upload>(std::move(*upload), std::move(place),
                                             std::move(*session), ctx_.clock);
}

ports::task<domain::conversation_session> audio_recordings::finish(
    std::string user, std::string session_id, std::unique_ptr<ports::audio_upload> upload,
    std::string content_type, std::uint64_t size) {
  // `upload` keeps its place until this returns, the failure paths included.
  if (size == 0)
    co_return error{errc::validation_failed, "the recording is empty", {{"body", "is empty"}}};
  const commit_turn turn(*this, session_id);
  if (!turn.taken())
    co_return make_error(errc::audio_already_uploaded,
                         "another upload of this session's recording is being stored");
  co_return co_await store_and_record(std::move(user), std::move(session_id), *upload,
                                      std::move(content_type), size);
}

ports::task<domain::conversation_session> audio_recordings::store_and_record(
    std::string user, std::string session_id, ports::audio_upload& upload, std::string content_type,
    std::uint64_t size) {
  // Read afresh in this turn: an upload that committed before has named its recording.
  auto session = co_await visible_session(user, session_id, false);
  if (!session) co_return session.error();
  if (auto allowed = may_upload_to(*session); !allowed) co_return allowed.error();
  if (auto fits = fits_the_call(*session, size, ctx_.clock.now()); !fits) co_return fits.error();
  // Stored, not named by the session, and nobody else committing: left by a failure (a
  // crash between storing and naming it).
  if (auto discarded = co_await store_.discard(session_id); !discarded) co_return discarded.error();
  auto url = co_await upload.commit();
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

ports::task<std::size_t> audio_recordings::discard_leftovers() {
  auto sessions = co_await store_.recorded_sessions();
  if (!sessions) co_return sessions.error();
  std::size_t discarded = 0;
  for (auto& id : *sessions) {
    auto found = co_await ctx_.store.find_session(id);
    if (!found) co_return found.error();
    if (*found && (*found)->audio_recording_url) continue;
    if (auto gone = co_await store_.discard(std::move(id)); !gone) co_return gone.error();
    ++discarded;
  }
  co_return discarded;
}

}  // namespace conv::app
