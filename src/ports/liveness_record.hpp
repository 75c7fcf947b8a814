#pragma once
// What one run leaves the next about the calls it stopped hearing (decision 2). Heartbeats
// are not stored, so after a restart the last sign of life of a call nobody comes back to is
// the moment the previous run was last known to be running. A participant the run after a
// restart never heard from keeps the older moment: a second restart before they are heard
// must not move it to the run that never heard them, or the downtime would count as call time.
#include "common/time.hpp"

#include <map>
#include <optional>
#include <string>
#include <utility>

namespace conv::ports {

// (session id, participant's user id) → when that participant was last known to be there.
using unheard_participants = std::map<std::pair<std::string, std::string>, timestamp>;

class liveness_record {
 public:
  virtual ~liveness_record() = default;
  // Until when the previous run was known to be running; nullopt on a first start.
  virtual std::optional<timestamp> previous_run_alive() const = 0;
  // The participants of resumed calls the previous run never heard from.
  virtual unheard_participants previous_unheard() const = 0;
  // This run's, for the next start. Never waits for the disk: kept within about a second.
  virtual void keep_unheard(unheard_participants unheard) = 0;
};

}  // namespace conv::ports
