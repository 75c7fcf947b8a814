#pragma once
// The real clock and UUID v7 ids (time-ordered).
#include "ports/clock.hpp"

namespace conv::adapters::embedded {

class system_clock : public ports::clock {
 public:
  timestamp now() const override;
};

class uuid_generator : public ports::id_generator {
 public:
  std::string new_id() override;
};

}  // namespace conv::adapters::embedded
