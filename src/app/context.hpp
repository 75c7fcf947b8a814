#pragma once
// What the use cases share: the ports chosen by main and the in-process state of this
// instance. main builds one and hands it to each use case.
#include "app/ice_servers.hpp"
#include "app/live_session_cache.hpp"
#include "app/presence_hub.hpp"
#include "app/timings.hpp"
#include "app/topic_catalog.hpp"
#include "domain/event.hpp"
#include "ports/clock.hpp"
#include "ports/conversation_store.hpp"
#include "ports/match_queue.hpp"
#include "ports/scheduler.hpp"

#include <functional>

namespace conv::app {

struct context {
  ports::conversation_store& store;
  ports::match_queue& queue;
  ports::scheduler& scheduler;
  ports::clock& clock;
  ports::id_generator& ids;
  presence_hub& hub;
  live_session_cache& sessions;
  topic_catalog& topics;
  const ice_servers& ice;
  timings times;
  // Tells the outbox relay that new events were committed.
  std::function<void()> events_committed = [] {};

  // `data`: the payload, a JSON object as text.
  domain::event make_event(std::string_view type, std::string key, std::string data) {
    return domain::event{ids.new_id(), std::string(type), clock.now(), std::move(key),
                         std::move(data)};
  }
};

}  // namespace conv::app
