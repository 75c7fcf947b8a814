#pragma once
// CORS for the REST API (the Fetch standard): a page of another origin that
// CONV_ALLOWED_ORIGINS allows may call the API with its bearer token, as it may open the
// WebSocket. Tokens travel in a header, never in cookies, so there is no credentials mode.
#include "transport/http_types.hpp"
#include "transport/origin_policy.hpp"

#include <optional>
#include <string>

namespace conv::transport {

// The origin to name in a response's CORS headers: the request's Origin, when it has one
// the policy allows; nothing otherwise (native clients send none; a page the policy does
// not allow gets no headers, and its browser keeps the answer from it).
std::optional<std::string> cors_origin(const http::fields& request, const origin_policy& policy);

void add_cors_headers(http::fields& response, const std::optional<std::string>& origin);

// The answer to a preflight (OPTIONS with Origin and Access-Control-Request-Method): 204
// with what may be sent, or 403 FORBIDDEN for an origin the policy does not allow. Nothing
// when `req` is not a preflight.
std::optional<string_response> preflight_answer(const string_request& req,
                                                const origin_policy& policy);

}  // namespace conv::transport
