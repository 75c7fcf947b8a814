#pragma once
// Topics: listing and administration over the store, plus an in-memory snapshot of the
// catalogue so that choosing a session's topic at match time costs no I/O.
#include "ports/clock.hpp"
#include "ports/topic_store.hpp"

#include <boost/json/value.hpp>

#include <functional>
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
  // A change applies to the topic as stored when it is written: concurrent changes of one
  // topic by two admins both take effect, field by field, whatever order they commit in.
  ports::task<domain::topic> patch(std::string id, const boost::json::value& body);
  ports::task<void> deactivate(std::string id);

  // The session's topic (contract: Matchmaking): the waiting user's valid preference, else
  // the joiner's, else an active topic of the language at the lower level, then any level.
  std::optional<domain::topic> choose_for_session(const std::optional<std::string>& waiting_pref,
                                                  const std::optional<std::string>& joiner_pref,
                                                  const std::string& language,
                                                  domain::cefr_level lower_level) const;

 private:
  using snapshot = std::vector<domain::topic>;  // every topic, active or not
  // Reads the topic, applies `apply` and writes the result compare-and-set, again on a
  // lost race; a change that changes nothing writes nothing.
  ports::task<domain::topic> change(std::string id,
                                    std::function<result<domain::topic>(domain::topic)> apply);
  // Puts `t` in the snapshot unless the snapshot holds a newer version of it.
  void remember(const domain::topic& t);
  std::shared_ptr<const snapshot> current() const;
  // Whether the snapshot has a topic with that id (active or not).
  bool holds(std::string_view id) const;

  ports::topic_store& store_;
  ports::clock& clock_;
  ports::id_generator& ids_;
  mutable std::mutex mutex_;
  std::shared_ptr<const snapshot> topics_ = std::make_shared<const snapshot>();
};

}  // namespace conv::app
