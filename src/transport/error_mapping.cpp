#include "transport/error_mapping.hpp"

#include "transport/http_date.hpp"

#include <boost/beast/http/error.hpp>
#include <boost/json.hpp>

namespace conv::transport {

namespace http = boost::beast::http;

http::status http_status_of(errc code) {
  switch (code) {
    case errc::validation_failed:
    case errc::malformed_json:
    case errc::unknown_message_type:
      return http::status::bad_request;
    case errc::unauthorized:
      return http::status::unauthorized;
    case errc::forbidden:
      return http::status::forbidden;
    case errc::not_found:
    case errc::topic_not_found:
    case errc::session_not_found:
    case errc::not_in_queue:
      return http::status::not_found;
    case errc::already_in_queue:
    case errc::already_in_session:
    case errc::invalid_state:
    case errc::audio_already_uploaded:
      return http::status::conflict;
    case errc::payload_too_large:
      return http::status::payload_too_large;
    case errc::unsupported_media_type:
      return http::status::unsupported_media_type;
    case errc::rate_limited:
      return http::status::too_many_requests;
    case errc::service_unavailable:
      return http::status::service_unavailable;
    case errc::internal:
      return http::status::internal_server_error;
  }
  return http::status::internal_server_error;
}

std::string error_body(const error& e) {
  boost::json::object inner{{"code", code_name(e.code)}, {"message", e.message}};
  if (!e.details.empty()) {
    boost::json::array details;
    for (const auto& d : e.details)
      details.push_back(boost::json::object{{"field", d.field}, {"problem", d.problem}});
    inner["details"] = std::move(details);
  }
  return boost::json::serialize(boost::json::object{{"error", std::move(inner)}});
}

string_response closing_error_response(unsigned version, const error& e) {
  string_response res{http_status_of(e.code), version};
  stamp_date(res);
  res.set(http::field::content_type, "application/json");
  // Rates are at least one per second (configuration): a token is back within a second.
  if (e.code == errc::rate_limited) res.set(http::field::retry_after, "1");
  res.keep_alive(false);
  res.body() = error_body(e);
  res.prepare_payload();
  return res;
}

std::optional<error> refusal_for_read_failure(const boost::system::error_code& ec) {
  if (ec == http::error::header_limit)
    return make_error(errc::payload_too_large, "the request header is too large");
  if (ec == http::error::body_limit)
    return make_error(errc::payload_too_large, "the request body is too large");
  if (ec == http::error::buffer_overflow)
    return make_error(errc::validation_failed, "a chunk header or trailer line is too long");
  if (ec.category() == http::make_error_code(http::error::bad_target).category() &&
      ec != http::error::end_of_stream && ec != http::error::partial_message)
    return make_error(errc::validation_failed, "not a valid HTTP/1.1 request: " + ec.message());
  return std::nullopt;
}

}  // namespace conv::transport
