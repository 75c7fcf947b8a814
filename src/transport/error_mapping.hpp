#pragma once
// The one table from the service's error codes to HTTP statuses, and the contract's error
// body: {"error":{"code","message","details"?}}.
#include "common/error.hpp"

#include <boost/beast/http/status.hpp>

#include <string>

namespace conv::transport {

boost::beast::http::status http_status_of(errc code);
std::string error_body(const error& e);

}  // namespace conv::transport
