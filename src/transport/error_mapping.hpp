#pragma once
// The one table from the service's error codes to HTTP statuses, and the contract's error
// body: {"error":{"code","message","details"?}}.
#include "common/error.hpp"
#include "transport/http_types.hpp"

#include <boost/beast/http/status.hpp>

#include <string>

namespace conv::transport {

boost::beast::http::status http_status_of(errc code);
std::string error_body(const error& e);
// The error as a whole response after which the connection closes: the status, the body,
// and `Retry-After` when rate-limited.
string_response closing_error_response(unsigned version, const error& e);

}  // namespace conv::transport
