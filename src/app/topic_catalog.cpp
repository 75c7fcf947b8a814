#include "app/topic_catalog.hpp"

#include "domain/starter_topics.hpp"
#include "domain/validation.hpp"

#include <algorithm>

namespace conv::app {
namespace {

// Every topic, active or not, page by page.
boost::asio::awaitable<result<std::vector<domain::topic>>> load_all(ports::topic_store& store) {
  std::vector<domain::topic> all;
  std::optional<std::string> after;
  ports::topic_filter every_topic;  // named: see timer_key on GCC 12 and co_await
  every_topic.active_only = false;
  for (;;) {
    auto page = co_await store.list(every_topic, 500, after);
    if (!page) co_return page.error();
    for (auto& t : page->items)
      all.push_back(std::move(t));
    if (!page->last_id) break;
    after = page->last_id;
  }
  co_return all;
}

// A change of a topic is read, applied and written compare-and-set; when another write got
// there first it is applied again to what that write left, this many times at most.
constexpr int max_change_attempts = 8;

}  // namespace

ports::task<void> topic_catalog::start() {
  auto seeded = co_await store_.seed_if_empty(domain::starter_topics(clock_.now()));
  if (!seeded) co_return seeded.error();
  co_return co_await refresh();
}

ports::task<void> topic_catalog::refresh() {
  auto all = co_await load_all(store_);
  if (!all) co_return all.error();
  std::lock_guard lock(mutex_);
  // A change written while the store was read may be newer than what was read.
  for (const auto& held : *topics_) {
    auto loaded = std::find_if(all->begin(), all->end(),
                               [&](const domain::topic& t) { return t.id == held.id; });
    if (loaded == all->end())
      all->push_back(held);
    else if (loaded->version < held.version)
      *loaded = held;
  }
  topics_ = std::make_shared<const snapshot>(std::move(*all));
  co_return result<void>{};
}

std::shared_ptr<const topic_catalog::snapshot> topic_catalog::current() const {
  std::lock_guard lock(mutex_);
  return topics_;
}

void topic_catalog::remember(const domain::topic& t) {
  std::lock_guard lock(mutex_);
  auto next = std::make_shared<snapshot>();
  next->reserve(topics_->size() + 1);
  for (const auto& held : *topics_) {
    // Writes can finish out of order: what the snapshot holds may already be newer.
    if (held.id == t.id && held.version >= t.version) return;
    if (held.id != t.id) next->push_back(held);
  }
  next->push_back(t);
  topics_ = std::move(next);
}

bool topic_catalog::holds(std::string_view id) const {
  const auto topics = current();
  return std::any_of(topics->begin(), topics->end(), [&](const auto& t) { return t.id == id; });
}

ports::task<ports::topic_page> topic_catalog::list(topic_list_query query) {
  auto not_ours = [] {
    return error{errc::validation_failed,
                 "the cursor is not one this service gave out",
                 {{"cursor", "is not valid"}}};
  };
  if (query.cursor && !domain::is_safe_id(*query.cursor)) co_return not_ours();
  // A cursor is the id of the last topic of a page, and topics are never deleted: one that
  // names no topic was made up, and would page on from a made-up position. The snapshot
  // answers for nearly every cursor; the store for a topic another instance created since.
  if (query.cursor && !holds(*query.cursor)) {
    auto found = co_await store_.find(*query.cursor);
    if (!found) co_return found.error();
    if (!*found) co_return not_ours();
  }
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
  t->version = 1;
  auto saved = co_await store_.save(*t);
  if (!saved) co_return saved.error();
  remember(*t);
  co_return std::move(*t);
}

ports::task<domain::topic> topic_catalog::change(
    std::string id, std::function<result<domain::topic>(domain::topic)> apply) {
  for (int attempt = 1;; ++attempt) {
    auto stored = co_await get(id);
    if (!stored) co_return stored.error();
    auto changed = apply(*stored);
    if (!changed) co_return changed.error();
    if (*changed == *stored) co_return std::move(*changed);  // nothing changes: nothing written
    changed->version = stored->version + 1;
    auto saved = co_await store_.save(*changed);
    if (saved) {
      remember(*changed);
      co_return std::move(*changed);
    }
    if (saved.error().code != errc::invalid_state || attempt == max_change_attempts)
      co_return saved.error();
  }
}

ports::task<domain::topic> topic_catalog::patch(std::string id, const boost::json::value& body) {
  // Named, not a temporary in the co_await expression (GCC 12's coroutine temporaries).
  std::function<result<domain::topic>(domain::topic)> apply = [&body](domain::topic t) {
    return domain::topic_with_patch(std::move(t), body);
  };
  co_return co_await change(std::move(id), std::move(apply));
}

ports::task<void> topic_catalog::deactivate(std::string id) {
  std::function<result<domain::topic>(domain::topic)> apply = [](domain::topic t) {
    t.is_active = false;
    return result<domain::topic>(std::move(t));
  };
  auto done = co_await change(std::move(id), std::move(apply));
  if (!done) co_return done.error();
  co_return result<void>{};
}

std::optional<domain::topic> topic_catalog::choose_for_session(
    const std::optional<std::string>& waiting_pref, const std::optional<std::string>& joiner_pref,
    const std::string& language, domain::cefr_level lower_level) const {
  const auto topics = current();
  for (const auto* pref : {&waiting_pref, &joiner_pref}) {
    if (!*pref) continue;
    for (const auto& t : *topics)
      if (t.id == **pref && t.is_active && t.target_language_code == language) return t;
  }
  thread_local std::minstd_rand random{std::random_device{}()};
  auto pick = [&](auto&& accept) -> std::optional<domain::topic> {
    std::vector<const domain::topic*> candidates;
    for (const auto& t : *topics)
      if (t.is_active && t.target_language_code == language && accept(t)) candidates.push_back(&t);
    if (candidates.empty()) return std::nullopt;
    return *candidates[random() % candidates.size()];
  };
  if (auto t = pick([&](const domain::topic& t) { return t.level == lower_level; })) return t;
  return pick([](const domain::topic&) { return true; });
}

}  // namespace conv::app
