#pragma once
// The promises of ports::audio_store (see its header), for every adapter: instantiate
// AudioStoreContract with a factory that opens a store on a fresh directory.
#include "../support/run_task.hpp"
#include "../support/temp_dir.hpp"
#include "ports/audio_store.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

namespace conv::contract {

// Owns whatever the adapter needs (a thread pool, a client) and exposes the port.
struct audio_store_handle {
  virtual ~audio_store_handle() = default;
  virtual ports::audio_store& store() = 0;
};
using audio_store_factory =
    std::function<std::unique_ptr<audio_store_handle>(const std::filesystem::path&)>;

class AudioStoreContract : public ::testing::TestWithParam<audio_store_factory> {
 protected:
  void SetUp() override { handle_ = GetParam()(dir_.path()); }
  ports::audio_store& store() { return handle_->store(); }

  // Streams `bytes` in chunks of `chunk` and commits; the URL, or the error.
  result<std::string> upload(const std::string& session, const std::string& bytes,
                             std::size_t chunk = 1000) {
    auto up = testing::run_task(store().begin_upload(session, "audio/ogg"));
    if (!up) return up.error();
    for (std::size_t at = 0; at < bytes.size(); at += chunk) {
      const auto n = std::min(chunk, bytes.size() - at);
      auto written = testing::run_task((*up)->write({bytes.data() + at, n}));
      if (!written) return written.error();
    }
    return testing::run_task((*up)->commit());
  }

  // The stored recording's bytes, or the error.
  result<std::string> download(const std::string& session) {
    auto down = testing::run_task(store().open(session));
    if (!down) return down.error();
    std::string bytes;
    char buffer[777];
    for (;;) {
      auto n = testing::run_task((*down)->read({buffer, sizeof buffer}));
      if (!n) return n.error();
      if (*n == 0) break;
      bytes.append(buffer, *n);
    }
    EXPECT_EQ(bytes.size(), (*down)->size());
    return bytes;
  }

  testing::temp_dir dir_;  // declared first: the adapter goes before its directory
  std::unique_ptr<audio_store_handle> handle_;
};

inline std::string pattern_bytes(std::size_t n) {
  std::string s(n, '\0');
  for (std::size_t i = 0; i < n; ++i)
    s[i] = char(i * 31 + 7);
  return s;
}

TEST_P(AudioStoreContract, ACommittedRecordingReadsBackWholeWithItsType) {
  const auto bytes = pattern_bytes(123'457);
  auto url = upload("s1", bytes);
  ASSERT_TRUE(url) << url.error().message;
  EXPECT_FALSE(url->empty());
  auto back = download("s1");
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, bytes);
  auto down = testing::run_task(store().open("s1"));
  ASSERT_TRUE(down);
  EXPECT_EQ((*down)->content_type(), "audio/ogg");
}

TEST_P(AudioStoreContract, NothingIsVisibleBeforeCommitAndADroppedUploadLeavesNothing) {
  {
    auto up = testing::run_task(store().begin_upload("s1", "audio/ogg"));
    ASSERT_TRUE(up);
    ASSERT_TRUE(testing::run_task((*up)->write({"abc", 3})));
    auto early = testing::run_task(store().open("s1"));
    ASSERT_FALSE(early);
    EXPECT_EQ(early.error().code, errc::not_found);
  }  // dropped without commit
  auto later = testing::run_task(store().open("s1"));
  ASSERT_FALSE(later);
  EXPECT_EQ(later.error().code, errc::not_found);
  EXPECT_TRUE(upload("s1", "after"));  // the session can still get its recording
}

TEST_P(AudioStoreContract, OneRecordingPerSessionTheFirstCommitWins) {
  auto first = testing::run_task(store().begin_upload("s1", "audio/ogg"));
  auto second = testing::run_task(store().begin_upload("s1", "audio/ogg"));
  ASSERT_TRUE(first && second);
  ASSERT_TRUE(testing::run_task((*second)->write({"second", 6})));
  ASSERT_TRUE(testing::run_task((*first)->write({"first", 5})));
  ASSERT_TRUE(testing::run_task((*second)->commit()));
  auto lost = testing::run_task((*first)->commit());
  ASSERT_FALSE(lost);
  EXPECT_EQ(lost.error().code, errc::audio_already_uploaded);
  EXPECT_EQ(*download("s1"), "second");
  auto third = upload("s1", "third");
  ASSERT_FALSE(third);
  EXPECT_EQ(third.error().code, errc::audio_already_uploaded);
}

TEST_P(AudioStoreContract, ADiscardedRecordingMakesRoomForANewOne) {
  ASSERT_TRUE(upload("s1", "left over"));
  ASSERT_TRUE(testing::run_task(store().discard("s1")));
  EXPECT_EQ(testing::run_task(store().open("s1")).error().code, errc::not_found);
  ASSERT_TRUE(upload("s1", "the real one"));
  EXPECT_EQ(*download("s1"), "the real one");
  EXPECT_TRUE(testing::run_task(store().discard("never-uploaded")));  // nothing to do
}

TEST_P(AudioStoreContract, ReadsGoOnFromWhereTheDownloadWasMoved) {
  const auto bytes = pattern_bytes(100'000);
  ASSERT_TRUE(upload("s1", bytes));
  for (std::uint64_t from : {std::uint64_t(0), std::uint64_t(1), std::uint64_t(65'537),
                             std::uint64_t(99'999), std::uint64_t(100'000)}) {
    auto down = testing::run_task(store().open("s1"));
    ASSERT_TRUE(down);
    ASSERT_TRUE(testing::run_task((*down)->seek(from))) << from;
    EXPECT_EQ((*down)->size(), bytes.size()) << "the size is the whole recording's";
    std::string got;
    char buffer[4096];
    for (std::size_t n; (n = *testing::run_task((*down)->read({buffer, sizeof buffer}))) > 0;)
      got.append(buffer, n);
    EXPECT_EQ(got, bytes.substr(from)) << from;
  }
}

TEST_P(AudioStoreContract, ListsTheSessionsWithACommittedRecording) {
  EXPECT_TRUE(testing::run_task(store().recorded_sessions())->empty());
  ASSERT_TRUE(upload("s1", "one"));
  ASSERT_TRUE(upload("s2", "two"));
  auto unfinished = testing::run_task(store().begin_upload("s3", "audio/ogg"));
  ASSERT_TRUE(unfinished);
  auto listed = *testing::run_task(store().recorded_sessions());
  std::sort(listed.begin(), listed.end());
  EXPECT_EQ(listed, (std::vector<std::string>{"s1", "s2"}));
  ASSERT_TRUE(testing::run_task(store().discard("s1")));
  EXPECT_EQ(*testing::run_task(store().recorded_sessions()), std::vector<std::string>{"s2"});
}

TEST_P(AudioStoreContract, ProbesReady) {
  EXPECT_TRUE(testing::run_task(store().probe()));
}

}  // namespace conv::contract
