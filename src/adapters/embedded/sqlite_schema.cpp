#include "adapters/embedded/sqlite_schema.hpp"

namespace conv::adapters::embedded {
namespace {

// A new database: every table of the current version.
void create_tables(sqlite_connection& db) {
  db.exec(R"sql(
    BEGIN;
    CREATE TABLE IF NOT EXISTS topics(
      id TEXT PRIMARY KEY, language TEXT NOT NULL, level TEXT NOT NULL, category TEXT NOT NULL,
      is_active INTEGER NOT NULL, doc TEXT NOT NULL, version INTEGER NOT NULL DEFAULT 1);
    CREATE INDEX IF NOT EXISTS topics_by_language ON topics(language, level, id);
    CREATE TABLE IF NOT EXISTS sessions(
      id TEXT PRIMARY KEY, participant1 TEXT NOT NULL, participant2 TEXT NOT NULL,
      status TEXT NOT NULL, created_at INTEGER NOT NULL, version INTEGER NOT NULL,
      doc TEXT NOT NULL);
    CREATE INDEX IF NOT EXISTS sessions_by_participant1 ON sessions(participant1, created_at, id);
    CREATE INDEX IF NOT EXISTS sessions_by_participant2 ON sessions(participant2, created_at, id);
    CREATE INDEX IF NOT EXISTS sessions_live ON sessions(status) WHERE status IN ('waiting', 'active');
    CREATE TABLE IF NOT EXISTS requests(
      id TEXT PRIMARY KEY, user_id TEXT NOT NULL, status TEXT NOT NULL,
      created_at INTEGER NOT NULL, version INTEGER NOT NULL, doc TEXT NOT NULL);
    CREATE INDEX IF NOT EXISTS requests_by_user ON requests(user_id, created_at);
    CREATE INDEX IF NOT EXISTS requests_pending ON requests(status) WHERE status = 'pending';
    CREATE TABLE IF NOT EXISTS outbox(
      sequence INTEGER PRIMARY KEY AUTOINCREMENT, event_id TEXT NOT NULL, type TEXT NOT NULL,
      key TEXT NOT NULL, occurred_at INTEGER NOT NULL, data TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS removed_users(
      user_id TEXT PRIMARY KEY, removed_at INTEGER NOT NULL) WITHOUT ROWID;
    PRAGMA user_version = 3;
    COMMIT;
  )sql");
}

}  // namespace

void migrate(sqlite_connection& db) {
  auto version = db.prepare("PRAGMA user_version");
  version.step();
  const auto current = version.integer(0);
  if (current > schema_version)
    throw sqlite_failure("the data directory was written by a newer version of the service");
  if (current == schema_version) return;
  if (current == 0) {
    create_tables(db);
    return;
  }
  if (current == 1) {
    // Version 2: topics are written compare-and-set, like sessions and requests. Topics
    // stored before carry no version and count as version 1.
    db.exec(R"sql(
      BEGIN;
      ALTER TABLE topics ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
      PRAGMA user_version = 2;
      COMMIT;
    )sql");
  }
  // Version 3: the users the platform removed.
  db.exec(R"sql(
    BEGIN;
    CREATE TABLE IF NOT EXISTS removed_users(
      user_id TEXT PRIMARY KEY, removed_at INTEGER NOT NULL) WITHOUT ROWID;
    PRAGMA user_version = 3;
    COMMIT;
  )sql");
}

}  // namespace conv::adapters::embedded
