#pragma once
// Events other services publish for this one (`user.events`, `feedback.events`): a JSON
// Lines inbox in the data directory (embedded) or a Kafka consumer group. Promise: every
// event is delivered at least once, in order per topic; what poll() returned before the
// last acknowledge() is not delivered again, even after a restart.
#include "ports/async.hpp"

#include <cstddef>
#include <string>
#include <vector>

namespace conv::ports {

// An event is a Kafka message value: an envelope of a few hundred bytes. Anything longer is
// not read whole (nothing a producer writes makes the service allocate without bound).
inline constexpr std::size_t max_inbound_event_bytes = 64 * 1024;

struct inbound_event {
  std::string topic;  // e.g. "user.events"
  std::string value;  // as published; its first max_inbound_event_bytes when `oversize`
  bool oversize = false;
};

class event_source {
 public:
  virtual ~event_source() = default;
  // The next events, at most `max`, oldest first per topic; empty when none is waiting. It
  // does not wait for events to come.
  virtual task<std::vector<inbound_event>> poll(std::size_t max) = 0;
  // Every event poll() has returned was handled: they are not delivered again.
  virtual task<void> acknowledge() = 0;
};

}  // namespace conv::ports
