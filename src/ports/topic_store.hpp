#pragma once
// Topics. Promises: reads see every committed write of this instance; list order is stable
// (by id), so a cursor (the last id of a page) pages through without gaps or repeats.
#include "domain/topic.hpp"
#include "ports/async.hpp"

#include <optional>
#include <string>
#include <vector>

namespace conv::ports {

struct topic_filter {
  std::optional<std::string> language;
  std::optional<domain::cefr_level> level;
  std::optional<std::string> category;
  bool active_only = true;
};

struct topic_page {
  std::vector<domain::topic> items;
  std::optional<std::string> last_id;  // set when more items may follow
};

class topic_store {
 public:
  virtual ~topic_store() = default;
  virtual task<topic_page> list(topic_filter filter, std::size_t limit,
                                std::optional<std::string> after_id) = 0;
  virtual task<std::optional<domain::topic>> find(std::string id) = 0;
  // Compare-and-set, as ports::conversation_store: a topic whose version is 1 must not exist
  // yet; any other version v replaces only the stored version v-1. A lost race returns
  // errc::invalid_state and changes nothing.
  virtual task<void> save(domain::topic t) = 0;
  // Inserts `topics` when the store holds no topic at all; true when it did.
  virtual task<bool> seed_if_empty(std::vector<domain::topic> topics) = 0;
};

}  // namespace conv::ports
