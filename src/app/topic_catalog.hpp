#pragma once
// Topics: listing and administration over the store, plus an in-memory snapshot of the
// active catalogue so that choosing a session's topic at match time costs no I/O.
#include "ports/clock.hpp"
#include "ports/topic_store.hpp"

#include <boost/json/value.hpp>

#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace conv::app {

struct topic_list_query {
  ports::topic_filter filter;
  std::size_t limit = 20;
  std::optional<std::string> cursor;
};
inline constexpr std::size_t max_topic_page = 100;

class topic_catalog {
 public:
  topic_catalog(ports::topic_store& store, ports::clock& clock, ports::id_generator& ids)
      : store_(store), clock_(clock), ids_(ids) {}

  // Seeds the starter catalogue into an empty store, then loads the snapshot.
  ports::task<void> start();
  // Reloads the snapshot (other instances may have changed topics).
  ports::task<void> refresh();

  ports::task<ports::topic_page> list(topic_list_query query);
  ports::task<domain::topic> get(std::string id);
  ports::task<domain::topic> create(const boost::json::value& body);
  ports::task<domain::topic> patch(std::string id, const boost::json::value& body);
  ports::task<void> deactivate(std::string id);

  // The session's topic (contract: Matchmaking): the waiting user's valid preference, else
  // the joiner's, else an active topic of the language at the lower level, then any level.
  std::optional<domain::topic> choose_for_session(const std::optional<std::string>& waiting_pref,
                                                  const std::optional<std::string>& joiner_pref,
                                                  const std::string& language,
                                                  domain::cefr_level lower_level) const;

 private:
  using snapshot = std::vector<domain::topic>;
  void replace_in_snapshot(const domain::topic& t);
  std::shared_ptr<const snapshot> current() const;

  ports::topic_store& store_;
  ports::clock& clock_;
  ports::id_generator& ids_;
  mutable std::mutex mutex_;
  std::shared_ptr<const snapshot> active_ = std::make_shared<const snapshot>();
};

}  // namespace conv::app
