// The JSON Lines inbox delivers what other services' stand-ins append to data/inbox, like
// `tail -F`: whole lines only, in order, each once acknowledged (across restarts), with
// files moved away, cut shorter or replaced while the service was down, and lines too long
// to read whole.
#include "adapters/embedded/jsonl_event_inbox.hpp"
#include "../support/run_task.hpp"
#include "../support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <fstream>

namespace conv::adapters::embedded {
namespace {

class jsonl_event_inbox_test : public ::testing::Test {
 protected:
  std::filesystem::path file(std::string_view topic = "user.events") const {
    return dir_.path() / "inbox" / (std::string(topic) + ".jsonl");
  }
  void append(std::string_view text, std::string_view topic = "user.events") const {
    std::ofstream(file(topic), std::ios::app) << text;
  }
  std::unique_ptr<jsonl_event_inbox> open_inbox() {
    return std::make_unique<jsonl_event_inbox>(
        dir_.path() / "inbox", std::vector<std::string_view>{"user.events", "feedback.events"},
        pool_);
  }
  // The values poll() returns now, "!" before those that came cut short.
  static std::vector<std::string> values(jsonl_event_inbox& inbox, std::size_t max = 100) {
    auto events = testing::run_task(inbox.poll(max));
    EXPECT_TRUE(events) << events.error().message;
    std::vector<std::string> out;
    for (auto& e : events.value())
      out.push_back((e.oversize ? "!" : "") + e.topic + " " + e.value);
    return out;
  }
  static void acknowledge(jsonl_event_inbox& inbox) {
    auto acked = testing::run_task(inbox.acknowledge());
    ASSERT_TRUE(acked) << acked.error().message;
  }

  testing::temp_dir dir_;
  blocking_pool pool_{1};
};

using strings = std::vector<std::string>;

TEST_F(jsonl_event_inbox_test, no_file_is_no_event) {
  auto inbox = open_inbox();
  EXPECT_TRUE(std::filesystem::is_directory(dir_.path() / "inbox"));
  EXPECT_EQ(values(*inbox), strings{});
}

TEST_F(jsonl_event_inbox_test, delivers_whole_lines_in_order_and_waits_for_an_unfinished_one) {
  auto inbox = open_inbox();
  append("{\"n\":1}\n\n  \n{\"n\":2}\r\n{\"n\":3");
  append("{\"f\":1}\n", "feedback.events");
  EXPECT_EQ(values(*inbox), (strings{"user.events {\"n\":1}", "user.events {\"n\":2}",
                                     "feedback.events {\"f\":1}"}));
  EXPECT_EQ(values(*inbox), strings{});
  append("}\n");
  EXPECT_EQ(values(*inbox), strings{"user.events {\"n\":3}"});
}

TEST_F(jsonl_event_inbox_test, gives_at_most_what_is_asked_for) {
  auto inbox = open_inbox();
  append("a\nb\nc\n");
  EXPECT_EQ(values(*inbox, 2), (strings{"user.events a", "user.events b"}));
  EXPECT_EQ(values(*inbox, 2), strings{"user.events c"});
}

TEST_F(jsonl_event_inbox_test, what_was_acknowledged_is_not_delivered_again_after_a_restart) {
  {
    auto inbox = open_inbox();
    append("a\nb\n");
    EXPECT_EQ(values(*inbox).size(), 2u);
    acknowledge(*inbox);
    append("c\n");
    EXPECT_EQ(values(*inbox), strings{"user.events c"});  // not acknowledged
  }
  auto inbox = open_inbox();
  EXPECT_EQ(values(*inbox), strings{"user.events c"});
}

TEST_F(jsonl_event_inbox_test, a_line_too_long_comes_cut_short_and_the_next_one_whole) {
  auto inbox = open_inbox();
  const auto longest = ports::max_inbound_event_bytes;
  // One just too long, one longer than a read (the inbox reads 256 KiB at a time).
  append(std::string(longest + 1, 'x') + "\nnext\n" + std::string(300 * 1024, 'y') + "\nlast\n");
  const auto got = values(*inbox);
  ASSERT_EQ(got.size(), 4u);
  EXPECT_EQ(got[0], "!user.events " + std::string(longest, 'x'));
  EXPECT_EQ(got[1], "user.events next");
  EXPECT_EQ(got[2], "!user.events " + std::string(longest, 'y'));
  EXPECT_EQ(got[3], "user.events last");
  // The limit is the line's length without its newline.
  append(std::string(longest, 'z') + "\n");
  EXPECT_EQ(values(*inbox), strings{"user.events " + std::string(longest, 'z')});
}

TEST_F(jsonl_event_inbox_test, a_line_too_long_and_unfinished_is_passed_over_as_it_grows) {
  auto inbox = open_inbox();
  const auto longest = ports::max_inbound_event_bytes;
  append(std::string(longest + 10, 'x'));
  EXPECT_EQ(values(*inbox), strings{"!user.events " + std::string(longest, 'x')});
  append(std::string(1000, 'x'));
  EXPECT_EQ(values(*inbox), strings{});
  append("x\nafter\n");
  EXPECT_EQ(values(*inbox), strings{"user.events after"});
}

TEST_F(jsonl_event_inbox_test, a_file_cut_shorter_is_read_again_from_its_start) {
  auto inbox = open_inbox();
  append("a\nb\n");
  EXPECT_EQ(values(*inbox).size(), 2u);
  std::ofstream(file(), std::ios::trunc) << "c\n";
  EXPECT_EQ(values(*inbox), strings{"user.events c"});
}

TEST_F(jsonl_event_inbox_test, a_file_moved_away_is_read_to_its_end_then_the_new_one) {
  auto inbox = open_inbox();
  append("a\n");
  EXPECT_EQ(values(*inbox), strings{"user.events a"});
  append("b\n");
  std::filesystem::rename(file(), file().string() + ".1");
  append("c\n");
  EXPECT_EQ(values(*inbox), (strings{"user.events b", "user.events c"}));
  acknowledge(*inbox);
  append("d\n");
  auto restarted = open_inbox();
  EXPECT_EQ(values(*restarted), strings{"user.events d"});
}

TEST_F(jsonl_event_inbox_test, a_file_replaced_while_the_service_was_down_is_read_from_its_start) {
  {
    auto inbox = open_inbox();
    append("a\nb\nc\n");
    EXPECT_EQ(values(*inbox).size(), 3u);
    acknowledge(*inbox);
  }
  std::filesystem::rename(file(), file().string() + ".1");  // keeps the old inode in use
  append("d\ne\nf\ng\n");
  auto inbox = open_inbox();
  EXPECT_EQ(values(*inbox).size(), 4u);
}

TEST_F(jsonl_event_inbox_test, an_unreadable_position_starts_from_the_beginning) {
  open_inbox();
  append("a\n");
  std::ofstream(dir_.path() / "inbox" / "user.events.position") << "nonsense";
  auto inbox = open_inbox();
  EXPECT_EQ(values(*inbox), strings{"user.events a"});
}

TEST_F(jsonl_event_inbox_test, a_file_removed_and_made_again_is_read_from_its_start) {
  // A file system gives the removed file's inode number to the next file made (ext4 does at
  // once): the position must not carry over to it, running or restarted.
  {
    auto inbox = open_inbox();
    append("a\nb\n");
    EXPECT_EQ(values(*inbox).size(), 2u);
    std::filesystem::remove(file());
    append("c\nd\ne\n");
    EXPECT_EQ(values(*inbox), (strings{"user.events c", "user.events d", "user.events e"}));
    acknowledge(*inbox);
  }
  std::filesystem::remove(file());
  append("f\ng\nh\ni\n");
  auto inbox = open_inbox();
  EXPECT_EQ(values(*inbox).size(), 4u);
}

TEST_F(jsonl_event_inbox_test, the_rest_of_a_line_too_long_is_passed_over_after_a_restart_too) {
  const auto longest = ports::max_inbound_event_bytes;
  {
    auto inbox = open_inbox();
    append(std::string(longest + 10, 'x'));
    EXPECT_EQ(values(*inbox).size(), 1u);
    acknowledge(*inbox);
  }
  append(std::string(3, 'x') + "\nafter\n");  // the end of the long line
  auto inbox = open_inbox();
  EXPECT_EQ(values(*inbox), strings{"user.events after"});
}

TEST_F(jsonl_event_inbox_test, a_file_that_cannot_be_read_holds_up_no_other) {
  auto inbox = open_inbox();
  std::filesystem::create_directories(file());  // reading it fails with EISDIR
  append("{\"f\":1}\n", "feedback.events");
  EXPECT_EQ(values(*inbox), strings{"feedback.events {\"f\":1}"});
  auto nothing_else = testing::run_task(inbox->poll(10));
  ASSERT_FALSE(nothing_else);  // alone, the failure is reported
  EXPECT_EQ(nothing_else.error().code, errc::service_unavailable);
}

}  // namespace
}  // namespace conv::adapters::embedded
