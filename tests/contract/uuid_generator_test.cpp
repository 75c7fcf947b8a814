// The embedded id generator: RFC 9562 version-7 UUIDs, unique, and ordered by the
// millisecond they were made in (what keeps the store's inserts on few pages).
#include "adapters/embedded/clock_and_ids.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <regex>
#include <thread>
#include <unordered_set>
#include <vector>

namespace conv::adapters::embedded {
namespace {

TEST(UuidGenerator, MakesVersion7UuidsInCanonicalForm) {
  uuid_generator ids;
  const std::regex v7("^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");
  for (int i = 0; i < 100; ++i) {
    const auto id = ids.new_id();
    EXPECT_TRUE(std::regex_match(id, v7)) << id;
  }
}

TEST(UuidGenerator, StartsWithTheMillisecondsItWasMadeIn) {
  uuid_generator ids;
  const auto before = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  const auto id = ids.new_id();
  const auto after = std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
  const auto ms = std::stoll(id.substr(0, 8) + id.substr(9, 4), nullptr, 16);
  EXPECT_GE(ms, before);
  EXPECT_LE(ms, after);
}

TEST(UuidGenerator, IdsOfLaterMillisecondsSortAfter) {
  uuid_generator ids;
  const auto first = ids.new_id();
  std::this_thread::sleep_for(std::chrono::milliseconds(2));
  const auto second = ids.new_id();
  EXPECT_LT(first, second);
}

TEST(UuidGenerator, DoesNotRepeatItself) {
  uuid_generator ids;
  std::unordered_set<std::string> seen;
  for (int i = 0; i < 100000; ++i)
    ASSERT_TRUE(seen.insert(ids.new_id()).second);
}

// Each thread draws from its own pool of random bytes; no two threads may hand out the same.
TEST(UuidGenerator, ThreadsDoNotRepeatEachOther) {
  constexpr int threads = 4, per_thread = 20000;
  std::vector<std::vector<std::string>> made(threads);
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t)
    workers.emplace_back([&made, t] {
      uuid_generator ids;
      for (int i = 0; i < per_thread; ++i)
        made[t].push_back(ids.new_id());
    });
  for (auto& w : workers)
    w.join();
  std::unordered_set<std::string> seen;
  for (const auto& ids : made)
    for (const auto& id : ids)
      ASSERT_TRUE(seen.insert(id).second) << id;
}

}  // namespace
}  // namespace conv::adapters::embedded
