#pragma once
// One named logger per module, all writing to the same sink (stderr), created on first use.
// Never log a token, a key or a credential.
#include <spdlog/spdlog.h>

#include <memory>
#include <string>

namespace conv::observability {

std::shared_ptr<spdlog::logger> module_logger(const std::string& name);
void configure_logging(const std::string& level);

}  // namespace conv::observability
