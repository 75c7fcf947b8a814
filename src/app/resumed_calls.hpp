#pragma once
// What the service knows after a restart of the sessions it resumed (decisions 2 and 29):
// until when each participant of a resumed call was last known to be there, while this run
// has not heard from them (kept in the ports::liveness_record for the next start), and which
// waiting sessions send match-found again when a participant connects (what the previous
// run held for them went with it).
//
// Thread-safety: filled at start, before any I/O; then read and drained from every I/O
// thread under one small mutex (heartbeats skip it once nobody is left unheard).
#include "ports/liveness_record.hpp"

#include <atomic>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_set>

namespace conv::app {

class resumed_calls {
 public:
  // At start, when there was a previous run: `now` is the restart.
  void resuming(timestamp now, const ports::liveness_record& previous);
  // When this run restarted, if it resumed from a previous one.
  std::optional<timestamp> restarted_at() const {
    return point_ ? std::optional<timestamp>(point_->at) : std::nullopt;
  }

  // A call resumed active: its participants are unheard until their first heartbeat.
  void resume_call(const std::string& session_id, const std::string& participant1,
                   const std::string& participant2);
  // Once the live sessions are resumed: the unheard participants are kept in `record`, and
  // kept up to date there as they are heard.
  void resumed(ports::liveness_record& record);
  // For a participant of a resumed call not heard since the restart: when the call was
  // last known to go on (the first of its silent participants was last known to be there).
  timestamp silent_since(const std::string& session_id);
  void heard(const std::string& session_id, const std::string& user);
  void ended(const std::string& session_id);

  void repeat_match_found_on_connect(const std::string& session_id);
  bool repeats_match_found(const std::string& session_id);

 private:
  void keep_locked();

  struct resume_point {
    timestamp at;
    timestamp previous_run_alive;
    ports::unheard_participants previous_unheard;
  };
  std::optional<resume_point> point_;         // set once, before any timer runs
  ports::liveness_record* record_ = nullptr;  // set once, before any I/O
  std::mutex mutex_;
  std::unordered_set<std::string> waiting_;  // session ids, filled at start only
  ports::unheard_participants unheard_;      // this run's; drained as they are heard
  std::atomic<bool> any_unheard_{false};
};

}  // namespace conv::app
