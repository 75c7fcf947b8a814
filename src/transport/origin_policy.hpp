#pragma once
// Which browser origins may use the service (CONV_ALLOWED_ORIGINS): the WebSocket handshake
// checks it against cross-site WebSocket hijacking, and REST answers CORS by it.
#include <string>
#include <string_view>
#include <vector>

namespace conv::transport {

class origin_policy {
 public:
  // Normalised origins (common/web_origin.hpp), as config::load gives them. Empty: the
  // service's own origin only; "*": any.
  explicit origin_policy(std::vector<std::string> allowed) : allowed_(std::move(allowed)) {}

  // Whether a page of `origin` (an Origin header, not empty) may call a service that the
  // browser addressed as `host` (the Host header).
  bool allows(std::string_view origin, std::string_view host) const;

 private:
  std::vector<std::string> allowed_;
};

}  // namespace conv::transport
