#pragma once
// The contract's timings (CONV_*_S), read once from configuration.
#include <chrono>

namespace conv::app {

struct timings {
  std::chrono::seconds match_timeout{120};
  std::chrono::seconds presence_grace{15};
  std::chrono::seconds waiting_timeout{30};
  std::chrono::seconds heartbeat_interval{10};
  std::chrono::seconds heartbeat_timeout{30};
  std::chrono::seconds min_completed{120};
  std::chrono::seconds max_duration{1800};
};

}  // namespace conv::app
