#pragma once
// ports::topic_store on the embedded SQLite file.
#include "adapters/embedded/sqlite_database.hpp"
#include "ports/topic_store.hpp"

namespace conv::adapters::embedded {

class sqlite_topic_store : public ports::topic_store {
 public:
  explicit sqlite_topic_store(sqlite_database& db) : db_(db) {}

  ports::task<ports::topic_page> list(ports::topic_filter filter, std::size_t limit,
                                      std::optional<std::string> after_id) override;
  ports::task<std::optional<domain::topic>> find(std::string id) override;
  ports::task<void> save(domain::topic t) override;
  ports::task<bool> seed_if_empty(std::vector<domain::topic> topics) override;

 private:
  sqlite_database& db_;
};

}  // namespace conv::adapters::embedded
