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
  EXPECT_FALSE(mark.previous_run_alive());
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
  ASSERT_TRUE(next.previous_run_alive());
  EXPECT_GE(*next.previous_run_alive(), before + 30ms);
  EXPECT_LE(*next.previous_run_alive(), after);
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
    const auto seen = alive_mark(file.path, clock).previous_run_alive();
    if (seen && *seen >= started + 30ms) break;
    ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "the mark stopped advancing";
    std::this_thread::sleep_for(5ms);
  }
}

TEST(AliveMark, AStartAfterTheStopStartsNothing) {
  // A signal while the service was starting stops the mark before start() is reached; the
  // thread start() would make then was never joined (std::terminate at exit).
  temp_file file;
  system_clock clock;
  {
    alive_mark mark(file.path, clock, 10ms);
    mark.stop();
    mark.start();
  }
  EXPECT_FALSE(std::filesystem::exists(file.path));
}

TEST(AliveMark, KeepsTheUnheardParticipantsForTheNextStart) {
  temp_file file;
  system_clock clock;
  const timestamp t1(std::chrono::milliseconds(1'700'000'000'123));
  const timestamp t2 = t1 + 5s;
  const ports::unheard_participants kept{{{"s1", "marie"}, t1}, {{"s1", "jean o'neil"}, t2}};
  {
    alive_mark mark(file.path, clock, 10ms);
    mark.start();
    mark.keep_unheard({{{"old", "x"}, t1}});
    mark.keep_unheard(kept);  // the latest is what counts
  }
  alive_mark next(file.path, clock);
  EXPECT_EQ(next.previous_unheard(), kept);
  {
    alive_mark mark(file.path, clock, 10ms);
    mark.start();
    mark.keep_unheard({});  // everyone heard: nothing is carried to the start after
  }
  EXPECT_TRUE(alive_mark(file.path, clock).previous_unheard().empty());
}

TEST(AliveMark, TheFirstMarkOfARunComesAfterItsUnheardList) {
  // A crash right after the first mark must not pair it with the previous run's list.
  temp_file file;
  system_clock clock;
  const ports::unheard_participants carried{{{"s1", "jean"}, timestamp(1'700'000'000'000ms)}};
  alive_mark mark(file.path, clock, 1h);
  mark.keep_unheard(carried);  // handed over at resume, before the service listens
  mark.start();
  // What a crash now leaves: the first mark, and the list it belongs with.
  alive_mark next(file.path, clock);
  ASSERT_TRUE(next.previous_run_alive());
  EXPECT_EQ(next.previous_unheard(), carried);
}

TEST(AliveMark, AnUnreadableMarkIsNoMark) {
  temp_file file;
  std::ofstream(file.path) << "not a time\n";
  system_clock clock;
  EXPECT_FALSE(alive_mark(file.path, clock).previous_run_alive());
}

}  // namespace
}  // namespace conv::adapters::embedded
