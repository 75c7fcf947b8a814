#pragma once
// Prometheus metrics: counters, gauges and latency histograms, registered at start and
// updated lock-free on hot paths; rendered in the text exposition format for /metrics.
#include <array>
#include <atomic>
#include <chrono>
#include <deque>
#include <functional>
#include <mutex>
#include <string>

namespace conv::observability {

class counter {
 public:
  void inc(std::uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  std::uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> value_{0};
};

class histogram {
 public:
  static constexpr std::array<double, 12> bounds{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                 0.05,   0.1,   0.25,   0.5,   1.0,  5.0};
  void observe(std::chrono::nanoseconds d);

 private:
  friend class metrics_registry;
  std::array<std::atomic<std::uint64_t>, bounds.size() + 1> buckets_{};
  std::atomic<std::uint64_t> sum_ns_{0};  // _count is the buckets' total: always +Inf's
};

class metrics_registry {
 public:
  // `labels` is the Prometheus label set without braces, e.g. `route="join"`; metrics with
  // the same name and different labels share one HELP/TYPE header.
  counter& add_counter(const std::string& name, const std::string& help,
                       const std::string& labels = {});
  histogram& add_histogram(const std::string& name, const std::string& help,
                           const std::string& labels = {});
  void add_gauge(const std::string& name, const std::string& help, std::function<double()> read,
                 const std::string& labels = {});
  // A counter kept elsewhere (it only ever grows), read when rendered.
  void add_counter_read_from(const std::string& name, const std::string& help,
                             std::function<double()> read, const std::string& labels = {});
  std::string render() const;

 private:
  struct entry {
    std::string name, help, labels, type;
    counter* c = nullptr;
    histogram* h = nullptr;
    std::function<double()> read;  // gauges and counters kept elsewhere
  };
  mutable std::mutex mutex_;
  std::deque<counter> counters_;
  std::deque<histogram> histograms_;
  std::deque<entry> entries_;
};

}  // namespace conv::observability
