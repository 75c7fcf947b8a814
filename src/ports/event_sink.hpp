#pragma once
// Where committed events go: a JSON Lines file (embedded) or Kafka. Promise: when publish()
// succeeds every event is durably accepted, in order per key; on failure the outbox relay
// retries the same events later (so consumers may see duplicates and dedupe on eventId).
#include "domain/event.hpp"
#include "ports/async.hpp"

#include <vector>

namespace conv::ports {

class event_sink {
 public:
  virtual ~event_sink() = default;
  virtual task<void> publish(std::vector<domain::event> events) = 0;
  // Succeeds when events can be published now (for /readyz).
  virtual task<void> probe() = 0;
};

}  // namespace conv::ports
