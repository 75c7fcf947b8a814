#include "adapters/embedded/sqlite_topic_store.hpp"

#include <boost/json.hpp>

namespace conv::adapters::embedded {
namespace {

// Compare-and-set (ports::topic_store::save): version 1 inserts, version v replaces v-1.
result<void> write_topic(sqlite_connection& db, const domain::topic& t) {
  const auto doc = boost::json::serialize(domain::to_json(t));
  auto st = db.prepare(
      t.version == 1
          ? "INSERT INTO topics(id, language, level, category, is_active, doc, version) "
            "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT(id) DO NOTHING"
          : "UPDATE topics SET language = ?2, level = ?3, category = ?4, is_active = ?5, "
            "doc = ?6, version = ?7 WHERE id = ?1 AND version = ?7 - 1");
  st.bind(1, t.id)
      .bind(2, t.target_language_code)
      .bind(3, domain::level_name(t.level))
      .bind(4, t.category)
      .bind(5, std::int64_t(t.is_active))
      .bind(6, doc)
      .bind(7, t.version);
  if (st.step() != SQLITE_DONE) return store_unavailable(db.last_error());
  if (db.changes() != 1) return make_error(errc::invalid_state, "the topic changed meanwhile");
  return {};
}

}  // namespace

ports::task<ports::topic_page> sqlite_topic_store::list(ports::topic_filter filter,
                                                        std::size_t limit,
                                                        std::optional<std::string> after_id) {
  auto job = [=](sqlite_connection& db) -> result<ports::topic_page> {
    auto st = db.prepare(
        "SELECT doc FROM topics WHERE (?1 IS NULL OR language = ?1) AND (?2 IS NULL OR level = ?2) "
        "AND (?3 IS NULL OR category = ?3) AND (?4 = 0 OR is_active = 1) "
        "AND (?5 IS NULL OR id > ?5) ORDER BY id LIMIT ?6");
    st.bind_optional(1, filter.language);
    if (filter.level)
      st.bind(2, domain::level_name(*filter.level));
    else
      st.bind_null(2);
    st.bind_optional(3, filter.category).bind(4, std::int64_t(filter.active_only));
    st.bind_optional(5, after_id).bind(6, std::int64_t(limit + 1));
    ports::topic_page page;
    for (int rc = st.step(); rc != SQLITE_DONE; rc = st.step()) {
      if (rc != SQLITE_ROW) return store_unavailable("read failed");
      auto t = domain::topic_from_json(boost::json::parse(st.text(0)));
      if (!t) return make_error(errc::internal, "a stored topic cannot be read");
      page.items.push_back(std::move(*t));
    }
    if (page.items.size() > limit) {
      page.items.resize(limit);
      page.last_id = page.items.back().id;
    }
    return page;
  };
  co_return co_await db_.read(std::move(job));
}

ports::task<std::optional<domain::topic>> sqlite_topic_store::find(std::string id) {
  auto job = [id = std::move(id)](sqlite_connection& db) -> result<std::optional<domain::topic>> {
    auto st = db.prepare("SELECT doc FROM topics WHERE id = ?1");
    st.bind(1, id);
    const int rc = st.step();
    if (rc == SQLITE_DONE) return std::optional<domain::topic>();
    if (rc != SQLITE_ROW) return store_unavailable("read failed");
    auto t = domain::topic_from_json(boost::json::parse(st.text(0)));
    if (!t) return make_error(errc::internal, "a stored topic cannot be read");
    return t;
  };
  co_return co_await db_.read(std::move(job));
}

ports::task<void> sqlite_topic_store::save(domain::topic t) {
  auto job = [t = std::move(t)](sqlite_connection& db) { return write_topic(db, t); };
  co_return co_await db_.write(std::move(job));
}

ports::task<bool> sqlite_topic_store::seed_if_empty(std::vector<domain::topic> topics) {
  auto seeded = std::make_shared<bool>(false);
  auto job = [topics = std::move(topics), seeded](sqlite_connection& db) -> result<void> {
    auto count = db.prepare("SELECT COUNT(*) FROM topics");
    if (count.step() != SQLITE_ROW) return store_unavailable(db.last_error());
    if (count.integer(0) > 0) return {};
    for (const auto& t : topics)
      if (auto r = write_topic(db, t); !r) return r;
    *seeded = true;
    return {};
  };
  auto written = co_await db_.write(std::move(job));
  if (!written) co_return written.error();
  co_return *seeded;
}

}  // namespace conv::adapters::embedded
