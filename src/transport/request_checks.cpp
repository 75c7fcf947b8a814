#include "transport/request_checks.hpp"

#include <boost/beast/core/string.hpp>
#include <boost/url/parse.hpp>

namespace conv::transport {
namespace {

error bad_request(std::string why) {
  return make_error(errc::validation_failed, "not a valid HTTP/1.1 request: " + why);
}

bool is_valid_host(std::string_view host) {
  if (host.empty()) return true;  // RFC 9112 §3.2: allowed when the target has no authority
  auto authority = boost::urls::parse_authority(host);
  return authority && !authority->has_userinfo();
}

}  // namespace

std::optional<error> check_and_normalize(http::request<http::empty_body>& req) {
  if (req.count(http::field::transfer_encoding) > 1 ||
      (req.count(http::field::transfer_encoding) == 1 &&
       !beast::iequals(req[http::field::transfer_encoding], "chunked")))
    return bad_request("the only transfer coding accepted is chunked");

  const auto hosts = req.count(http::field::host);
  if (hosts > 1) return bad_request("more than one Host");
  if (hosts == 0 && req.version() >= 11) return bad_request("no Host");
  if (hosts == 1 && !is_valid_host(req[http::field::host])) return bad_request("an invalid Host");

  const auto target = req.target();
  if (target.empty() || target.front() == '/' || target == "*") return std::nullopt;
  auto absolute = boost::urls::parse_absolute_uri(target);
  if (!absolute || (absolute->scheme_id() != boost::urls::scheme::http &&
                    absolute->scheme_id() != boost::urls::scheme::https))
    return bad_request("the target is neither a path nor an http(s) URL");
  std::string origin_form(absolute->encoded_path().empty() ? "/" : absolute->encoded_path());
  if (absolute->has_query()) origin_form += "?" + std::string(absolute->encoded_query());
  req.target(origin_form);
  return std::nullopt;
}

}  // namespace conv::transport
