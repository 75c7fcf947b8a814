#pragma once
// Writing a whole response, or only its header when it answers a HEAD request.
#include "transport/http_types.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/system/error_code.hpp>

namespace conv::transport {

// RFC 9110 §9.3.2: a HEAD request gets the header a GET would get, Content-Length
// included, and no body (a body after it would be read as the next response).
asio::awaitable<boost::system::error_code> write_response(beast::tcp_stream& stream,
                                                          string_response& res, bool head_only);

}  // namespace conv::transport
