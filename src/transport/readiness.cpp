#include "transport/readiness.hpp"

#include "observability/logging.hpp"

namespace conv::transport {
namespace {

const auto& log() {
  static const auto logger = observability::module_logger("readiness");
  return logger;
}

}  // namespace

boost::asio::awaitable<readiness::answer> readiness::check() {
  const auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard lock(mutex_);
    if (last_ && now - probed_at_ < interval_) co_return *last_;
    probed_at_ = now;  // others answer from the last probe while this one runs
  }
  answer fresh{true, {}};
  std::vector<result<void>> states;
  for (const auto& s : stores_) {
    states.push_back(co_await s.check());
    fresh.ready = fresh.ready && states.back().has_value();
    fresh.stores[s.name] = states.back() ? "up" : "down";
  }
  std::lock_guard lock(mutex_);
  for (std::size_t i = 0; i < stores_.size(); ++i) {
    const bool down = !states[i];
    if (reported_down_[i] == down) continue;
    reported_down_[i] = down;
    if (!down)
      log()->info("{} is up again", stores_[i].name);
    else
      log()->warn("{} is down: {}", stores_[i].name, states[i].error().message);
  }
  last_ = fresh;
  co_return fresh;
}

}  // namespace conv::transport
