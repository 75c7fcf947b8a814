#pragma once
// What HTTP/1.1 (RFC 9112) asks of a request before it is routed, beyond what Beast's
// parser checks on its own.
#include "common/error.hpp"
#include "transport/http_types.hpp"

#include <optional>

namespace conv::transport {

// Refuses (400, and the connection closes) a request whose framing a proxy in front could
// read differently, which is how requests are smuggled: a Transfer-Encoding other than
// exactly "chunked" (Beast reads the body by Content-Length, or as empty, when chunked is
// not the last coding). Refuses an HTTP/1.1 request without exactly one valid Host, or any
// request with several. Turns a target in absolute form ("http://host/path?q", which
// servers must accept) into the origin form the routes read ("/path?q").
std::optional<error> check_and_normalize(http::request<http::empty_body>& req);

}  // namespace conv::transport
