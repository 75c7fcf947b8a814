#pragma once
// Participants of a session who had no connection when it was created (they asked for a
// partner over REST and have not opened their WebSocket yet). Their first connection is not
// a return: the partner is told `peer-status: reconnected` only when a participant comes
// back, or replaces a connection (a page reload), and not when one arrives for the first
// time, which would have the partner restart a handshake that is still under way.
//
// Thread-safety: used from every I/O thread, under one small mutex. It holds an entry per
// participant still awaited, forgotten when their session ends.
#include <mutex>
#include <set>
#include <string>
#include <utility>

namespace conv::app {

class first_connections {
 public:
  void expect(const std::string& session_id, const std::string& user);
  // True when this is the first connection of `user` awaited for that session.
  bool arrived(const std::string& session_id, const std::string& user);
  void forget(const std::string& session_id);

 private:
  std::mutex mutex_;
  std::set<std::pair<std::string, std::string>> awaited_;  // (session id, user)
};

}  // namespace conv::app
