#pragma once
// Durable timers: connect timeout, heartbeat timeout, max duration, request expiry,
// presence grace. Promises: schedule() replaces any earlier deadline of the same key; a
// due timer fires once on some instance, even one that did not set it (distributed), and
// late rather than never; handlers must be idempotent because a crash between firing and
// handling fires it again.
#include "common/time.hpp"
#include "ports/async.hpp"

#include <functional>
#include <string>

namespace conv::ports {

enum class timer_kind {
  connect_timeout,    // id = session
  heartbeat_timeout,  // id = session, user = the participant
  max_duration,       // id = session
  request_expiry,     // id = request, user = its owner
  presence_grace,     // id = user
  rematch,            // id = request, user = its owner: its match could not be stored
};

struct timer_key {
  // A constructor, not an aggregate: GCC 12 destroys a braced aggregate temporary twice when
  // it is an argument inside a co_await expression, and keys are built exactly there.
  timer_key() = default;
  timer_key(timer_kind k, std::string i, std::string u = {})
      : kind(k), id(std::move(i)), user(std::move(u)) {}

  timer_kind kind{};
  std::string id;
  std::string user;

  std::string encode() const;
  static std::optional<timer_key> decode(std::string_view text);
  friend bool operator==(const timer_key&, const timer_key&) = default;
};

class scheduler {
 public:
  // Called with the key and the deadline it was due at.
  using handler = std::function<boost::asio::awaitable<void>(timer_key, timestamp)>;
  virtual ~scheduler() = default;

  // Starts firing due timers into `on_due`; call once, before scheduling.
  virtual void start(handler on_due) = 0;
  virtual void stop() = 0;
  virtual task<void> schedule(timer_key key, timestamp due) = 0;
  virtual task<void> cancel(timer_key key) = 0;
};

}  // namespace conv::ports
