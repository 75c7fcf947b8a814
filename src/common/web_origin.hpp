#pragma once
// Web origins (RFC 6454) as the WebSocket gateway compares them: the `Origin` header of a
// handshake against CONV_ALLOWED_ORIGINS and against the service's own origin. Both sides go
// through the one function below, so a comparison is between equals.
#include <optional>
#include <string>
#include <string_view>

namespace conv {

// `scheme://host[:port]` with scheme http or https, in the form browsers serialise it:
// scheme and host in lowercase, no port when it is the scheme's default (80, 443).
// "HTTPS://App.Example.com:443/" gives "https://app.example.com". A single "/" after the
// authority is accepted and dropped (operators paste origins from address bars); anything
// else (a longer path, a query, a fragment, user info, an empty or out-of-range port, a host
// that is not a DNS name or an IP literal) is not an origin: nullopt. So is "null", which
// sandboxed documents send.
std::optional<std::string> normalized_origin(std::string_view text);

}  // namespace conv
