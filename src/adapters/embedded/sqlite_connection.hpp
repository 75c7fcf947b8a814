#pragma once
// One SQLite connection with its prepared statements cached by SQL text. Used by one thread
// at a time (the writer thread, the checkpointer, or a reader checked out of the pool).
#include "common/error.hpp"

#include <sqlite3.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace conv::adapters::embedded {

// A prepared statement in use: bind, step, read; reset and unbound when it goes out of scope.
class statement {
 public:
  explicit statement(sqlite3_stmt* s) : stmt_(s) {}
  ~statement();
  statement(const statement&) = delete;
  statement& operator=(const statement&) = delete;

  statement& bind(int index, std::string_view text);
  statement& bind(int index, std::int64_t value);
  statement& bind_optional(int index, const std::optional<std::string>& text);  // NULL when empty
  statement& bind_null(int index);
  // SQLITE_ROW, SQLITE_DONE, or an error code.
  int step();
  std::string_view text(int column) const;
  std::int64_t integer(int column) const;

 private:
  sqlite3_stmt* stmt_;
};

class sqlite_connection {
 public:
  sqlite_connection(const std::filesystem::path& file, bool writer);
  ~sqlite_connection();
  sqlite_connection(const sqlite_connection&) = delete;
  sqlite_connection& operator=(const sqlite_connection&) = delete;

  statement prepare(const char* sql);  // cached; throws sqlite_failure on a bad statement
  void exec(const char* sql);          // throws sqlite_failure
  // One statement from the cache, stepped once: for the transaction statements the writer
  // runs for every batch and change, which exec() would parse each time.
  void run(const char* sql);  // throws sqlite_failure
  int changes() const { return sqlite3_changes(db_); }
  const char* last_error() const { return sqlite3_errmsg(db_); }
  sqlite3* handle() const { return db_; }

 private:
  sqlite3* db_ = nullptr;
  std::unordered_map<const char*, sqlite3_stmt*> statements_;
};

struct sqlite_failure : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// A store failure as the service reports it: the store is unavailable.
inline error store_unavailable(std::string_view what) {
  return make_error(errc::service_unavailable, "the store is unavailable: " + std::string(what));
}

}  // namespace conv::adapters::embedded
