#pragma once
// PUT and GET /sessions/{id}/audio: the body is streamed between the socket and the audio
// store in fixed chunks, never held whole in memory.
#include "app/audio_recordings.hpp"
#include "transport/http_types.hpp"
#include "transport/rest_api.hpp"

#include <boost/beast/http/parser.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace conv::transport {

// The session whose recording `target` names (/sessions/{id}/audio, percent-decoded), if it
// names one.
std::optional<std::string> audio_session_of(std::string_view target);

struct audio_served {
  bool keep_alive = false;  // the connection may carry another request
  unsigned status = 0;      // of the response, 0 when none could be sent
};

// Answers the request for `session_id`'s recording whose header `header` holds, from the
// client at `peer`, naming `cors` in its CORS headers (cors.hpp).
asio::awaitable<audio_served> serve_audio(beast::tcp_stream& stream, beast::flat_buffer& buffer,
                                          http::request_parser<http::empty_body>& header,
                                          std::string session_id, rest_api& api,
                                          app::audio_recordings& audio, std::string_view peer,
                                          std::optional<std::string> cors);

}  // namespace conv::transport
