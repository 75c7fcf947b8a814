#pragma once
// The Date header every 2xx, 3xx and 4xx response of an origin server with a clock carries
// (RFC 9110 §6.6.1).
#include <boost/beast/http/fields.hpp>

namespace conv::transport {

// Sets Date to now, in the IMF-fixdate form ("Sun, 06 Nov 1994 08:49:37 GMT").
void stamp_date(boost::beast::http::fields& response);

}  // namespace conv::transport
