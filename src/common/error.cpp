#include "common/error.hpp"

#include <stdexcept>

namespace conv {

std::string_view code_name(errc code) {
  switch (code) {
    case errc::validation_failed:
      return "VALIDATION_FAILED";
    case errc::malformed_json:
      return "MALFORMED_JSON";
    case errc::unauthorized:
      return "UNAUTHORIZED";
    case errc::forbidden:
      return "FORBIDDEN";
    case errc::not_found:
      return "NOT_FOUND";
    case errc::topic_not_found:
      return "TOPIC_NOT_FOUND";
    case errc::session_not_found:
      return "SESSION_NOT_FOUND";
    case errc::not_in_queue:
      return "NOT_IN_QUEUE";
    case errc::already_in_queue:
      return "ALREADY_IN_QUEUE";
    case errc::already_in_session:
      return "ALREADY_IN_SESSION";
    case errc::invalid_state:
      return "INVALID_STATE";
    case errc::audio_already_uploaded:
      return "AUDIO_ALREADY_UPLOADED";
    case errc::payload_too_large:
      return "PAYLOAD_TOO_LARGE";
    case errc::unsupported_media_type:
      return "UNSUPPORTED_MEDIA_TYPE";
    case errc::rate_limited:
      return "RATE_LIMITED";
    case errc::unknown_message_type:
      return "UNKNOWN_MESSAGE_TYPE";
    case errc::service_unavailable:
      return "SERVICE_UNAVAILABLE";
    case errc::internal:
      return "INTERNAL";
  }
  return "INTERNAL";
}

void throw_exception_from_error(const error& e, const boost::source_location&) {
  throw std::logic_error("unchecked error result: " + std::string(code_name(e.code)) + ": " +
                         e.message);
}

}  // namespace conv
