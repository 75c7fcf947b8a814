#include "adapters/embedded/sqlite_conversation_store.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <charconv>

namespace conv::adapters::embedded {
namespace {

namespace json = boost::json;
using domain::conversation_session;
using domain::matchmaking_request;

error lost_race() {
  return make_error(errc::invalid_state, "the document changed meanwhile");
}

template <class Doc, class Decode>
result<std::optional<Doc>> one_document(statement& st, Decode decode) {
  const int rc = st.step();
  if (rc == SQLITE_DONE) return std::optional<Doc>();
  if (rc != SQLITE_ROW) return store_unavailable("read failed");
  auto doc = decode(json::parse(st.text(0)));
  if (!doc) return make_error(errc::internal, "a stored document cannot be read");
  return std::optional<Doc>(std::move(*doc));
}

template <class Doc, class Decode>
result<std::vector<Doc>> all_documents(statement& st, Decode decode) {
  std::vector<Doc> out;
  for (int rc = st.step(); rc != SQLITE_DONE; rc = st.step()) {
    if (rc != SQLITE_ROW) return store_unavailable("read failed");
    auto doc = decode(json::parse(st.text(0)));
    if (!doc) return make_error(errc::internal, "a stored document cannot be read");
    out.push_back(std::move(*doc));
  }
  return out;
}

// Cursor of the session history: "<created_at ms>.<id>" of the last item of a page.
std::string make_cursor(const conversation_session& s) {
  return std::to_string(to_unix_ms(s.created_at)) + "." + s.id;
}

std::optional<std::pair<std::int64_t, std::string>> parse_cursor(const std::string& text) {
  const auto dot = text.find('.');
  if (dot == std::string::npos || dot == 0) return std::nullopt;
  std::int64_t ms = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + dot, ms);
  if (ec != std::errc{} || end != text.data() + dot) return std::nullopt;
  return std::pair{ms, text.substr(dot + 1)};
}

result<void> write_session(sqlite_connection& db, const conversation_session& s) {
  const auto doc = domain::to_stored_json_text(s);
  if (s.version == 1) {
    auto st = db.prepare(
        "INSERT INTO sessions(id, participant1, participant2, status, created_at, version, doc) "
        "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT(id) DO NOTHING");
    st.bind(1, s.id)
        .bind(2, s.participant1_id)
        .bind(3, s.participant2_id)
        .bind(4, domain::status_name(s.status))
        .bind(5, to_unix_ms(s.created_at))
        .bind(6, s.version)
        .bind(7, doc);
    if (st.step() != SQLITE_DONE) return store_unavailable(db.last_error());
  } else {
    auto st = db.prepare(
        "UPDATE sessions SET status = ?2, version = ?3, doc = ?4 WHERE id = ?1 AND version = ?5");
    st.bind(1, s.id)
        .bind(2, domain::status_name(s.status))
        .bind(3, s.version)
        .bind(4, doc)
        .bind(5, s.version - 1);
    if (st.step() != SQLITE_DONE) return store_unavailable(db.last_error());
  }
  if (db.changes() != 1) return lost_race();
  return {};
}

result<void> write_request(sqlite_connection& db, const matchmaking_request& r) {
  const auto doc = domain::to_json_text(r);
  if (r.version == 1) {
    auto st = db.prepare(
        "INSERT INTO requests(id, user_id, status, created_at, version, doc) "
        "VALUES(?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT(id) DO NOTHING");
    st.bind(1, r.id)
        .bind(2, r.user_id)
        .bind(3, domain::status_name(r.status))
        .bind(4, to_unix_ms(r.created_at))
        .bind(5, r.version)
        .bind(6, doc);
    if (st.step() != SQLITE_DONE) return store_unavailable(db.last_error());
  } else {
    auto st = db.prepare(
        "UPDATE requests SET status = ?2, version = ?3, doc = ?4 WHERE id = ?1 AND version = ?5");
    st.bind(1, r.id)
        .bind(2, domain::status_name(r.status))
        .bind(3, r.version)
        .bind(4, doc)
        .bind(5, r.version - 1);
    if (st.step() != SQLITE_DONE) return store_unavailable(db.last_error());
  }
  if (db.changes() != 1) return lost_race();
  return {};
}

result<void> write_event(sqlite_connection& db, const domain::event& e) {
  auto st = db.prepare(
      "INSERT INTO outbox(event_id, type, key, occurred_at, data) VALUES(?1, ?2, ?3, ?4, ?5)");
  st.bind(1, e.event_id)
      .bind(2, e.type)
      .bind(3, e.key)
      .bind(4, to_unix_ms(e.occurred_at))
      .bind(5, e.data);
  if (st.step() != SQLITE_DONE) return store_unavailable(db.last_error());
  return {};
}

}  // namespace

ports::task<void> sqlite_conversation_store::commit(ports::change_set changes) {
  auto job = [changes = std::move(changes)](sqlite_connection& db) -> result<void> {
    for (const auto& s : changes.sessions)
      if (auto r = write_session(db, s); !r) return r;
    for (const auto& q : changes.requests)
      if (auto r = write_request(db, q); !r) return r;
    for (const auto& e : changes.events)
      if (auto r = write_event(db, e); !r) return r;
    return {};
  };
  co_return co_await db_.write(std::move(job));
}

ports::task<std::optional<conversation_session>> sqlite_conversation_store::find_session(
    std::string id) {
  auto job = [id = std::move(id)](sqlite_connection& db) {
    auto st = db.prepare("SELECT doc FROM sessions WHERE id = ?1");
    st.bind(1, id);
    return one_document<conversation_session>(st, domain::session_from_json);
  };
  co_return co_await db_.read(std::move(job));
}

ports::task<ports::session_page> sqlite_conversation_store::sessions_of(
    std::string user_id, std::optional<domain::session_status> status, std::size_t limit,
    std::optional<std::string> cursor) {
  std::optional<std::pair<std::int64_t, std::string>> after;
  if (cursor) {
    after = parse_cursor(*cursor);
    if (!after)
      co_return error{errc::validation_failed,
                      "the cursor is not one this service gave out",
                      {{"cursor", "is not valid"}}};
  }
  auto job = [=](sqlite_connection& db) -> result<ports::session_page> {
    auto st = db.prepare(
        "SELECT doc FROM sessions WHERE (participant1 = ?1 OR participant2 = ?1) "
        "AND (?2 IS NULL OR status = ?2) "
        "AND (?3 IS NULL OR created_at < ?3 OR (created_at = ?3 AND id < ?4)) "
        "ORDER BY created_at DESC, id DESC LIMIT ?5");
    st.bind(1, user_id);
    if (status)
      st.bind(2, domain::status_name(*status));
    else
      st.bind_null(2);
    if (after)
      st.bind(3, after->first).bind(4, after->second);
    else
      st.bind_null(3).bind_null(4);
    st.bind(5, std::int64_t(limit + 1));
    auto items = all_documents<conversation_session>(st, domain::session_from_json);
    if (!items) return items.error();
    ports::session_page page;
    if (items->size() > limit) {
      items->resize(limit);
      page.cursor = make_cursor(items->back());
    }
    page.items = std::move(*items);
    return page;
  };
  co_return co_await db_.read(std::move(job));
}

ports::task<std::optional<matchmaking_request>> sqlite_conversation_store::latest_request_of(
    std::string user_id) {
  auto job = [user_id = std::move(user_id)](sqlite_connection& db) {
    auto st = db.prepare(
        "SELECT doc FROM requests WHERE user_id = ?1 ORDER BY created_at DESC, rowid DESC LIMIT 1");
    st.bind(1, user_id);
    return one_document<matchmaking_request>(st, domain::request_from_json);
  };
  co_return co_await db_.read(std::move(job));
}

ports::task<std::optional<matchmaking_request>> sqlite_conversation_store::find_request(
    std::string id) {
  auto job = [id = std::move(id)](sqlite_connection& db) {
    auto st = db.prepare("SELECT doc FROM requests WHERE id = ?1");
    st.bind(1, id);
    return one_document<matchmaking_request>(st, domain::request_from_json);
  };
  co_return co_await db_.read(std::move(job));
}

ports::task<std::optional<conversation_session>> sqlite_conversation_store::live_session_of(
    std::string user_id) {
  auto job = [user_id = std::move(user_id)](sqlite_connection& db) {
    auto st = db.prepare(
        "SELECT doc FROM sessions WHERE (participant1 = ?1 OR participant2 = ?1) "
        "AND status IN ('waiting', 'active') ORDER BY created_at DESC LIMIT 1");
    st.bind(1, user_id);
    return one_document<conversation_session>(st, domain::session_from_json);
  };
  co_return co_await db_.read(std::move(job));
}

ports::task<std::vector<conversation_session>> sqlite_conversation_store::live_sessions() {
  auto job = [](sqlite_connection& db) {
    auto st = db.prepare("SELECT doc FROM sessions WHERE status IN ('waiting', 'active')");
    return all_documents<conversation_session>(st, domain::session_from_json);
  };
  co_return co_await db_.read(std::move(job));
}

ports::task<std::vector<matchmaking_request>> sqlite_conversation_store::pending_requests() {
  auto job = [](sqlite_connection& db) {
    auto st = db.prepare("SELECT doc FROM requests WHERE status = 'pending' ORDER BY created_at");
    return all_documents<matchmaking_request>(st, domain::request_from_json);
  };
  co_return co_await db_.read(std::move(job));
}

ports::task<std::vector<ports::stored_event>> sqlite_conversation_store::unsent_events(
    std::size_t max) {
  auto job = [max](sqlite_connection& db) -> result<std::vector<ports::stored_event>> {
    auto st = db.prepare(
        "SELECT sequence, event_id, type, key, occurred_at, data FROM outbox ORDER BY sequence "
        "LIMIT ?1");
    st.bind(1, std::int64_t(max));
    std::vector<ports::stored_event> out;
    for (int rc = st.step(); rc != SQLITE_DONE; rc = st.step()) {
      if (rc != SQLITE_ROW) return store_unavailable("read failed");
      out.push_back(
          {st.integer(0), domain::event{std::string(st.text(1)), std::string(st.text(2)),
                                        from_unix_ms(st.integer(4)), std::string(st.text(3)),
                                        std::string(st.text(5))}});
    }
    return out;
  };
  co_return co_await db_.read(std::move(job));
}

ports::task<void> sqlite_conversation_store::mark_sent(std::vector<std::int64_t> sequences) {
  // The sink now has them (events.jsonl or Kafka): the outbox forgets them, one statement per
  // run of consecutive sequences (usually the whole batch). A statement per row held the
  // writer, and every commit queued behind it, for milliseconds per batch.
  std::sort(sequences.begin(), sequences.end());
  auto job = [sequences = std::move(sequences)](sqlite_connection& db) -> result<void> {
    for (std::size_t first = 0; first < sequences.size();) {
      std::size_t last = first;
      while (last + 1 < sequences.size() && sequences[last + 1] == sequences[last] + 1)
        ++last;
      auto st = db.prepare("DELETE FROM outbox WHERE sequence BETWEEN ?1 AND ?2");
      st.bind(1, sequences[first]).bind(2, sequences[last]);
      if (st.step() != SQLITE_DONE) return store_unavailable(db.last_error());
      first = last + 1;
    }
    return {};
  };
  co_return co_await db_.write(std::move(job));
}

ports::task<void> sqlite_conversation_store::record_user_removal(ports::user_removal removal) {
  auto job = [removal = std::move(removal)](sqlite_connection& db) -> result<void> {
    auto st = db.prepare(
        "INSERT INTO removed_users(user_id, removed_at) VALUES(?1, ?2) "
        "ON CONFLICT(user_id) DO UPDATE SET removed_at = max(removed_at, excluded.removed_at)");
    st.bind(1, removal.user_id).bind(2, to_unix_ms(removal.at));
    if (st.step() != SQLITE_DONE) return store_unavailable(db.last_error());
    return {};
  };
  co_return co_await db_.write(std::move(job));
}

ports::task<std::vector<ports::user_removal>> sqlite_conversation_store::user_removals() {
  auto job = [](sqlite_connection& db) -> result<std::vector<ports::user_removal>> {
    auto st = db.prepare("SELECT user_id, removed_at FROM removed_users");
    std::vector<ports::user_removal> out;
    for (int rc = st.step(); rc != SQLITE_DONE; rc = st.step()) {
      if (rc != SQLITE_ROW) return store_unavailable("read failed");
      out.push_back({std::string(st.text(0)), from_unix_ms(st.integer(1))});
    }
    return out;
  };
  co_return co_await db_.read(std::move(job));
}

}  // namespace conv::adapters::embedded
