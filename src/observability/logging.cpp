#include "observability/logging.hpp"

#include <spdlog/sinks/stdout_color_sinks.h>

#include <mutex>

namespace conv::observability {
namespace {
std::mutex registry_mutex;
}

std::shared_ptr<spdlog::logger> module_logger(const std::string& name) {
  std::lock_guard lock(registry_mutex);
  if (auto existing = spdlog::get(name)) return existing;
  auto logger = std::make_shared<spdlog::logger>(name, spdlog::default_logger()->sinks().begin(),
                                                 spdlog::default_logger()->sinks().end());
  spdlog::initialize_logger(logger);  // takes the global pattern and level
  return logger;
}

void configure_logging(const std::string& level) {
  auto sink = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
  auto root = std::make_shared<spdlog::logger>("conversation", sink);
  spdlog::set_default_logger(root);
  spdlog::set_level(spdlog::level::from_str(level));
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %^%l%$ [%n] %v", spdlog::pattern_time_type::utc);
}

}  // namespace conv::observability
