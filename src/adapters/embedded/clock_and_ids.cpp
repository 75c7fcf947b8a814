#include "adapters/embedded/clock_and_ids.hpp"

#include <boost/uuid/random_generator.hpp>
#include <boost/uuid/uuid_io.hpp>

namespace conv::adapters::embedded {

timestamp system_clock::now() const {
  return std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
}

std::string uuid_generator::new_id() {
  // One generator per thread: it is not thread-safe, and seeding one per id would be slow.
  thread_local boost::uuids::random_generator generate;
  return boost::uuids::to_string(generate());
}

}  // namespace conv::adapters::embedded
