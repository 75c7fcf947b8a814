#include "transport/cors.hpp"

#include "transport/error_mapping.hpp"

namespace conv::transport {

std::optional<std::string> cors_origin(const http::fields& request, const origin_policy& policy) {
  const auto origin = request[http::field::origin];
  if (origin.empty() || !policy.allows(origin, request[http::field::host])) return std::nullopt;
  return std::string(origin);
}

void add_cors_headers(http::fields& response, const std::optional<std::string>& origin) {
  if (!origin) return;
  response.set(http::field::access_control_allow_origin, *origin);
  // Retry-After tells a client rate-limited or facing an outage when to come back.
  response.set(http::field::access_control_expose_headers, "Retry-After, WWW-Authenticate");
  response.set(http::field::vary, "Origin");
}

std::optional<string_response> preflight_answer(const string_request& req,
                                                const origin_policy& policy) {
  if (req.method() != http::verb::options || req[http::field::origin].empty() ||
      req[http::field::access_control_request_method].empty())
    return std::nullopt;
  const auto origin = cors_origin(req, policy);
  if (!origin) {
    auto res = closing_error_response(
        req.version(), make_error(errc::forbidden, "this origin may not call the API"));
    res.keep_alive(req.keep_alive());
    return res;
  }
  string_response res{http::status::no_content, req.version()};
  add_cors_headers(res, origin);
  res.set(http::field::access_control_allow_methods, "GET, HEAD, POST, PUT, PATCH, DELETE");
  res.set(http::field::access_control_allow_headers, "Authorization, Content-Type");
  res.set(http::field::access_control_max_age, "600");
  res.set(http::field::vary,
          "Origin, Access-Control-Request-Method, Access-Control-Request-Headers");
  res.keep_alive(req.keep_alive());
  return res;
}

}  // namespace conv::transport
