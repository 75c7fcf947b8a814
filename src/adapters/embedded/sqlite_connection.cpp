#include "adapters/embedded/sqlite_connection.hpp"

namespace conv::adapters::embedded {

statement::~statement() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

statement& statement::bind(int index, std::string_view text) {
  sqlite3_bind_text(stmt_, index, text.data(), int(text.size()), SQLITE_TRANSIENT);
  return *this;
}

statement& statement::bind(int index, std::int64_t value) {
  sqlite3_bind_int64(stmt_, index, value);
  return *this;
}

statement& statement::bind_optional(int index, const std::optional<std::string>& text) {
  return text ? bind(index, std::string_view(*text)) : bind_null(index);
}

statement& statement::bind_null(int index) {
  sqlite3_bind_null(stmt_, index);
  return *this;
}

int statement::step() {
  return sqlite3_step(stmt_);
}

std::string_view statement::text(int column) const {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
  return p ? std::string_view(p, std::size_t(sqlite3_column_bytes(stmt_, column)))
           : std::string_view();
}

std::int64_t statement::integer(int column) const {
  return sqlite3_column_int64(stmt_, column);
}

sqlite_connection::sqlite_connection(const std::filesystem::path& file, bool writer) {
  const int flags = writer ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
                           : SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX;
  if (sqlite3_open_v2(file.c_str(), &db_, flags, nullptr) != SQLITE_OK) {
    std::string message = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    throw sqlite_failure("cannot open " + file.string() + ": " + message);
  }
  sqlite3_busy_timeout(db_, 5000);
  if (writer) {
    exec("PRAGMA journal_mode=WAL");
    // NORMAL in WAL mode: a commit survives a process crash; only an OS crash or power loss
    // may lose the last transactions, never corrupt the file.
    exec("PRAGMA synchronous=NORMAL");
    exec("PRAGMA foreign_keys=OFF");
    // Statement and savepoint journals (what undoes a statement that fails inside a
    // transaction) are temporary files in Debian's build: two writes per page. With a
    // savepoint around each change they were most of the writer's system calls.
    exec("PRAGMA temp_store=MEMORY");
  }
}

sqlite_connection::~sqlite_connection() {
  for (auto& [sql, stmt] : statements_)
    sqlite3_finalize(stmt);
  sqlite3_close(db_);
}

statement sqlite_connection::prepare(const char* sql) {
  auto it = statements_.find(sql);
  if (it != statements_.end()) return statement(it->second);
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr) != SQLITE_OK)
    throw sqlite_failure(std::string("cannot prepare statement: ") + sqlite3_errmsg(db_));
  statements_.emplace(sql, stmt);
  return statement(stmt);
}

void sqlite_connection::exec(const char* sql) {
  char* message = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &message) != SQLITE_OK) {
    std::string text = message ? message : sqlite3_errmsg(db_);
    sqlite3_free(message);
    throw sqlite_failure(text);
  }
}

void sqlite_connection::run(const char* sql) {
  auto stmt = prepare(sql);
  const int rc = stmt.step();
  if (rc != SQLITE_DONE && rc != SQLITE_ROW) throw sqlite_failure(sqlite3_errmsg(db_));
}

}  // namespace conv::adapters::embedded
