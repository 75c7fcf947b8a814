#include "adapters/embedded/clock_and_ids.hpp"

#include <openssl/err.h>
#include <openssl/rand.h>
#include <boost/uuid/uuid.hpp>
#include <boost/uuid/uuid_io.hpp>

#include <array>
#include <cstring>
#include <stdexcept>

namespace conv::adapters::embedded {

timestamp system_clock::now() const {
  return std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
}

namespace {

// Random bytes from OpenSSL's per-thread generator (user space, seeded from the kernel; Boost
// asked the kernel with getrandom for every id), fetched a kilobyte at a time: the fixed cost
// of a RAND_bytes call, ~0.6 µs, was most of an id's cost (four ids per join).
void random_bytes(std::uint8_t* out, std::size_t n) {
  thread_local std::array<std::uint8_t, 1024> pool;
  thread_local std::size_t used = pool.size();
  if (pool.size() - used < n) {
    if (RAND_bytes(pool.data(), int(pool.size())) != 1)
      throw std::runtime_error("no random bytes for an id: " +
                               std::string(ERR_reason_error_string(ERR_get_error())));
    used = 0;
  }
  std::memcpy(out, pool.data() + used, n);
  used += n;
}

}  // namespace

std::string uuid_generator::new_id() {
  boost::uuids::uuid id{};
  random_bytes(id.data + 6, id.size() - 6);               // the first six bytes are the time
  id.data[8] = std::uint8_t(0x80 | (id.data[8] & 0x3F));  // the RFC 9562 variant
  // Version 7 (RFC 9562 §5.7): the first 48 bits are the Unix time in milliseconds, so ids
  // made close in time sort together and B-tree inserts land on the same few pages instead
  // of a random one each (a v4 id made the WAL write a page per index per id). Boost 1.81
  // has no v7 generator.
  const auto ms = std::uint64_t(std::chrono::duration_cast<std::chrono::milliseconds>(
                                    std::chrono::system_clock::now().time_since_epoch())
                                    .count());
  for (int i = 0; i < 6; ++i)
    id.data[i] = std::uint8_t(ms >> (8 * (5 - i)));
  id.data[6] = std::uint8_t(0x70 | (id.data[6] & 0x0F));
  return boost::uuids::to_string(id);
}

}  // namespace conv::adapters::embedded
