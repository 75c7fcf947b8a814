#include "transport/readiness.hpp"

namespace conv::transport {

boost::asio::awaitable<readiness::answer> readiness::check() {
  const auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard lock(mutex_);
    if (last_ && now - probed_at_ < interval_) co_return *last_;
    probed_at_ = now;  // others answer from the last probe while this one runs
  }
  answer fresh{true, {}};
  for (const auto& s : stores_) {
    const bool up = co_await s.check();
    fresh.ready = fresh.ready && up;
    fresh.stores[s.name] = up ? "up" : "down";
  }
  std::lock_guard lock(mutex_);
  last_ = fresh;
  co_return fresh;
}

}  // namespace conv::transport
