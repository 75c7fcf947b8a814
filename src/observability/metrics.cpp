#include "observability/metrics.hpp"

#include <fmt/format.h>

#include <set>

namespace conv::observability {

void histogram::observe(std::chrono::nanoseconds d) {
  const double seconds = std::chrono::duration<double>(d).count();
  std::size_t i = 0;
  while (i < bounds.size() && seconds > bounds[i])
    ++i;
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  sum_ns_.fetch_add(std::uint64_t(d.count()), std::memory_order_relaxed);
}

counter& metrics_registry::add_counter(const std::string& name, const std::string& help,
                                       const std::string& labels) {
  std::lock_guard lock(mutex_);
  auto& c = counters_.emplace_back();
  entries_.push_back({name, help, labels, "counter", &c, nullptr, {}});
  return c;
}

histogram& metrics_registry::add_histogram(const std::string& name, const std::string& help,
                                           const std::string& labels) {
  std::lock_guard lock(mutex_);
  auto& h = histograms_.emplace_back();
  entries_.push_back({name, help, labels, "histogram", nullptr, &h, {}});
  return h;
}

void metrics_registry::add_gauge(const std::string& name, const std::string& help,
                                 std::function<double()> read, const std::string& labels) {
  std::lock_guard lock(mutex_);
  entries_.push_back({name, help, labels, "gauge", nullptr, nullptr, std::move(read)});
}

void metrics_registry::add_counter_read_from(const std::string& name, const std::string& help,
                                             std::function<double()> read,
                                             const std::string& labels) {
  std::lock_guard lock(mutex_);
  entries_.push_back({name, help, labels, "counter", nullptr, nullptr, std::move(read)});
}

std::string metrics_registry::render() const {
  std::lock_guard lock(mutex_);
  std::string out;
  std::set<std::string> described;
  auto braces = [](const std::string& labels, const std::string& extra = {}) {
    std::string all = labels;
    if (!extra.empty()) all += (all.empty() ? "" : ",") + extra;
    return all.empty() ? std::string() : "{" + all + "}";
  };
  for (const auto& e : entries_) {
    if (described.insert(e.name).second)
      out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", e.name, e.help, e.name, e.type);
    if (e.c) {
      out += fmt::format("{}{} {}\n", e.name, braces(e.labels), e.c->value());
    } else if (e.h) {
      std::uint64_t cumulative = 0;
      for (std::size_t i = 0; i <= histogram::bounds.size(); ++i) {
        cumulative += e.h->buckets_[i].load(std::memory_order_relaxed);
        const auto le = i < histogram::bounds.size() ? fmt::format("{}", histogram::bounds[i])
                                                     : std::string("+Inf");
        out += fmt::format("{}_bucket{} {}\n", e.name, braces(e.labels, "le=\"" + le + "\""),
                           cumulative);
      }
      out +=
          fmt::format("{}_sum{} {}\n", e.name, braces(e.labels), double(e.h->sum_ns_.load()) / 1e9);
      out += fmt::format("{}_count{} {}\n", e.name, braces(e.labels), cumulative);
    } else {
      out += fmt::format("{}{} {}\n", e.name, braces(e.labels), e.read());
    }
  }
  return out;
}

}  // namespace conv::observability
