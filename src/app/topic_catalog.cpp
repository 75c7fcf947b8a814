#include "app/topic_catalog.hpp"

#include "domain/starter_topics.hpp"
#include "domain/validation.hpp"

#include <algorithm>

namespace conv::app {
namespace {

// Every active topic, page by page.
boost::asio::awaitable<result<std::vector<domain::topic>>> load_active(ports::topic_store& store) {
  std::vector<domain::topic> all;
  std::optional<std::string> after;
  const ports::topic_filter active_topics;  // named: see timer_key on GCC 12 and co_await
  for (;;) {
    auto page = co_await store.list(active_topics, 500, after);
    if (!page) co_return page.error();
    for (auto& t : page->items)
      all.push_back(std::move(t));
    if (!page->last_id) break;
    after = page->last_id;
  }
  co_return all;
}

}  // namespace

ports::task<void> topic_catalog::start() {
  auto seeded = co_await store_.seed_if_empty(domain::starter_topics(clock_.now()));
  if (!seeded) co_return seeded.error();
  co_return co_await refresh();
}

ports::task<void> topic_catalog::refresh() {
  auto all = co_await load_active(store_);
  if (!all) co_return all.error();
  std::lock_guard lock(mutex_);
  active_ = std::make_shared<const snapshot>(std::move(*all));
  co_return result<void>{};
}

std::shared_ptr<const topic_catalog::snapshot> topic_catalog::current() const {
  std::lock_guard lock(mutex_);
  return active_;
}

void topic_catalog::replace_in_snapshot(const domain::topic& t) {
  std::lock_guard lock(mutex_);
  auto next = std::make_shared<snapshot>();
  for (const auto& existing : *active_)
    if (existing.id != t.id) next->push_back(existing);
  if (t.is_active) next->push_back(t);
  active_ = std::move(next);
}

ports::task<ports::topic_page> topic_catalog::list(topic_list_query query) {
  if (query.cursor && !domain::is_safe_id(*query.cursor))
    co_return error{errc::validation_failed,
                    "the cursor is not one this service gave out",
                    {{"cursor", "is not valid"}}};
  query.limit = std::clamp<std::size_t>(query.limit, 1, max_topic_page);
  co_return co_await store_.list(query.filter, query.limit, query.cursor);
}

ports::task<domain::topic> topic_catalog::get(std::string id) {
  if (!domain::is_safe_id(id)) co_return make_error(errc::topic_not_found, "no such topic");
  auto found = co_await store_.find(id);
  if (!found) co_return found.error();
  if (!*found) co_return make_error(errc::topic_not_found, "no such topic");
  co_return std::move(**found);
}

ports::task<domain::topic> topic_catalog::create(const boost::json::value& body) {
  auto t = domain::topic_from_create_body(body);
  if (!t) co_return t.error();
  t->id = ids_.new_id();
  t->created_at = clock_.now();
  auto saved = co_await store_.save(*t);
  if (!saved) co_return saved.error();
  replace_in_snapshot(*t);
  co_return std::move(*t);
}

ports::task<domain::topic> topic_catalog::patch(std::string id, const boost::json::value& body) {
  auto current = co_await get(std::move(id));
  if (!current) co_return current.error();
  auto changed = domain::topic_with_patch(std::move(*current), body);
  if (!changed) co_return changed.error();
  auto saved = co_await store_.save(*changed);
  if (!saved) co_return saved.error();
  replace_in_snapshot(*changed);
  co_return std::move(*changed);
}

ports::task<void> topic_catalog::deactivate(std::string id) {
  auto current = co_await get(std::move(id));
  if (!current) co_return current.error();
  current->is_active = false;
  auto saved = co_await store_.save(*current);
  if (!saved) co_return saved.error();
  replace_in_snapshot(*current);
  co_return result<void>{};
}

std::optional<domain::topic> topic_catalog::choose_for_session(
    const std::optional<std::string>& waiting_pref, const std::optional<std::string>& joiner_pref,
    const std::string& language, domain::cefr_level lower_level) const {
  const auto topics = current();
  for (const auto* pref : {&waiting_pref, &joiner_pref}) {
    if (!*pref) continue;
    for (const auto& t : *topics)
      if (t.id == **pref && t.target_language_code == language) return t;
  }
  thread_local std::minstd_rand random{std::random_device{}()};
  auto pick = [&](auto&& accept) -> std::optional<domain::topic> {
    std::vector<const domain::topic*> candidates;
    for (const auto& t : *topics)
      if (t.target_language_code == language && accept(t)) candidates.push_back(&t);
    if (candidates.empty()) return std::nullopt;
    return *candidates[random() % candidates.size()];
  };
  if (auto t = pick([&](const domain::topic& t) { return t.level == lower_level; })) return t;
  return pick([](const domain::topic&) { return true; });
}

}  // namespace conv::app
