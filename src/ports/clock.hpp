#pragma once
// Wall-clock time and ids, injected so tests can pin them.
#include "common/time.hpp"

#include <string>

namespace conv::ports {

class clock {
 public:
  virtual ~clock() = default;
  virtual timestamp now() const = 0;
};

class id_generator {
 public:
  virtual ~id_generator() = default;
  // Unique across instances and restarts (UUID v4 text).
  virtual std::string new_id() = 0;
};

}  // namespace conv::ports
