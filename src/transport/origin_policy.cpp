#include "transport/origin_policy.hpp"

#include "common/web_origin.hpp"

#include <algorithm>

namespace conv::transport {

bool origin_policy::allows(std::string_view origin, std::string_view host) const {
  if (std::find(allowed_.begin(), allowed_.end(), "*") != allowed_.end()) return true;
  // Compared as origins, not as text: "https://App.example:443" is "https://app.example".
  const auto normalized = normalized_origin(origin);
  if (!normalized) return false;
  if (!allowed_.empty())
    return std::find(allowed_.begin(), allowed_.end(), *normalized) != allowed_.end();
  // Default: the service's own origin, as the browser addressed it (Host names the host
  // and port, in whatever case the browser was given them).
  if (host.empty()) return false;
  const std::string named(host);
  return normalized_origin("http://" + named) == normalized ||
         normalized_origin("https://" + named) == normalized;
}

}  // namespace conv::transport
