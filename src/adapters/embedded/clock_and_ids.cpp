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
  auto id = generate();  // version 4: 122 random bits
  // Version 7 (RFC 9562 §5.7): the first 48 bits are the Unix time in milliseconds, so ids
  // made close in time sort together and B-tree inserts land on the same few pages instead
  // of a random one each (a v4 id made the WAL write a page per index per id). Boost 1.81
  // has no v7 generator.
  const auto ms = std::uint64_t(std::chrono::duration_cast<std::chrono::milliseconds>(
                                    std::chrono::system_clock::now().time_since_epoch())
                                    .count());
  for (int i = 0; i < 6; ++i)
    id.data[i] = std::uint8_t(ms >> (8 * (5 - i)));
  id.data[6] = std::uint8_t(0x70 | (id.data[6] & 0x0F));  // the variant bits stay as v4 set them
  return boost::uuids::to_string(id);
}

}  // namespace conv::adapters::embedded
