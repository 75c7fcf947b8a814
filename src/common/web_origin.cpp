#include "common/web_origin.hpp"

#include <boost/url/parse.hpp>

#include <algorithm>
#include <charconv>

namespace conv {
namespace {

char lower(char c) {
  return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c;
}

std::string lowercase(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), lower);
  return out;
}

// Browsers put names in an origin as ASCII (IDNs in punycode), never percent-encoded.
bool is_dns_name(std::string_view host) {
  return !host.empty() && std::all_of(host.begin(), host.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_';
  });
}

}  // namespace

std::optional<std::string> normalized_origin(std::string_view text) {
  namespace urls = boost::urls;
  auto parsed = urls::parse_uri(text);
  if (!parsed) return std::nullopt;
  const auto& url = *parsed;
  const bool https = url.scheme_id() == urls::scheme::https;
  if (!https && url.scheme_id() != urls::scheme::http) return std::nullopt;
  if (url.has_userinfo() || url.has_query() || url.has_fragment()) return std::nullopt;
  if (!url.encoded_path().empty() && url.encoded_path() != "/") return std::nullopt;
  switch (url.host_type()) {
    case urls::host_type::name:
      if (!is_dns_name(url.encoded_host())) return std::nullopt;
      break;
    case urls::host_type::ipv4:
    case urls::host_type::ipv6:
      break;
    default:  // IPvFuture, or no host at all
      return std::nullopt;
  }
  std::string origin = (https ? "https://" : "http://") + lowercase(url.encoded_host());
  if (url.has_port()) {
    // port_number() wraps ports past 65535, so the digits are read here.
    const auto digits = url.port();
    unsigned port = 0;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
    if (digits.empty() || ec != std::errc{} || end != digits.data() + digits.size() || port == 0 ||
        port > 65535)
      return std::nullopt;
    if (port != (https ? 443u : 80u)) origin += ":" + std::to_string(port);
  }
  return origin;
}

}  // namespace conv
