#pragma once
// /readyz: whether every backing store answers. The stores are probed at most once per
// interval and calls in between get the last answer: a flood of /readyz (it needs no token)
// cannot keep the file I/O pool busy with probes while events and uploads wait for it.
#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>

#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace conv::transport {

// The state of one backing store for /readyz.
struct store_health {
  std::string name;
  std::function<boost::asio::awaitable<bool>()> check;
};

class readiness {
 public:
  struct answer {
    bool ready = false;
    boost::json::object stores;  // name → "up" | "down"
  };

  explicit readiness(std::vector<store_health> stores,
                     std::chrono::milliseconds interval = std::chrono::seconds(1))
      : stores_(std::move(stores)), interval_(interval) {}

  boost::asio::awaitable<answer> check();

 private:
  std::vector<store_health> stores_;
  std::chrono::milliseconds interval_;
  std::mutex mutex_;
  // Under mutex_. Until a first probe has answered, every call probes.
  std::chrono::steady_clock::time_point probed_at_;
  std::optional<answer> last_;
};

}  // namespace conv::transport
