// /readyz probes the stores at most once per interval.
#include "transport/readiness.hpp"
#include "../../support/run_task.hpp"

#include "observability/logging.hpp"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>

#include <functional>
#include <sstream>

namespace conv::transport {
namespace {

using namespace std::chrono_literals;

// The lines `module` logs while `run` runs.
std::vector<std::string> logged_by(const std::string& module, const std::function<void()>& run) {
  std::ostringstream out;
  auto logger = observability::module_logger(module);
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out);
  sink->set_pattern("%v");
  logger->sinks().push_back(sink);
  run();
  logger->sinks().pop_back();
  std::vector<std::string> lines;
  std::istringstream in(out.str());
  for (std::string line; std::getline(in, line);)
    lines.push_back(line);
  return lines;
}

struct counted_store {
  int probes = 0;
  bool up = true;
  store_health health(std::string name) {
    return {std::move(name), [this]() -> boost::asio::awaitable<result<void>> {
              ++probes;
              if (up) co_return result<void>{};
              co_return make_error(errc::service_unavailable, "the disk is full");
            }};
  }
};

TEST(Readiness, ReadyWhenEveryStoreAnswers) {
  counted_store a, b;
  b.up = false;
  readiness r({a.health("store"), b.health("events")}, 0ms);
  auto answer = testing::run_task(r.check());
  EXPECT_FALSE(answer.ready);
  EXPECT_EQ(answer.stores.at("store"), "up");
  EXPECT_EQ(answer.stores.at("events"), "down");
  b.up = true;
  EXPECT_TRUE(testing::run_task(r.check()).ready);
}

TEST(Readiness, CallsWithinTheIntervalShareOneProbe) {
  counted_store a;
  readiness r({a.health("store")}, 1h);
  for (int i = 0; i < 100; ++i)
    EXPECT_TRUE(testing::run_task(r.check()).ready);
  EXPECT_EQ(a.probes, 1);
  a.up = false;  // not seen until the interval has passed
  EXPECT_TRUE(testing::run_task(r.check()).ready);
}

TEST(Readiness, ProbesAgainOnceTheIntervalHasPassed) {
  counted_store a;
  readiness r({a.health("store")}, 0ms);
  testing::run_task(r.check());
  a.up = false;
  EXPECT_FALSE(testing::run_task(r.check()).ready);
  EXPECT_EQ(a.probes, 2);
}

TEST(Readiness, AStoreGoingDownAndComingBackIsLoggedOnceEach) {
  counted_store a;
  readiness r({a.health("store")}, 0ms);
  // The lines two probes in a row log.
  const auto probed_twice = [&] {
    return logged_by("readiness", [&] {
      testing::run_task(r.check());
      testing::run_task(r.check());
    });
  };
  EXPECT_TRUE(probed_twice().empty());  // up from the start
  a.up = false;
  auto down = probed_twice();
  ASSERT_EQ(down.size(), 1u);
  EXPECT_NE(down[0].find("store is down: the disk is full"), std::string::npos) << down[0];
  a.up = true;
  auto back = probed_twice();
  ASSERT_EQ(back.size(), 1u);
  EXPECT_NE(back[0].find("store is up again"), std::string::npos) << back[0];
}

}  // namespace
}  // namespace conv::transport
