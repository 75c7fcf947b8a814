// The embedded alive mark: what a restart learns about until when the previous run ran.
#include "adapters/embedded/alive_mark.hpp"
#include "../support/temp_dir.hpp"
#include "adapters/embedded/clock_and_ids.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

namespace conv::adapters::embedded {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

struct temp_file {
  testing::temp_dir dir;
  fs::path path = dir.path() / "alive";
};

TEST(AliveMark, AFirstStartKnowsNoPreviousRun) {
  temp_file file;
  system_clock clock;
  alive_mark mark(file.path, clock);
  EXPECT_FALSE(mark.previous());
}

TEST(AliveMark, TheNextRunReadsWhenTheLastOneStopped) {
  temp_file file;
  system_clock clock;
  const auto before = clock.now();
  {
    alive_mark mark(file.path, clock, 10ms);
    mark.start();
    std::this_thread::sleep_for(30ms);
  }  // stops with a last mark
  const auto after = clock.now();
  alive_mark next(file.path, clock);
  ASSERT_TRUE(next.previous());
  EXPECT_GE(*next.previous(), before + 30ms);
  EXPECT_LE(*next.previous(), after);
}

TEST(AliveMark, KeepsMarkingWhileRunning) {
  // What a crash leaves: the last mark written while running, not the start time.
  temp_file file;
  system_clock clock;
  alive_mark mark(file.path, clock, 10ms);
  const auto started = clock.now();
  mark.start();
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  for (;;) {
    const auto seen = alive_mark(file.path, clock).previous();
    if (seen && *seen >= started + 30ms) break;
    ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "the mark stopped advancing";
    std::this_thread::sleep_for(5ms);
  }
}

TEST(AliveMark, AnUnreadableMarkIsNoMark) {
  temp_file file;
  std::ofstream(file.path) << "not a time\n";
  system_clock clock;
  EXPECT_FALSE(alive_mark(file.path, clock).previous());
}

}  // namespace
}  // namespace conv::adapters::embedded
