#pragma once
// The promises of ports::event_sink (see its header), for every adapter: instantiate
// EventSinkContract with a factory that opens a sink on a fresh directory, and a way to read
// back what it accepted (the JSON Lines file; a consumer of the topic).
#include "../support/run_task.hpp"
#include "../support/temp_dir.hpp"
#include "ports/event_sink.hpp"

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace conv::contract {

struct event_sink_handle {
  virtual ~event_sink_handle() = default;
  virtual ports::event_sink& sink() = 0;
  // Every envelope accepted so far, in the order they were accepted.
  virtual std::vector<boost::json::object> accepted() = 0;
};
using event_sink_factory =
    std::function<std::unique_ptr<event_sink_handle>(const std::filesystem::path&)>;

class EventSinkContract : public ::testing::TestWithParam<event_sink_factory> {
 protected:
  void SetUp() override { handle_ = GetParam()(dir_.path()); }

  static domain::event event(const std::string& id, const std::string& key, int n) {
    return domain::event{id, "session.created",
                         timestamp(std::chrono::milliseconds(1'800'000'000'000 + n)), key,
                         R"({"sessionId":")" + key + R"(","n":)" + std::to_string(n) + "}"};
  }

  testing::temp_dir dir_;  // declared first: the adapter goes before its directory
  std::unique_ptr<event_sink_handle> handle_;
};

TEST_P(EventSinkContract, AcceptedEventsCarryTheEnvelopeAndTheirPayloadInOrder) {
  std::vector<domain::event> batch;
  for (int n = 0; n < 5; ++n)
    batch.push_back(event("e" + std::to_string(n), "s1", n));
  ASSERT_TRUE(testing::run_task(handle_->sink().publish(batch)));
  ASSERT_TRUE(testing::run_task(handle_->sink().publish({event("e5", "s2", 5)})));
  const auto got = handle_->accepted();
  ASSERT_EQ(got.size(), 6u);
  for (int n = 0; n < 6; ++n) {
    const auto& e = got[n];
    EXPECT_EQ(e.at("eventId").as_string(), "e" + std::to_string(n));
    EXPECT_EQ(e.at("type"), "session.created");
    EXPECT_EQ(e.at("version"), 1);
    EXPECT_EQ(e.at("occurredAt").as_string().size(), 24u);  // RFC 3339 UTC with milliseconds
    EXPECT_EQ(e.at("data").at("n"), n);
  }
}

TEST_P(EventSinkContract, AnEmptyBatchIsAcceptedAndChangesNothing) {
  ASSERT_TRUE(testing::run_task(handle_->sink().publish({})));
  EXPECT_TRUE(handle_->accepted().empty());
}

TEST_P(EventSinkContract, ProbesReady) {
  EXPECT_TRUE(testing::run_task(handle_->sink().probe()));
}

}  // namespace conv::contract
