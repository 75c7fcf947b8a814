#pragma once
// The one table from the service's error codes to HTTP statuses, and the contract's error
// body: {"error":{"code","message","details"?}}.
#include "common/error.hpp"
#include "transport/http_types.hpp"

#include <boost/beast/http/status.hpp>

#include <boost/system/error_code.hpp>

#include <optional>
#include <string>

namespace conv::transport {

boost::beast::http::status http_status_of(errc code);
std::string error_body(const error& e);
// The error as a whole response after which the connection closes: the status, the body,
// and `Retry-After` when rate-limited.
string_response closing_error_response(unsigned version, const error& e);
// What to answer a request that could not be read, if anything: too large a header or
// body gets 413, a request that is not HTTP/1.1 (a bad request line, field, length or
// chunk) gets 400; a client that went away or timed out gets nothing.
std::optional<error> refusal_for_read_failure(const boost::system::error_code& ec);

}  // namespace conv::transport
