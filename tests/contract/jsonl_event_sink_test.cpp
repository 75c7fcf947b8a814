// The JSON Lines event log keeps one readable line per event even when an append fails
// halfway (a full disk): the relay retries the batch whole. It follows its path when the
// file is rotated.
#include "adapters/embedded/jsonl_event_sink.hpp"
#include "../support/run_task.hpp"
#include "../support/temp_dir.hpp"

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <sys/resource.h>
#include <csignal>
#include <fstream>
#include <map>

namespace conv::adapters::embedded {
namespace {

const timestamp t0{std::chrono::milliseconds(1'795'000'000'123)};

domain::event event_numbered(int n) {
  return {"e" + std::to_string(n), "session.created", t0, "s",
          R"({"sessionId":"s","padding":")" + std::string(200, 'x') + "\"}"};
}

// How many times each event id is in the file; -1 when a line is not an event.
std::map<std::string, int> events_in(const std::filesystem::path& file) {
  std::map<std::string, int> seen;
  std::ifstream in(file);
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) continue;
    boost::system::error_code ec;
    auto v = boost::json::parse(line, ec);
    if (ec || !v.is_object() || !v.as_object().contains("eventId")) return {{"unreadable", -1}};
    ++seen[std::string(v.as_object().at("eventId").as_string())];
  }
  return seen;
}

// Runs in a child process: it lowers the file size limit of the process.
void a_torn_append_is_taken_back(const std::filesystem::path& file) {
  blocking_pool pool(1);
  jsonl_event_sink sink(file, pool);
  if (!testing::run_task(sink.publish({event_numbered(1)}))) std::exit(2);
  std::signal(SIGXFSZ, SIG_IGN);  // a write past the limit then fails with EFBIG
  rlimit normal{};
  ::getrlimit(RLIMIT_FSIZE, &normal);
  rlimit small = normal;
  small.rlim_cur = std::filesystem::file_size(file) + 100;  // room for part of one line
  ::setrlimit(RLIMIT_FSIZE, &small);
  if (testing::run_task(sink.publish({event_numbered(2), event_numbered(3)}))) std::exit(3);
  ::setrlimit(RLIMIT_FSIZE, &normal);  // space again: the relay retries the batch
  if (!testing::run_task(sink.publish({event_numbered(2), event_numbered(3)}))) std::exit(4);
  const std::map<std::string, int> expected{{"e1", 1}, {"e2", 1}, {"e3", 1}};
  std::exit(events_in(file) == expected ? 0 : 5);
}

TEST(JsonlEventSink, AnAppendThatFailsHalfwayLeavesNoTornLine) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  testing::temp_dir dir;
  EXPECT_EXIT(a_torn_append_is_taken_back(dir.path() / "events.jsonl"),
              ::testing::ExitedWithCode(0), "");
}

TEST(JsonlEventSink, AfterALineCutShortTheNextEventStartsALineOfItsOwn) {
  // A crash in the middle of a write leaves a fragment at the end of the file.
  testing::temp_dir dir;
  const auto file = dir.path() / "events.jsonl";
  std::ofstream(file) << R"({"eventId":"e0","type":"x")" << '\n' << R"({"eventId":"e1","ty)";
  blocking_pool pool(1);
  jsonl_event_sink sink(file, pool);
  ASSERT_TRUE(testing::run_task(sink.publish({event_numbered(2)})));
  std::ifstream in(file);
  std::string line, last;
  while (std::getline(in, line))
    last = line;
  EXPECT_EQ(boost::json::parse(last).as_object().at("eventId"), "e2");
}

TEST(JsonlEventSink, AfterTheFileIsMovedAwayEventsGoToTheFileAtThePath) {
  // Log rotation: the file is renamed, and a new one may or may not have been made.
  testing::temp_dir dir;
  const auto file = dir.path() / "events.jsonl";
  blocking_pool pool(1);
  jsonl_event_sink sink(file, pool);
  ASSERT_TRUE(testing::run_task(sink.publish({event_numbered(1)})));
  std::filesystem::rename(file, dir.path() / "events.jsonl.1");
  ASSERT_TRUE(testing::run_task(sink.publish({event_numbered(2)})));
  std::filesystem::rename(file, dir.path() / "events.jsonl.2");
  std::ofstream(file).close();  // made by the rotation, empty
  ASSERT_TRUE(testing::run_task(sink.publish({event_numbered(3)})));
  EXPECT_EQ(events_in(dir.path() / "events.jsonl.1"), (std::map<std::string, int>{{"e1", 1}}));
  EXPECT_EQ(events_in(dir.path() / "events.jsonl.2"), (std::map<std::string, int>{{"e2", 1}}));
  EXPECT_EQ(events_in(file), (std::map<std::string, int>{{"e3", 1}}));
  EXPECT_TRUE(testing::run_task(sink.probe()));
}

}  // namespace
}  // namespace conv::adapters::embedded
